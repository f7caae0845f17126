import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { datasetsPage, testDataset, testDatasetDetail } from '@/testing/dataset-fixtures';
import { testViewer } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

/** An XMLHttpRequest stand-in the test drives: progress events, then an answer. */
class FakeXhr extends EventTarget {
  static last: FakeXhr | undefined;
  readonly upload = new EventTarget();
  readonly headers = new Map<string, string>();
  method = '';
  url = '';
  body: FormData | undefined;
  status = 0;
  responseText = '';
  aborted = false;

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers.set(name, value);
  }
  send(body: FormData) {
    this.body = body;
    FakeXhr.last = this;
  }
  abort() {
    this.aborted = true;
    this.dispatchEvent(new Event('abort'));
  }
  getResponseHeader() {
    return null;
  }
  progress(loaded: number, total: number) {
    this.upload.dispatchEvent(new ProgressEvent('progress', { loaded, total, lengthComputable: true }));
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.dispatchEvent(new Event('load'));
  }
}

function mockApi() {
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer: testViewer }),
      Datasets: () => datasetsPage([testDataset()]),
      Dataset: () => gqlData({ dataset: testDatasetDetail({ id: 'ds_new', name: 'Loans 2024' }) }),
    },
  });
}

async function openDialog() {
  await userEvent.click(await screen.findByRole('button', { name: 'Upload dataset' }));
  return screen.getByRole('dialog', { name: 'Upload a dataset' });
}

describe('Data › upload', () => {
  beforeEach(() => {
    FakeXhr.last = undefined;
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('uploads as a GraphQL multipart request with a progress bar, then opens the dataset', async () => {
    setSessionCookie('csrf-up');
    mockApi();
    const { router } = renderApp('/data');
    const user = userEvent.setup();
    const dialog = await openDialog();

    const file = new File(['a,b\n1,2\n'], 'loans 2024.csv', { type: 'text/csv' });
    await user.upload(within(dialog).getByLabelText('File'), file);
    expect(within(dialog).getByText('loans 2024.csv')).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveValue('loans 2024');
    await user.clear(within(dialog).getByRole('textbox', { name: 'Name' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Loans 2024');
    await user.click(within(dialog).getByRole('button', { name: 'Upload' }));

    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/graphql');
    expect(xhr.headers.get('X-CSRF-Token')).toBe('csrf-up');
    expect(xhr.headers.get('Apollo-Require-Preflight')).toBe('true');
    const operations = JSON.parse(xhr.body!.get('operations') as string) as {
      query: string;
      variables: Record<string, unknown>;
    };
    expect(operations.query).toContain('uploadDataset(name: $name, file: $file)');
    expect(operations.variables).toEqual({ name: 'Loans 2024', file: null });
    expect(JSON.parse(xhr.body!.get('map') as string)).toEqual({ '0': ['variables.file'] });
    expect((xhr.body!.get('0') as File).name).toBe('loans 2024.csv');

    const bar = within(dialog).getByRole('progressbar', { name: 'Uploading loans 2024.csv' });
    expect(bar).toHaveAttribute('aria-valuenow', '0');
    act(() => xhr.progress(400, 1000));
    expect(bar).toHaveAttribute('aria-valuenow', '40');
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    act(() => xhr.progress(1000, 1000));
    expect(bar).toHaveAttribute('aria-valuenow', '100');
    expect(within(dialog).getByText(/Upload complete/)).toBeInTheDocument();

    act(() => xhr.respond(200, { data: { uploadDataset: testDataset({ id: 'ds_new', name: 'Loans 2024' }) } }));
    expect(await screen.findByRole('heading', { name: 'Loans 2024', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/data/ds_new');
  });

  it("shows the server's BAD_USER_INPUT message verbatim and lets the person try again", async () => {
    setSessionCookie();
    mockApi();
    renderApp('/data');
    const user = userEvent.setup();
    const dialog = await openDialog();

    await user.upload(within(dialog).getByLabelText('File'), new File(['a,b\n1,2,3,4,5\n'], 'bad.csv'));
    await user.click(within(dialog).getByRole('button', { name: 'Upload' }));
    act(() =>
      FakeXhr.last!.respond(200, {
        data: null,
        errors: [{ message: 'row 17 has 5 fields, the header has 4', extensions: { code: 'BAD_USER_INPUT' } }],
      }),
    );

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The file was not accepted');
    expect(alert).toHaveTextContent('row 17 has 5 fields, the header has 4');
    expect(within(dialog).getByRole('button', { name: 'Upload' })).toBeEnabled();
    expect(within(dialog).queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('shows a middleware refusal in the REST error shape', async () => {
    setSessionCookie();
    mockApi();
    renderApp('/data');
    const user = userEvent.setup();
    const dialog = await openDialog();

    await user.upload(within(dialog).getByLabelText('File'), new File(['x'], 'big.parquet'));
    await user.click(within(dialog).getByRole('button', { name: 'Upload' }));
    act(() =>
      FakeXhr.last!.respond(413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Uploads are limited to 2 GB.' } }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Uploads are limited to 2 GB.');
  });

  it('checks the obvious before sending: a file, a known extension, not empty', async () => {
    setSessionCookie();
    mockApi();
    renderApp('/data');
    const user = userEvent.setup();
    const dialog = await openDialog();

    await user.click(within(dialog).getByRole('button', { name: 'Upload' }));
    expect(within(dialog).getByText('Choose a file to upload.')).toBeInTheDocument();

    fireEvent.drop(within(dialog).getByText('Drop a file here or click to choose'), {
      dataTransfer: { files: [new File(['%PDF'], 'report.pdf')] },
    });
    expect(await within(dialog).findByText(/report\.pdf is not a supported file/)).toBeInTheDocument();

    fireEvent.drop(within(dialog).getByText('report.pdf'), { dataTransfer: { files: [new File([], 'empty.csv')] } });
    expect(await within(dialog).findByText('empty.csv is empty.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Upload' }));
    expect(FakeXhr.last).toBeUndefined();
  });

  it('cancels a running upload', async () => {
    setSessionCookie();
    mockApi();
    renderApp('/data');
    const user = userEvent.setup();
    const dialog = await openDialog();

    await user.upload(within(dialog).getByLabelText('File'), new File(['a\n1\n'], 'one.tsv'));
    await user.click(within(dialog).getByRole('button', { name: 'Upload' }));
    await user.click(within(dialog).getByRole('button', { name: 'Cancel upload' }));
    expect(FakeXhr.last!.aborted).toBe(true);
    expect(await within(dialog).findByRole('button', { name: 'Upload' })).toBeEnabled();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });
});
