import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { jobsPage, testJob, testVersion, versionsPage } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

describe('Models › landing', () => {
  it('lists training jobs with status, progress and best score, filtered by status', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJobs: (request) =>
          request.variables?.status === 'FAILED'
            ? jobsPage([])
            : jobsPage(
                [
                  testJob({ id: 'job_2', status: 'RUNNING', progress: 0.42, leaderboard: [], modelName: 'Loan default' }),
                  testJob(),
                ],
                { total: 30, next: 'job_1' },
              ),
      },
    });
    const { router } = renderApp('/models');
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Training jobs of your organization, newest first' });
    const [running, done] = await waitFor(() => {
      const rows = within(table).getAllByRole('row').slice(1);
      expect(rows).toHaveLength(2);
      return rows;
    });
    expect(within(running!).getByRole('link', { name: 'Loan default' })).toHaveAttribute('href', '/models/jobs/job_2');
    expect(within(running!).getByRole('progressbar', { name: 'Progress of Loan default' })).toHaveAttribute('aria-valuenow', '42');
    expect(running).toHaveTextContent('Running');
    expect(done).toHaveTextContent('Succeeded');
    expect(done).toHaveTextContent('Binary classificationdetected');
    expect(done).toHaveTextContent('AutoGluon');
    expect(done).toHaveTextContent('0.912validation roc_auc');
    expect(done).toHaveTextContent('by Ada Lovelace');
    expect(within(done!).getByRole('link', { name: 'Customer churn' })).toHaveAttribute('href', '/data/ds_1');
    expect(screen.getByText('Showing 2 of 30 training jobs')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New training job' })).toHaveAttribute('href', '/models/train');

    await user.selectOptions(screen.getByLabelText('Status'), 'FAILED');
    expect(await screen.findByText('No failed training jobs')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?status=FAILED');
    expect(requests.filter((r) => r.operationName === 'TrainingJobs').at(-1)?.variables).toEqual({
      first: 25,
      after: null,
      status: 'FAILED',
    });
  });

  it('invites a first training job when there is none', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        TrainingJobs: () => jobsPage([]),
      },
    });
    renderApp('/models');
    expect(await screen.findByRole('heading', { name: 'No training jobs yet' })).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: 'New training job' })).toHaveLength(2);
  });

  it('lists model versions in the registry tab, filtered by stage', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersions: () =>
          versionsPage([
            testVersion({
              id: 'mv_2',
              version: 4,
              stage: 'PRODUCTION',
              metrics: [{ name: 'roc_auc', value: 0.931 }],
              servingModel: 'LightGBM_BAG_L1_FULL',
              servingReason: 'LightGBM_BAG_L1_FULL: holdout roc_auc 0.931 vs best 0.933 (difference within noise)',
            }),
            testVersion(),
          ]),
      },
    });
    renderApp('/models?tab=registry&stage=PRODUCTION');

    const tabs = await screen.findByRole('navigation', { name: 'Models sections' });
    expect(within(tabs).getByRole('link', { name: 'Model registry' })).toHaveAttribute('aria-current', 'page');
    const table = await screen.findByRole('table', { name: 'Model versions of your organization, newest first' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    const [production] = within(table).getAllByRole('row').slice(1);
    expect(within(production!).getByRole('link', { name: 'Customer churn · churn v4' })).toHaveAttribute('href', '/models/versions/mv_2');
    expect(production).toHaveTextContent('Production');
    expect(production).toHaveTextContent('0.931holdout roc_auc');
    // the served model in people's words; the engine's name, and why it is not the best, on hover
    const served = within(production!).getByText(/^serves LightGBM, refit on all data/);
    expect(served.getAttribute('title')).toMatch(/^LightGBM_BAG_L1_FULL\nServes LightGBM, refit on all data rather than the leaderboard's best \(Weighted ensemble\)/);
    const other = within(table).getAllByRole('row')[2]!;
    expect(within(other).getByText('serves Weighted ensemble, refit on all data')).toHaveAttribute('title', 'WeightedEnsemble_L2_FULL');
    expect(screen.getByText(/Scores here are/)).toHaveTextContent('Scores here are holdout scores');
    expect(screen.getByLabelText('Stage')).toHaveValue('PRODUCTION');
    expect(requests.find((r) => r.operationName === 'ModelVersions')?.variables).toEqual({ first: 25, after: null, stage: 'PRODUCTION' });
  });

  it('shows only what the viewer may read, and no New training job without training:run', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['models:read']) }),
        ModelVersions: () => versionsPage([]),
      },
    });
    renderApp('/models');

    const tabs = await screen.findByRole('navigation', { name: 'Models sections' });
    expect([...tabs.querySelectorAll('a')].map((a) => a.textContent)).toEqual(['Model registry']);
    expect(await screen.findByRole('heading', { name: 'No model versions yet' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New training job' })).not.toBeInTheDocument();
  });

  it('hides the Models area from a viewer without training:read or models:read', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: viewerWith(['datasets:read']) }) } });
    renderApp('/models');
    expect(await screen.findByRole('heading', { name: 'You do not have access to this' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Models' })).not.toBeInTheDocument();
  });
});
