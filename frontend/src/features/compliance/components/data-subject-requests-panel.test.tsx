import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { DataSubjectRequestFieldsFragment } from '@/gql/graphql';
import { testViewer } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

const officer = { ...testViewer, roles: ['compliance_officer'] };
const chain = { auditChain: { events: 0, signingKeyIds: [], latestCheckpoint: null } };
const noEvents = { auditEvents: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } };

function request(overrides: Partial<DataSubjectRequestFieldsFragment> = {}): DataSubjectRequestFieldsFragment {
  return {
    id: 'dsr_c1',
    kind: 'ACCESS',
    status: 'PENDING',
    subjectId: '0b1c2d3e-0000-4000-8000-000000000001',
    subjectKind: 'IDENTIFIER',
    subjectEmail: null,
    identifierColumn: 'customer_id',
    identifierValue: 'C-10023',
    reason: 'Customer letter',
    requestedBy: 'usr_2',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    executedBy: null,
    executedAt: null,
    createdAt: '2026-12-06T09:00:00Z',
    report: null,
    reportJsonUrl: null,
    reportCsvUrl: null,
    matches: {
      searchedAt: '2026-12-06T09:00:01Z',
      predictionRows: 3,
      predictionBatches: 2,
      datasets: [
        { datasetId: 'ds_1', name: 'Payments by customer', versionNumber: 1, rows: 2 },
        { datasetId: 'ds_2', name: 'CRM extract', versionNumber: 1, rows: 1 },
      ],
      modelVersions: [{ modelVersionId: 'mv_1', model: 'Payments', version: 4, rows: 3 }],
    },
    modelsToRetrain: [
      { modelVersionId: 'mv_1', model: 'Payments', version: 4, stage: 'PRODUCTION', datasetName: 'Payments by customer' },
    ],
    ...overrides,
  };
}

function requestsData(requests: DataSubjectRequestFieldsFragment[]) {
  return {
    viewer: { id: officer.id },
    dataSubjectRequests: {
      totalCount: requests.length,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: requests.map((node) => ({ node })),
    },
  };
}

type Reply = ReturnType<typeof gqlData>;

function handlers(stored: () => DataSubjectRequestFieldsFragment[], extra: Record<string, (r: RecordedRequest) => Reply>) {
  return {
    graphql: {
      AppViewer: () => gqlData({ viewer: officer }),
      AuditChain: () => gqlData(chain),
      AuditRetentionPolicy: () => gqlData({ auditRetentionPolicy: null }),
      AuditEvents: () => gqlData(noEvents),
      DataSubjectRequests: () => gqlData(requestsData(stored())),
      ...extra,
    },
  };
}

