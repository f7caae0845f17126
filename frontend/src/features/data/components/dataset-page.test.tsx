import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { datasetsPage, testDatasetDetail } from '@/testing/dataset-fixtures';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

describe('Data › dataset page', () => {
  it('shows the header, facts, suggested targets, columns and charts', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Dataset: () => gqlData({ dataset: testDatasetDetail() }),
        DatasetPreview: () =>
          gqlData({
            datasetPreview: {
              columns: ['tenure_months', 'payment_method', 'churn'],
              rows: [
                ['12', 'Electronic check', 'No'],
                ['3', null, 'Yes'],
              ],
              rowCount: 7043,
            },
          }),
      },
    });
    renderApp('/data/ds_1');

    expect(await screen.findByRole('heading', { name: 'Customer churn', level: 1 })).toBeInTheDocument();
    // the first rows, as in the file; a missing cell reads as a dash
    const preview = await screen.findByRole('table', { name: 'First rows of the dataset' });
    expect(requests.find((r) => r.operationName === 'DatasetPreview')?.variables).toEqual({ id: 'ds_1', first: 20 });
    const previewRows = within(preview).getAllByRole('row');
    expect(previewRows[0]).toHaveTextContent('#tenure_monthspayment_methodchurn');
    expect(previewRows[1]).toHaveTextContent('112Electronic checkNo');
    expect(previewRows[2]).toHaveTextContent('23—Yes');
    expect(screen.getByText('The first 2 of 7,043 rows, as in the file.')).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'Dataset')?.variables).toEqual({ id: 'ds_1' });
    expect(screen.getByRole('textbox', { name: 'Content hash' })).toHaveValue(
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    );
    expect(screen.getByRole('button', { name: 'Copy content hash' })).toBeInTheDocument();
    expect(screen.getByText('Uploaded by').nextElementSibling).toHaveTextContent('Grace Hopper');

    const targets = screen.getByRole('region', { name: 'What you could predict' });
    const items = within(targets).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('churn');
    expect(items[0]).toHaveTextContent('Binary classification');
    expect(items[0]).toHaveTextContent('Two values with enough of each class to learn from.');
    expect(items[1]).toHaveTextContent('Regression');

    const table = screen.getByRole('table', { name: 'Columns of the dataset with their profile' });
    const [tenure, payment, churn] = within(table).getAllByRole('row').slice(1);
    expect(tenure).toHaveTextContent('Numeric');
    expect(tenure).toHaveTextContent('0.2%');
    expect(tenure).toHaveTextContent('min 0max 72mean 32.37std 24.56');
    expect(payment).toHaveTextContent('Categorical');
    expect(payment).toHaveTextContent('36%');
    expect(payment).toHaveTextContent('Electronic check2,365');
    expect(churn).toHaveTextContent('Boolean');

    // Charts are labelled images with their numbers available as text.
    const histogram = screen.getByRole('img', { name: /^Histogram of tenure_months: 3 bins from 0 to 72/ });
    expect(histogram.tagName.toLowerCase()).toBe('svg');
    expect(histogram.querySelectorAll('rect')).toHaveLength(3);
    expect(screen.getByRole('table', { name: 'Histogram of tenure_months' })).toHaveTextContent('0 to 243,000');
    expect(screen.getByRole('img', { name: /^Most frequent values of churn: No 5,174, Yes 1,869/ })).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Most frequent values of payment_method' })).toHaveTextContent(
      'Electronic check2,36534%',
    );
    const missing = screen.getByRole('img', { name: /^Missing values by column: 2 of 3 columns/ });
    expect(missing.querySelector('title')).toHaveTextContent('payment_method 36%');
    expect(screen.getByText('1 of 3 columns complete.')).toBeInTheDocument();

    expect(screen.getByRole('button', { name: 'Delete' })).toBeInTheDocument();
    // Training starts in the Models area with this dataset chosen.
    expect(screen.getByRole('link', { name: 'Train a model' })).toHaveAttribute('href', '/models/train?dataset=ds_1');
  });

  it('shows a clean not-found state for an unknown or foreign id', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Dataset: () => gqlError('NOT_FOUND', 'Dataset not found.'),
      },
    });
    renderApp('/data/ds_other');

    expect(await screen.findByRole('heading', { name: 'Dataset not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to all datasets' })).toHaveAttribute('href', '/data');
  });

  it('explains PROFILING and FAILED, and updates itself until profiling ends', async () => {
    setSessionCookie();
    let calls = 0;
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Dataset: () => {
          calls += 1;
          return gqlData({
            dataset:
              calls < 2
                ? testDatasetDetail({ status: 'PROFILING', profile: null, rowCount: null, columnCount: null })
                : testDatasetDetail({ status: 'FAILED', error: 'The file is not valid Parquet.', profile: null }),
          });
        },
      },
    });
    renderApp('/data/ds_1');

    expect(await screen.findByText('Profiling the file')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Train a model' })).not.toBeInTheDocument();
    expect(await screen.findByText('Profiling failed', {}, { timeout: 8000 })).toBeInTheDocument();
    expect(screen.getAllByText('The file is not valid Parquet.').length).toBeGreaterThan(0);
    expect(screen.queryByText('Profiling the file')).not.toBeInTheDocument();
  }, 15_000);

  it('deletes after confirmation and returns to the list', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Dataset: () => gqlData({ dataset: testDatasetDetail() }),
        DeleteDataset: () => gqlData({ deleteDataset: true }),
        Datasets: () => datasetsPage([]),
      },
    });
    const { router } = renderApp('/data/ds_1');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Customer churn?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Delete dataset' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/data'));
    expect(requests.find((r) => r.operationName === 'DeleteDataset')?.variables).toEqual({ id: 'ds_1' });
    expect(await screen.findByRole('heading', { name: 'No datasets yet' })).toBeInTheDocument();
  });

  it("shows the server's refusal in the delete dialog", async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        Dataset: () => gqlData({ dataset: testDatasetDetail() }),
        DeleteDataset: () => gqlError('CONFLICT', 'Customer churn is used by 2 experiments.'),
      },
    });
    renderApp('/data/ds_1');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete dataset' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Customer churn is used by 2 experiments.');
  });

  it('offers no delete without datasets:write', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['datasets:read']) }),
        Dataset: () => gqlData({ dataset: testDatasetDetail() }),
      },
    });
    renderApp('/data/ds_1');

    expect(await screen.findByRole('heading', { name: 'Customer churn', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Train a model' })).not.toBeInTheDocument();
  });
});
