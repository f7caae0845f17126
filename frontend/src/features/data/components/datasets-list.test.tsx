import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { datasetsPage, testDataset } from '@/testing/dataset-fixtures';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

describe('Data › datasets list', () => {
  it('lists datasets with status, format, shape, size, uploader and time', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Datasets: () =>
          datasetsPage([
            testDataset(),
            testDataset({
              id: 'ds_2',
              name: 'Branch footfall',
              status: 'FAILED',
              error: 'row 17 has 5 fields, the header has 4',
              rowCount: null,
              columnCount: null,
              sizeBytes: 20480,
              sourceFormat: 'parquet',
              createdBy: null,
            }),
          ]),
      },
    });
    renderApp('/data');

    const table = await screen.findByRole('table', { name: 'Datasets of your organization, newest first' });
    const [churn, failed] = within(table).getAllByRole('row').slice(1);
    expect(within(churn!).getByRole('link', { name: 'Customer churn' })).toHaveAttribute('href', '/data/ds_1');
    expect(within(churn!).getByText('Ready')).toBeInTheDocument();
    expect(within(churn!).getByText('CSV')).toBeInTheDocument();
    expect(within(churn!).getByText('7,043 × 3')).toBeInTheDocument();
    expect(within(churn!).getByText('955 KB')).toBeInTheDocument();
    expect(within(churn!).getByText('by Grace Hopper')).toBeInTheDocument();
    const time = churn!.querySelector('time[datetime="2025-03-01T10:00:00Z"]');
    expect(time).toHaveAttribute('title', expect.stringContaining('2025'));
    expect(time?.textContent).toMatch(/ago/);

    expect(within(failed!).getByText('Failed').closest('.badge')).toHaveAttribute(
      'title',
      'row 17 has 5 fields, the header has 4',
    );
    expect(within(failed!).getByText('row 17 has 5 fields, the header has 4')).toBeInTheDocument();
    expect(within(failed!).getByText('PARQUET')).toBeInTheDocument();
    expect(within(failed!).getByText('20 KB')).toBeInTheDocument();
    expect(within(failed!).getByText('uploader unknown')).toBeInTheDocument();
    expect(screen.getByText('Showing 2 of 2 datasets')).toBeInTheDocument();
  });

  it('searches and loads more with the cursor', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Datasets: (request) => {
          const { after, search } = request.variables ?? {};
          if (after === 'cursor-1') return datasetsPage([testDataset({ id: 'ds_9', name: 'Page two' })], { total: 2 });
          if (search === 'zz') return datasetsPage([]);
          return datasetsPage([testDataset()], { total: 2, next: 'cursor-1' });
        },
      },
    });
    renderApp('/data');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Page two')).toBeInTheDocument();
    expect(screen.getByText('Customer churn')).toBeInTheDocument();
    expect(await screen.findByText('Showing 2 of 2 datasets')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Search datasets' }), 'zz');
    expect(await screen.findByText('No datasets match “zz”')).toBeInTheDocument();
    const last = requests.filter((r: RecordedRequest) => r.operationName === 'Datasets').at(-1);
    expect(last?.variables).toEqual({ first: 25, after: null, search: 'zz' });
  });

  it('asks again while a dataset is PROFILING, until it is READY', async () => {
    setSessionCookie();
    let calls = 0;
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Datasets: () => {
          calls += 1;
          return datasetsPage([
            calls < 2
              ? testDataset({ status: 'PROFILING', rowCount: null, columnCount: null })
              : testDataset({ status: 'READY' }),
          ]);
        },
      },
    });
    renderApp('/data');

    const row = (await screen.findByRole('link', { name: 'Customer churn' })).closest('tr')!;
    expect(within(row).getByText('Profiling')).toBeInTheDocument();
    expect(within(row).getByText('Counting…')).toBeInTheDocument();
    await waitFor(() => expect(within(row).getByText('Ready')).toBeInTheDocument(), { timeout: 8000 });
    expect(within(row).getByText('7,043 × 3')).toBeInTheDocument();
    const settled = calls;
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(calls).toBe(settled); // READY rows are not polled
  }, 15_000);

  it('invites an upload when there are no datasets', async () => {
    setSessionCookie();
    mockFetch({
      graphql: { AppViewer: () => gqlData({ viewer: testViewer }), Datasets: () => datasetsPage([]) },
    });
    renderApp('/data');

    expect(await screen.findByRole('heading', { name: 'No datasets yet' })).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Upload dataset' })).toHaveLength(2);
  });

  it('offers no upload without datasets:write', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['datasets:read']) }),
        Datasets: () => datasetsPage([]),
      },
    });
    renderApp('/data');

    expect(await screen.findByRole('heading', { name: 'No datasets yet' })).toBeInTheDocument();
    expect(screen.getByText(/once someone with permission to upload adds one/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Upload dataset' })).not.toBeInTheDocument();
  });

  it('hides the Data area without datasets:read', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: viewerWith(['models:read']) }) } });
    renderApp('/data');

    expect(await screen.findByText('You do not have access to datasets')).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Data' })).not.toBeInTheDocument();
  });
});
