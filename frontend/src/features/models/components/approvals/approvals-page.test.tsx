import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { PromotionRequestFieldsFragment } from '@/gql/graphql';
import { requestsPage, testPromotionRequest } from '@/testing/approvals-fixtures';
import { createFakeGraphqlServer } from '@/testing/fake-graphql-ws';
import { ALL_PERMISSIONS, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

import { whyCannotDecide } from '../../lib/approvals-format';

const approver = viewerWith(ALL_PERMISSIONS);

/** A small request store behind the mocked API: the list filters by status, deciding moves a request. */
function serve(initial: PromotionRequestFieldsFragment[], viewer = approver, refuse?: string, servingThreshold: number | null = 0.5) {
  setSessionCookie();
  let requests = [...initial];
  const decide = (request: RecordedRequest) => {
    if (refuse) return gqlError('FORBIDDEN', refuse);
    const { id, approve, comment } = request.variables as { id: string; approve: boolean; comment: string | null };
    requests = requests.map((r) =>
      r.id === id
        ? {
            ...r,
            status: approve ? 'APPROVED' : 'REJECTED',
            comment,
            canDecide: false,
            decidedBy: 'Ada Lovelace',
            decidedAt: '2025-03-03T10:00:00Z',
          }
        : r,
    );
    return gqlData({ decidePromotion: requests.find((r) => r.id === id) });
  };
  const mock = mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      PendingPromotionCount: () => gqlData({ pendingPromotionCount: requests.filter((r) => r.status === 'PENDING').length }),
      PromotionRequests: (request) => {
        const status = request.variables?.status;
        return requestsPage(requests.filter((r) => !status || r.status === status));
      },
      DecidePromotion: decide,
      VersionServingThreshold: (request) => gqlData({ modelVersion: { id: request.variables?.id, servingThreshold } }),
    },
  });
  return { ...mock, add: (request: PromotionRequestFieldsFragment) => (requests = [request, ...requests]) };
}

/** The list shows `count` rows (the table stays hidden until its first page has reported). */
async function rows(count: number) {
  await waitFor(() => {
    expect(screen.queryAllByTestId('approval-row')).toHaveLength(count);
    expect(screen.getByRole('table', { name: 'Promotion requests of your organization, newest first' })).toBeInTheDocument();
  });
  return screen.getAllByTestId('approval-row');
}

describe('Approvals page', () => {
  it('lists pending requests; an approver approves one with a comment and it leaves the list', async () => {
    const { requests } = serve([
      testPromotionRequest(),
      testPromotionRequest({ id: 'pr_mine', version: 4, canDecide: false, requestedBy: 'Ada Lovelace' }),
    ]);
    renderApp('/approvals');
    const user = userEvent.setup();

    expect(await screen.findByRole('heading', { name: 'Approvals', level: 1 })).toBeInTheDocument();
    const [theirs, mine] = await rows(2);
    expect(theirs).toHaveTextContent('Customer churn · churn v3');
    expect(theirs).toHaveTextContent('Beats v2 on holdout AUC; fairness report is clean.');
    expect(theirs).toHaveTextContent('Grace Hopper');
    expect(within(theirs!).getByRole('link', { name: 'Customer churn · churn v3' })).toHaveAttribute('href', '/models/versions/mv_1');
    // the viewer's own request: no buttons, and the reason
    expect(within(mine!).queryByRole('button')).not.toBeInTheDocument();
    expect(within(mine!).getByTestId('cannot-decide')).toHaveTextContent('You asked for this promotion');
    // the nav shows the pending count
    expect(await screen.findByTestId('nav-count')).toHaveTextContent('2');

    await user.click(within(theirs!).getByRole('button', { name: 'Approve Customer churn · churn v3' }));
    const dialog = screen.getByRole('dialog', { name: 'Approve Customer churn · churn v3 for production?' });
    expect(dialog).toHaveTextContent('Grace Hopper\'s justification');
    expect(dialog).toHaveTextContent('the current production version of the model is archived');
    await user.type(within(dialog).getByLabelText('Comment (optional)'), 'Validation file reviewed');
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(requests.find((r) => r.operationName === 'DecidePromotion')?.variables).toEqual({
      id: 'pr_1',
      approve: true,
      comment: 'Validation file reviewed',
    });
    await rows(1);
    await waitFor(() => expect(screen.getByTestId('nav-count')).toHaveTextContent('1'));

    await user.click(within(screen.getByRole('group', { name: 'Status' })).getByRole('button', { name: 'Approved' }));
    const [approved] = await rows(1);
    expect(approved).toHaveTextContent('Approved');
    expect(approved).toHaveTextContent('by Ada Lovelace');
    expect(approved).toHaveTextContent('Validation file reviewed');
  });

  it('needs a reason to reject, and shows the refusal of the server', async () => {
    serve([testPromotionRequest()], approver, 'You requested this promotion: someone else must decide it.');
    renderApp('/approvals');
    const user = userEvent.setup();

    const [row] = await rows(1);
    await user.click(within(row!).getByRole('button', { name: 'Reject Customer churn · churn v3' }));
    const dialog = screen.getByRole('dialog', { name: 'Reject the promotion of Customer churn · churn v3?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Say why');

    await user.type(within(dialog).getByLabelText('Reason'), 'Fairness check on age first');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await within(dialog).findByText('You requested this promotion: someone else must decide it.')).toBeInTheDocument();
  });

  it('tells a reader without models:approve why they cannot decide', async () => {
    serve([testPromotionRequest({ canDecide: false })], viewerWith(['models:read']));
    renderApp('/approvals');

    const [row] = await rows(1);
    expect(within(row!).getByTestId('cannot-decide')).toHaveTextContent('Deciding needs the models:approve permission.');
    expect(screen.getByText(/Deciding needs the models:approve permission/, { selector: 'p' })).toBeInTheDocument();
  });

  it('shows a request made elsewhere live, and the nav count follows the events', async () => {
    const server = createFakeGraphqlServer();
    const store = serve([]);
    renderApp('/approvals', { webSocketImpl: server.WebSocket });

    expect(await screen.findByRole('heading', { name: 'Nothing waits for approval' })).toBeInTheDocument();
    expect(screen.queryByTestId('nav-count')).not.toBeInTheDocument();
    await waitFor(() => expect(server.subscription('PromotionRequestEvents')).toBeDefined());

    const request = testPromotionRequest({ id: 'pr_9', modelName: 'Fraud', version: 7 });
    store.add(request);
    act(() => server.next('PromotionRequestEvents', { promotionRequests: { type: 'promotion.requested', pendingCount: 1, request } }));

    const [row] = await rows(1);
    expect(row).toHaveTextContent('Fraud v7');
    expect(screen.getByText('Live: Fraud v7 to production requested')).toBeInTheDocument();
    expect(screen.getByTestId('nav-count')).toHaveTextContent('1');
    expect(screen.getByRole('link', { name: /^Approvals, 1 pending/ })).toHaveAttribute('href', '/approvals');
  });

  it('says who may open it', async () => {
    serve([], viewerWith(['datasets:read']));
    renderApp('/approvals');
    expect(await screen.findByRole('heading', { name: 'You cannot view approvals' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /^Approvals/ })).not.toBeInTheDocument();
  });
});

