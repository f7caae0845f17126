import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { defaultPolicy, noApprovalPolicy, testPromotionRequest, versionApprovals } from '@/testing/approvals-fixtures';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { testVersion, testVersionDetail } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

describe('Models › model version page', () => {
  it('shows the version, its lineage, metrics, input schema and classes', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
      },
    });
    renderApp('/models/versions/mv_1');

    expect(await screen.findByRole('heading', { name: 'Customer churn · churn v3', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('Staging', { selector: '.badge' })).toBeInTheDocument();
    const lineage = screen.getByRole('heading', { name: 'Lineage' }).closest('section')!;
    expect(within(lineage).getByRole('link', { name: 'Customer churn' })).toHaveAttribute('href', '/data/ds_1');
    expect(within(lineage).getByRole('link', { name: 'Succeeded job' })).toHaveAttribute('href', '/models/jobs/job_1');
    // model names in people's words, the engine's on hover
    expect(within(lineage).getByText('Weighted ensemble')).toHaveAttribute('title', 'WeightedEnsemble_L2');
    expect(within(lineage).getByText('5.0 MB')).toBeInTheDocument();
    // what serves, why, and what a prediction costs
    expect(within(lineage).getByText('LightGBM, refit on all data')).toHaveAttribute('title', 'LightGBM_FULL');
    expect(within(lineage).getByText('0.92 ms per row · 310,000 rows/s')).toBeInTheDocument();
    expect(within(lineage).getByTestId('serving-reason')).toHaveTextContent(
      "Serves LightGBM, refit on all data rather than the leaderboard's best (Weighted ensemble): it scored as well on held-back data and answers faster. Why it serves: LightGBM_FULL: holdout roc_auc 0.903 vs best 0.905",
    );
    expect(within(lineage).getByRole('textbox', { name: 'Dataset content hash' })).toHaveValue(
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    );
    expect(screen.getByRole('table', { name: 'Input features of the model version' })).toHaveTextContent(
      'tenure_monthsNumericpayment_methodCategorical',
    );
    expect(within(screen.getByRole('list', { name: 'Classes' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'No',
      'Yes',
    ]);
    expect(screen.getByText('roc_auc', { selector: '.metric-tile__name' }).parentElement).toHaveClass('metric-tile--primary');
  });

  it('names a deleted dataset with its content hash', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail({ dataset: null, trainingJob: null }) }),
      },
    });
    renderApp('/models/versions/mv_1');

    const lineage = (await screen.findByRole('heading', { name: 'Lineage' })).closest('section')!;
    expect(within(lineage).queryByRole('link', { name: 'Customer churn' })).not.toBeInTheDocument();
    expect(within(lineage).getByText('deleted')).toBeInTheDocument();
    expect(within(lineage).getByText(/The dataset has since been deleted/)).toBeInTheDocument();
    expect(within(lineage).getByText('Not available')).toBeInTheDocument();
  });

  it('says when a version predates the record of what serves', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () =>
          gqlData({
            modelVersion: testVersionDetail({
              servingModel: null,
              servingReason: null,
              predictMsPerRow: null,
              predictRowsPerSecond: null,
            }),
          }),
      },
    });
    renderApp('/models/versions/mv_1');

    const lineage = (await screen.findByRole('heading', { name: 'Lineage' })).closest('section')!;
    expect(within(lineage).getAllByText('Not recorded')).toHaveLength(2);
    expect(within(lineage).queryByTestId('serving-reason')).not.toBeInTheDocument();
  });

  it('promotes to production directly where the policy needs no approval, explaining that the current one is archived', async () => {
    setSessionCookie();
    let stage: 'STAGING' | 'PRODUCTION' = 'STAGING';
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail({ stage }) }),
        PromotionPolicy: () => gqlData({ promotionPolicy: noApprovalPolicy }),
        ModelVersionApprovals: () => versionApprovals([]),
        PromoteModelVersion: () => {
          stage = 'PRODUCTION';
          return gqlData({ promoteModelVersion: testVersion({ stage }) });
        },
      },
    });
    renderApp('/models/versions/mv_1');
    const user = userEvent.setup();

    const actions = await screen.findByRole('group', { name: 'Change the stage' });
    await waitFor(() =>
      expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual(['Promote to production', 'Archive']),
    );
    await user.click(within(actions).getByRole('button', { name: 'Promote to production' }));

    const dialog = screen.getByRole('alertdialog', { name: 'Promote Customer churn · churn v3 to production?' });
    expect(dialog).toHaveTextContent('the current production version of Customer churn · churn, if there is one, is archived');
    await user.click(within(dialog).getByRole('button', { name: 'Promote to production' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(requests.find((r) => r.operationName === 'PromoteModelVersion')?.variables).toEqual({ id: 'mv_1', stage: 'PRODUCTION' });
    expect(await screen.findByText('Production', { selector: '.badge' })).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Change the stage' })).getAllByRole('button').map((b) => b.textContent)).toEqual([
      'Promote to staging',
      'Archive',
    ]);
  });

  it("shows the server's refusal in the promote dialog", async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
        PromotionPolicy: () => gqlData({ promotionPolicy: defaultPolicy }),
        ModelVersionApprovals: () => versionApprovals([]),
        PromoteModelVersion: () => gqlError('CONFLICT', 'Another promotion of this model is in progress.'),
      },
    });
    renderApp('/models/versions/mv_1');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Archive' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Archive Customer churn · churn v3?' });
    await user.click(within(dialog).getByRole('button', { name: 'Archive' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Another promotion of this model is in progress.');
  });

  it('requests promotion to production where the policy needs approval, and shows the request as pending', async () => {
    setSessionCookie();
    let approvals = [] as ReturnType<typeof testPromotionRequest>[];
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
        PromotionPolicy: () => gqlData({ promotionPolicy: defaultPolicy }),
        ModelVersionApprovals: () => versionApprovals(approvals),
        RequestPromotion: ({ variables }) => {
          const input = (variables as { input: { justification: string } }).input;
          const request = testPromotionRequest({ justification: input.justification, requestedBy: 'Ada Lovelace', canDecide: false });
          approvals = [request];
          return gqlData({ requestPromotion: request });
        },
      },
    });
    renderApp('/models/versions/mv_1');
    const user = userEvent.setup();

    const actions = await screen.findByRole('group', { name: 'Change the stage' });
    await waitFor(() =>
      expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual([
        'Request promotion to production',
        'Archive',
      ]),
    );
    expect(await screen.findByText('No one has asked to promote this version yet.')).toBeInTheDocument();
    await user.click(within(actions).getByRole('button', { name: 'Request promotion to production' }));

    const dialog = screen.getByRole('dialog', { name: 'Request promotion of Customer churn · churn v3 to production' });
    expect(dialog).toHaveTextContent('expires after 7 days');
    // a justification is required, and said so before anything is sent
    await user.click(within(dialog).getByRole('button', { name: 'Request promotion' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Say why this version should go to production');
    expect(requests.some((r) => r.operationName === 'RequestPromotion')).toBe(false);

    await user.type(within(dialog).getByLabelText('Justification'), 'Beats v2 by 3 points of AUC');
    await user.click(within(dialog).getByRole('button', { name: 'Request promotion' }));
    expect(await screen.findByRole('dialog', { name: 'Promotion requested' })).toHaveTextContent(
      'goes to production once someone else who may approve promotions approves it',
    );
    expect(requests.find((r) => r.operationName === 'RequestPromotion')?.variables).toEqual({
      input: { modelVersionId: 'mv_1', stage: 'PRODUCTION', justification: 'Beats v2 by 3 points of AUC' },
    });
    await user.click(screen.getByRole('button', { name: 'Done' }));

    // the button became the pending request, and the history lists it with why the requester cannot decide
    expect(await within(actions).findByTestId('approval-pending')).toHaveTextContent('Production approval pending');
    const history = screen.getByRole('list', { name: 'Approval history' });
    expect(history).toHaveTextContent('Beats v2 by 3 points of AUC');
    expect(history).toHaveTextContent('Pending');
    expect(within(history).getByTestId('cannot-decide')).toHaveTextContent('You asked for this promotion');
    expect(within(history).queryByRole('button', { name: /Approve/ })).not.toBeInTheDocument();
  });

  it('shows decided requests in the history with who decided and why', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
        PromotionPolicy: () => gqlData({ promotionPolicy: defaultPolicy }),
        ModelVersionApprovals: () =>
          versionApprovals([
            testPromotionRequest({
              id: 'pr_2',
              status: 'REJECTED',
              canDecide: false,
              decidedBy: 'Marie Curie',
              decidedAt: '2025-03-04T09:00:00Z',
              comment: 'Run the fairness check on age first',
            }),
            testPromotionRequest({ id: 'pr_1', status: 'EXPIRED', canDecide: false }),
          ]),
      },
    });
    renderApp('/models/versions/mv_1');

    const history = await screen.findByRole('list', { name: 'Approval history' });
    const items = within(history).getAllByTestId('approval-history-item');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Rejected by Marie Curie');
    expect(items[0]).toHaveTextContent('Run the fairness check on age first');
    expect(items[1]).toHaveTextContent('Expired');
    // nothing pending: asking again is offered
    expect(within(screen.getByRole('group', { name: 'Change the stage' })).getByRole('button', { name: 'Request promotion to production' })).toBeInTheDocument();
  });

  it('offers no promotion without models:promote, and links only what the viewer may open', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['models:read']) }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
        ModelVersionApprovals: () => versionApprovals([]),
      },
    });
    renderApp('/models/versions/mv_1');

    expect(await screen.findByRole('heading', { name: 'Customer churn · churn v3', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Change the stage' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Customer churn' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Succeeded job' })).not.toBeInTheDocument();
  });

  it('shows a clean not-found state', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        ModelVersion: () => gqlError('NOT_FOUND', 'Model version not found.'),
      },
    });
    renderApp('/models/versions/nope');
    expect(await screen.findByRole('heading', { name: 'Model version not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the model registry' })).toHaveAttribute('href', '/models?tab=registry');
  });
});