describe('Data subject requests › customer identifiers', () => {
  it('files a request for a customer identifier and shows what it found', async () => {
    setSessionCookie();
    let stored: DataSubjectRequestFieldsFragment[] = [];
    const { requests } = mockFetch(
      handlers(() => stored, {
        CreateDataSubjectRequest: () => {
          stored = [request({ requestedBy: officer.id })];
          return gqlData({ createDataSubjectRequest: stored[0] });
        },
      }),
    );
    renderApp('/compliance');
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'New data subject request' });

    await user.selectOptions(within(form).getByLabelText('Kind'), 'ACCESS');
    await user.click(within(form).getByLabelText(/a customer identifier/));
    expect(within(form).queryByLabelText('Person’s email')).not.toBeInTheDocument();
    await user.type(within(form).getByLabelText('Column'), ' customer_id ');
    await user.type(within(form).getByLabelText('Value'), 'C-10023');
    await user.type(within(form).getByLabelText('Reason'), 'Customer letter');
    await user.click(within(form).getByRole('button', { name: 'File request' }));

    await waitFor(() =>
      expect(requests.find((r) => r.operationName === 'CreateDataSubjectRequest')?.variables).toEqual({
        input: { kind: 'ACCESS', identifier: { column: 'customer_id', value: 'C-10023' }, reason: 'Customer letter' },
      }),
    );
    const table = await screen.findByRole('table', { name: 'Data subject requests, newest first' });
    expect(await within(table).findByText('customer_id = C-10023')).toBeInTheDocument();
    expect(within(table).getByText('Found in 2 datasets (3 rows) and 3 prediction-log rows.')).toBeInTheDocument();
    const datasets = within(table).getByRole('list', { name: 'Matching datasets' });
    expect(within(datasets).getByText('Payments by customer (version 1): 2 rows')).toBeInTheDocument();
    expect(within(table).getByText('Payments v4: 3 predictions')).toBeInTheDocument();
    expect(within(table).getByText(/Trained on these datasets/)).toHaveTextContent('Payments v4');
  });

  it('uses its own field errors, never the browser popup, and clears a stale error on change', async () => {
    setSessionCookie();
    const created: RecordedRequest[] = [];
    mockFetch(
      handlers(() => [], {
        CreateDataSubjectRequest: (r) => {
          created.push(r);
          return gqlError('NOT_FOUND', 'Member with that email not found.');
        },
      }),
    );
    renderApp('/compliance');
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'New data subject request' });
    expect(form).toHaveAttribute('novalidate');

    // nothing typed: our messages, per field, and no request sent
    await user.click(within(form).getByRole('button', { name: 'File request' }));
    expect(within(form).getByText('Give the member’s email.')).toBeInTheDocument();
    expect(within(form).getByText('Give the reason (e.g. the ticket).')).toBeInTheDocument();
    expect(within(form).getByLabelText('Person’s email')).toHaveAttribute('aria-invalid', 'true');
    await user.type(within(form).getByLabelText('Person’s email'), 'not-an-email');
    expect(within(form).queryByText('Give the member’s email.')).not.toBeInTheDocument();
    await user.type(within(form).getByLabelText('Reason'), 'Ticket 1');
    await user.click(within(form).getByRole('button', { name: 'File request' }));
    expect(within(form).getByText(/This is not an email address/)).toBeInTheDocument();
    expect(created).toHaveLength(0);

    // the server's refusal shows, then goes as soon as the officer edits the form
    await user.clear(within(form).getByLabelText('Person’s email'));
    await user.type(within(form).getByLabelText('Person’s email'), 'ann@example.com');
    await user.click(within(form).getByRole('button', { name: 'File request' }));
    expect(await within(form).findByText('Member with that email not found.')).toBeInTheDocument();
    await user.click(within(form).getByLabelText(/a customer identifier/));
    expect(within(form).queryByText('Member with that email not found.')).not.toBeInTheDocument();

    // the identifier's own checks
    await user.click(within(form).getByRole('button', { name: 'File request' }));
    expect(within(form).getByText(/Give the column that holds the identifier/)).toBeInTheDocument();
    expect(within(form).getByText(/Give the identifier’s value/)).toBeInTheDocument();
    await user.type(within(form).getByLabelText('Column'), 'customer_id');
    await user.click(within(form).getByLabelText('Value'));
    await user.paste('x'.repeat(1001));
    await user.click(within(form).getByRole('button', { name: 'File request' }));
    expect(within(form).getByText('At most 1,000 characters.')).toBeInTheDocument();
    expect(created).toHaveLength(1);
  });

  it('links the executed report as JSON and CSV downloads, and lists the models to retrain after an erasure', async () => {
    setSessionCookie();
    const done = request({
      kind: 'ERASURE',
      status: 'EXECUTED',
      identifierValue: null,
      report: { rows_removed: 6 },
      reportJsonUrl: '/api/v1/data-subject-requests/dsr_c1/report.json',
      reportCsvUrl: '/api/v1/data-subject-requests/dsr_c1/report.csv',
    });
    mockFetch(handlers(() => [done], {}));
    renderApp('/compliance');

    const table = await screen.findByRole('table', { name: 'Data subject requests, newest first' });
    expect(await within(table).findByText('customer_id (erased)')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'JSON' })).toHaveAttribute(
      'href',
      '/api/v1/data-subject-requests/dsr_c1/report.json',
    );
    const csv = within(table).getByRole('link', { name: 'CSV' });
    expect(csv).toHaveAttribute('href', '/api/v1/data-subject-requests/dsr_c1/report.csv');
    expect(csv).toHaveAttribute('download');
    expect(within(table).getByText(/Retrain/)).toHaveTextContent('Retrain: Payments v4');
  });

  it('says when a customer was found nowhere', async () => {
    setSessionCookie();
    const none = request({
      matches: { searchedAt: '2026-12-06T09:00:01Z', predictionRows: 0, predictionBatches: 0, datasets: [], modelVersions: [] },
      modelsToRetrain: [],
    });
    mockFetch(handlers(() => [none], {}));
    renderApp('/compliance');
    expect(await screen.findByText('Found nowhere in the datasets or the prediction log.')).toBeInTheDocument();
  });
});
