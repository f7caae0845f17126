import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { createFakeGraphqlServer } from '@/testing/fake-graphql-ws';
import { ALL_PERMISSIONS, testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { testVersionDetail } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';
import type { BatchPredictionFieldsFragment } from '@/gql/graphql';

function batchJob(overrides: Partial<BatchPredictionFieldsFragment> = {}): BatchPredictionFieldsFragment {
  return {
    id: 'bp_1',
    status: 'SUCCEEDED',
    progress: 1,
    rowsScored: 2000,
    rowsTotal: 2000,
    message: 'Scored 2,000 rows',
    error: null,
    datasetName: 'April payments',
    createdAt: '2026-12-06T08:00:00Z',
    finishedAt: '2026-12-06T08:00:05Z',
    createdBy: 'Ada Admin',
    outputBytes: 48_000,
    csvUrl: '/api/v1/batch-predictions/bp_1/download?format=csv',
    parquetUrl: '/api/v1/batch-predictions/bp_1/download?format=parquet',
    ...overrides,
  };
}

function listing(jobs: BatchPredictionFieldsFragment[]) {
  return gqlData({ batchPredictions: { totalCount: jobs.length, edges: jobs.map((node) => ({ node })) } });
}

const datasets = gqlData({
  datasets: {
    totalCount: 2,
    pageInfo: { hasNextPage: false, endCursor: null },
    edges: [
      { cursor: 'ds_1', node: { id: 'ds_1', name: 'April payments', status: 'READY', rowCount: 2000, columnCount: 5 } },
      { cursor: 'ds_2', node: { id: 'ds_2', name: 'Still profiling', status: 'PROFILING', rowCount: null, columnCount: 5 } },
    ],
  },
});

async function panel() {
  return (await screen.findByRole('heading', { name: 'Score a dataset' })).closest('section')!;
}

describe('Models › Score a dataset', () => {
  it('starts a job on a dataset, follows it live and offers the downloads when it ends', async () => {
    setSessionCookie();
    const server = createFakeGraphqlServer();
    let listed = 0;
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith([...ALL_PERMISSIONS, 'predictions:export']) }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
        TrainingDatasets: () => datasets,
        BatchPredictions: () => {
          listed += 1;
          return listing(listed === 1 ? [] : [batchJob()]);
        },
        StartBatchPrediction: () =>
          gqlData({ startBatchPrediction: batchJob({ status: 'QUEUED', progress: 0, rowsScored: 0, csvUrl: null, parquetUrl: null, outputBytes: null }) }),
      },
    });
    renderApp('/models/versions/mv_1', { webSocketImpl: server.WebSocket });
    const section = await panel();
    expect(await within(section).findByText('No dataset has been scored with this version yet.')).toBeInTheDocument();
    const user = userEvent.setup();

    // Only READY datasets can be chosen.
    const select = within(section).getByLabelText('Dataset');
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(2));
    await user.selectOptions(select, 'ds_1');
    await user.click(within(section).getByRole('button', { name: 'Score the dataset' }));
    await waitFor(() =>
      expect(requests.find((r) => r.operationName === 'StartBatchPrediction')?.variables).toEqual({
        input: { modelVersionId: 'mv_1', datasetId: 'ds_1' },
      }),
    );

    // Progress arrives per chunk over the subscription.
    await waitFor(() => expect(server.subscription('BatchPredictionProgress')?.variables).toEqual({ jobId: 'bp_1' }));
    const event = { jobId: 'bp_1', rowsTotal: 2000, error: null, occurredAt: '2026-12-06T08:00:01Z' };
    act(() =>
      server.next('BatchPredictionProgress', {
        batchPredictionProgress: { ...event, sequence: 2, status: 'RUNNING', progress: 0.5, rowsScored: 1000, message: 'Scored' },
      }),
    );
    const bar = within(section).getByRole('progressbar', { name: 'Scoring April payments' });
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '50'));
    expect(within(section).getByTestId('batch-rows')).toHaveTextContent('1,000 of 2,000 rows');

    // The end reloads the list, which offers the downloads.
    act(() =>
      server.next('BatchPredictionProgress', {
        batchPredictionProgress: { ...event, sequence: 3, status: 'SUCCEEDED', progress: 1, rowsScored: 2000, message: 'Done' },
      }),
    );
    const downloads = await within(section).findByRole('group', { name: 'Download the predictions of April payments' });
    expect(within(downloads).getByRole('link', { name: 'CSV' })).toHaveAttribute('href', '/api/v1/batch-predictions/bp_1/download?format=csv');
    expect(within(downloads).getByRole('link', { name: 'Parquet' })).toHaveAttribute(
      'href',
      '/api/v1/batch-predictions/bp_1/download?format=parquet',
    );
  });

  it("shows the server's refusal, e.g. missing feature columns", async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
        TrainingDatasets: () => datasets,
        BatchPredictions: () => listing([]),
        StartBatchPrediction: () => gqlError('BAD_USER_INPUT', "The dataset lacks 1 of the model's feature columns: 'tenure_months'."),
      },
    });
    renderApp('/models/versions/mv_1');
    const section = await panel();
    const user = userEvent.setup();
    const select = within(section).getByLabelText('Dataset');
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(2));
    await user.selectOptions(select, 'ds_1');
    await user.click(within(section).getByRole('button', { name: 'Score the dataset' }));
    expect(await within(section).findByRole('alert')).toHaveTextContent("lacks 1 of the model's feature columns: 'tenure_months'");
  });

  it('lists past jobs to a read-only member without the form or the downloads', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['models:read', 'datasets:read']) }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
        BatchPredictions: () => listing([batchJob(), batchJob({ id: 'bp_2', status: 'FAILED', error: 'No', csvUrl: null, parquetUrl: null })]),
      },
    });
    renderApp('/models/versions/mv_1');
    const section = await panel();
    const table = await within(section).findByRole('table', { name: 'Batch predictions of this version' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(section).queryByLabelText('Dataset')).not.toBeInTheDocument();
    expect(within(section).queryByRole('link', { name: 'CSV' })).not.toBeInTheDocument();
    expect(within(table).getByText('Downloading needs predictions:export')).toBeInTheDocument();
  });
});