describe('whyCannotDecide', () => {
  const now = Date.parse('2025-03-04T00:00:00Z');
  it('names the reason, the requester last', () => {
    const pending = { status: 'PENDING' as const, expiresAt: '2025-03-10T00:00:00Z', canDecide: false };
    expect(whyCannotDecide({ ...pending, canDecide: true }, true, now)).toBeNull();
    expect(whyCannotDecide({ ...pending, status: 'APPROVED' }, true, now)).toBe('Already approved.');
    expect(whyCannotDecide({ ...pending, expiresAt: '2025-03-01T00:00:00Z' }, true, now)).toMatch(/^Expired/);
    expect(whyCannotDecide(pending, false, now)).toBe('Deciding needs the models:approve permission.');
    expect(whyCannotDecide(pending, true, now)).toMatch(/^You asked for this promotion/);
  });

  it('reads a request with a serving threshold as a threshold change, from the threshold served now', async () => {
    const { requests } = serve([
      testPromotionRequest({ id: 'pr_t', servingThreshold: 0.3, justification: 'Best by value on the holdout.' }),
      testPromotionRequest({ id: 'pr_own', version: 4, modelVersionId: 'mv_4', servingThreshold: 0.6, canDecide: false }),
    ]);
    renderApp('/approvals');
    const user = userEvent.setup();
    const [threshold, own] = await rows(2);
    await waitFor(() =>
      expect(within(threshold!).getByTestId('threshold-change')).toHaveTextContent(
        'Change the serving threshold of Customer churn · churn v3 in Production from 0.50 to 0.30',
      ),
    );
    expect(threshold).not.toHaveTextContent(/\bto Production\b/);
    expect(within(threshold!).getByRole('link', { name: 'Customer churn · churn v3' })).toHaveAttribute('href', '/models/versions/mv_1?tab=value');
    expect(within(own!).getByTestId('cannot-decide')).toHaveTextContent('You asked for this threshold change');
    // the current threshold is asked per version, only for live threshold requests
    expect(requests.filter((r) => r.operationName === 'VersionServingThreshold').map((r) => r.variables?.id).sort()).toEqual(['mv_1', 'mv_4']);

    await user.click(within(threshold!).getByRole('button', { name: 'Approve Customer churn · churn v3' }));
    const dialog = screen.getByRole('dialog', { name: 'Approve threshold 0.30 for Customer churn · churn v3?' });
    expect(dialog).toHaveTextContent('Change the serving threshold of Customer churn · churn v3 in Production from 0.50 to 0.30.');
    expect(dialog).toHaveTextContent('stays in production');
    expect(dialog).not.toHaveTextContent('archived');
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(requests.find((r) => r.operationName === 'DecidePromotion')?.variables).toEqual({ id: 'pr_t', approve: true, comment: null }));
    await rows(1);
  });

  it("says the engine's own threshold is what a change replaces when none was set, and drops the 'from' once decided", async () => {
    serve(
      [
        testPromotionRequest({ id: 'pr_t', servingThreshold: 0.3 }),
        testPromotionRequest({ id: 'pr_done', version: 2, servingThreshold: 0.4, status: 'APPROVED', canDecide: false, decidedAt: '2025-03-03T10:00:00Z' }),
      ],
      approver,
      undefined,
      null,
    );
    renderApp('/approvals?status=ALL');
    const [pending, decided] = await rows(2);
    await waitFor(() => expect(within(pending!).getByTestId('threshold-change')).toHaveTextContent("in Production from the engine's own to 0.30"));
    expect(within(decided!).getByTestId('threshold-change')).toHaveTextContent(/^Change the serving threshold of Customer churn · churn v2 in Production to 0\.40$/);
  });
});
