import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { createFakeGraphqlServer } from '@/testing/fake-graphql-ws';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { testJobDetail, testLeaderboard, trainingEvent } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

const running = testJobDetail({
  status: 'RUNNING',
  progress: 0.1,
  message: 'Preparing the data',
  finishedAt: null,
  leaderboard: [],
  featureImportance: [],
  metrics: [],
  modelVersion: null,
});

function progressBar() {
  return screen.getByRole('progressbar', { name: 'Training progress' });
}

describe('Models › training job page', () => {
  it('follows the job live, ignores late events, and reloads it when the stream ends', async () => {
    setSessionCookie();
    const server = createFakeGraphqlServer();
    let jobCalls = 0;
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJob: () => {
          jobCalls += 1;
          return gqlData({ trainingJob: jobCalls === 1 ? running : testJobDetail() });
        },
      },
    });
    renderApp('/models/jobs/job_1', { webSocketImpl: server.WebSocket });

    expect(await screen.findByRole('heading', { name: 'Customer churn · churn', level: 1 })).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'TrainingJob')?.variables).toEqual({ id: 'job_1' });
    await waitFor(() => expect(server.subscription('TrainingProgress')?.variables).toEqual({ jobId: 'job_1' }));

    // The first event is the current state.
    act(() => server.next('TrainingProgress', { trainingProgress: trainingEvent({ sequence: 4, progress: 0.3, message: 'Fitting LightGBM_BAG_L1' }) }));
    await waitFor(() => expect(progressBar()).toHaveAttribute('aria-valuenow', '30'));
    expect(screen.getByText('Fitting LightGBM_BAG_L1')).toBeInTheDocument();
    expect(screen.getByText('Live')).toBeInTheDocument();

    act(() =>
      server.next('TrainingProgress', {
        trainingProgress: trainingEvent({
          sequence: 5,
          progress: 0.6,
          message: 'Trained LightGBM_BAG_L1 (roc_auc 0.897)',
          leaderboard: testLeaderboard.slice(1, 2),
        }),
      }),
    );
    await waitFor(() => expect(progressBar()).toHaveAttribute('aria-valuenow', '60'));
    // The live leaderboard shows as models finish, in people's words.
    expect(screen.getByRole('table', { name: /^Leaderboard: candidate models/ })).toHaveTextContent('LightGBM');

    // A late (and a repeated) event changes nothing.
    act(() => server.next('TrainingProgress', { trainingProgress: trainingEvent({ sequence: 3, progress: 0.2, message: 'late' }) }));
    act(() => server.next('TrainingProgress', { trainingProgress: trainingEvent({ sequence: 5, progress: 0.65, message: 'again' }) }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(progressBar()).toHaveAttribute('aria-valuenow', '60');
    expect(screen.queryByText('late')).not.toBeInTheDocument();

    // The terminal event ends the stream: the job is loaded again for its results.
    act(() =>
      server.next('TrainingProgress', {
        trainingProgress: trainingEvent({ sequence: 6, status: 'SUCCEEDED', progress: 1, message: 'Done', modelVersionId: 'mv_1' }),
      }),
    );
    act(() => server.complete('TrainingProgress'));
    await waitFor(() => expect(jobCalls).toBe(2));
    expect(await screen.findByText('Training succeeded')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open model version v3' })).toHaveAttribute('href', '/models/versions/mv_1');
    expect(screen.getByRole('img', { name: /^Leaderboard by validation roc_auc/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^Feature importance, largest first: tenure_months/ })).toBeInTheDocument();
    expect(screen.getByText('Fastest as good as the best')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel job' })).not.toBeInTheDocument();
    expect(server.subscription('TrainingProgress')).toBeUndefined();
  });

  it('says when live updates fail and subscribes again on Reconnect', async () => {
    setSessionCookie();
    const server = createFakeGraphqlServer();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJob: () => gqlData({ trainingJob: running }),
      },
    });
    renderApp('/models/jobs/job_1', { webSocketImpl: server.WebSocket });
    const user = userEvent.setup();

    await waitFor(() => expect(server.subscription('TrainingProgress')).toBeDefined());
    act(() => server.fail('TrainingProgress', [{ message: 'Too many live subscriptions.', extensions: { code: 'RATE_LIMITED' } }]));
    expect(await screen.findByText('Live updates are interrupted')).toBeInTheDocument();
    expect(screen.getByText('Too many live subscriptions.')).toBeInTheDocument();
    expect(screen.getByText('Live updates interrupted')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(server.subscription('TrainingProgress')).toBeDefined());
    act(() => server.next('TrainingProgress', { trainingProgress: trainingEvent({ sequence: 2, progress: 0.5 }) }));
    await waitFor(() => expect(progressBar()).toHaveAttribute('aria-valuenow', '50'));
    expect(screen.queryByText('Live updates are interrupted')).not.toBeInTheDocument();
    expect(server.subscribed().filter((s) => s.operationName === 'TrainingProgress')).toHaveLength(2);
  });

  it('does not subscribe to a job that has ended, and shows its results', async () => {
    setSessionCookie();
    const server = createFakeGraphqlServer();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJob: () => gqlData({ trainingJob: testJobDetail() }),
      },
    });
    renderApp('/models/jobs/job_1', { webSocketImpl: server.WebSocket });

    expect(await screen.findByText('Training succeeded')).toBeInTheDocument();
    expect(progressBar()).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText('Settings').closest('section')).toHaveTextContent('Binary classification (detected)');
    expect(screen.getByText('roc_auc', { selector: '.metric-tile__name' })).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Columns not used as features, with the reason' })).toHaveTextContent(
      'customer_idAn identifier: every value is distinct.',
    );
    expect(screen.getByText('Validation roc_auc per model. Higher is better: the longest bar is the best model.')).toBeInTheDocument();
    // a first try is no news: no attempt count
    expect(screen.queryByText('Try')).not.toBeInTheDocument();
    expect(screen.queryByText(/attempt/i)).not.toBeInTheDocument();
    expect(server.subscribed().filter((s) => s.operationName === 'TrainingProgress')).toEqual([]);
  });

  it('shows a forecast job’s own settings and no feature importance', async () => {
    setSessionCookie();
    const server = createFakeGraphqlServer();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJob: () =>
          gqlData({
            trainingJob: testJobDetail({
              taskType: 'FORECASTING',
              requestedTaskType: 'FORECASTING',
              metric: 'mase',
              higherIsBetter: false,
              excludedColumns: [],
              featureImportance: [],
              metrics: [{ name: 'mase', value: 0.27 }],
              forecast: { timeColumn: 'month', seriesIdColumn: null, horizon: 6, intervalLevel: 95 },
            }),
          }),
      },
    });
    renderApp('/models/jobs/job_1', { webSocketImpl: server.WebSocket });

    expect(await screen.findByText('Training succeeded')).toBeInTheDocument();
    const settings = screen.getByText('Settings').closest('section')!;
    expect(settings).toHaveTextContent('Forecasting');
    expect(settings).toHaveTextContent('Time columnmonth');
    expect(settings).toHaveTextContent('Series id columnNone: one series');
    expect(settings).toHaveTextContent('Horizon6 steps · 95 % interval');
    expect(within(settings).queryByText('Engine')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Feature importance' })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Backtest metrics' })).toBeInTheDocument();
    expect(screen.getByText('Statistical forecasters')).toBeInTheDocument();
    expect(screen.queryByText('AutoGluon')).not.toBeInTheDocument();
  });

  it('explains a failed job with its error code and attempt', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJob: () =>
          gqlData({
            trainingJob: testJobDetail({
              status: 'FAILED',
              error: 'The worker stopped answering twice; the job was given up.',
              errorCode: 'worker_lost',
              attempt: 3,
              leaderboard: [],
              featureImportance: [],
              metrics: [],
              modelVersion: null,
            }),
          }),
      },
    });
    renderApp('/models/jobs/job_1');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The training worker was lost');
    expect(alert).toHaveTextContent('The worker stopped answering twice; the job was given up.');
    expect(within(alert).getByText('worker_lost', { selector: 'code' })).toBeInTheDocument();
    expect(screen.getByText('Try').nextElementSibling).toHaveTextContent('3 of 3');
    expect(screen.getByText('No model finished training.')).toBeInTheDocument();
  });

  it('cancels after confirmation', async () => {
    setSessionCookie();
    const server = createFakeGraphqlServer();
    let cancelled = false;
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJob: () =>
          gqlData({
            trainingJob: cancelled
              ? { ...running, status: 'CANCELLED', error: 'Cancelled by Ada Lovelace.', errorCode: 'cancelled' }
              : running,
          }),
        CancelTraining: () => {
          cancelled = true;
          return gqlData({
            cancelTraining: {
              id: 'job_1',
              status: 'CANCELLED',
              progress: 0.1,
              message: null,
              error: 'Cancelled by Ada Lovelace.',
              errorCode: 'cancelled',
              finishedAt: '2025-03-02T09:00:30Z',
            },
          });
        },
      },
    });
    renderApp('/models/jobs/job_1', { webSocketImpl: server.WebSocket });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Cancel job' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Cancel this training job?' });
    expect(within(dialog).getByRole('button', { name: 'Keep training' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel job' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(requests.find((r) => r.operationName === 'CancelTraining')?.variables).toEqual({ id: 'job_1' });
    expect(await screen.findByText('Cancelled by Ada Lovelace.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel job' })).not.toBeInTheDocument();
  });

  it('offers no cancel without training:cancel', async () => {
    setSessionCookie();
    const server = createFakeGraphqlServer();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['training:read']) }),
        TrainingJob: () => gqlData({ trainingJob: running }),
      },
    });
    renderApp('/models/jobs/job_1', { webSocketImpl: server.WebSocket });
    expect(await screen.findByRole('heading', { name: 'Customer churn · churn', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel job' })).not.toBeInTheDocument();
    // Without datasets:read the dataset is named, not linked.
    expect(screen.queryByRole('link', { name: 'Customer churn' })).not.toBeInTheDocument();
  });

  it('shows a clean not-found state', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJob: () => gqlError('NOT_FOUND', 'Training job not found.'),
      },
    });
    renderApp('/models/jobs/nope');
    expect(await screen.findByRole('heading', { name: 'Training job not found' })).toBeInTheDocument();
  });
});
