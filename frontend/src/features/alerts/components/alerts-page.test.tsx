import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { AlertFieldsFragment } from '@/gql/graphql';
import { createFakeGraphqlServer } from '@/testing/fake-graphql-ws';
import { ALL_PERMISSIONS, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { alertConnection, monitoringViewer, testAlert } from '@/testing/monitoring-fixtures';
import { renderApp } from '@/testing/test-utils';

import { describeAlert, formatAlertValue, parseAlertStatus } from '../lib/alerts-format';
import { MAX_COMMENT } from './alert-action-dialog';

/** A tiny alert store behind the mocked API: the list filters, the mutations move alerts. */
function serve(initial: AlertFieldsFragment[], viewer = monitoringViewer, refuse?: string) {
  setSessionCookie();
  let alerts = [...initial];
  const act = (status: 'ACKNOWLEDGED' | 'RESOLVED') => (request: RecordedRequest) => {
    if (refuse) return gqlError('CONFLICT', refuse);
    const id = request.variables?.id;
    const comment = (request.variables?.comment as string | null) ?? null;
    alerts = alerts.map((a) =>
      a.id === id
        ? { ...a, status, ...(status === 'ACKNOWLEDGED' ? { acknowledgeComment: comment } : { resolveComment: comment }) }
        : a,
    );
    const key = status === 'ACKNOWLEDGED' ? 'acknowledgeAlert' : 'resolveAlert';
    return gqlData({ [key]: alerts.find((a) => a.id === id) });
  };
  const mock = mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      Alerts: (request) => {
        const status = request.variables?.status;
        return gqlData({ alerts: alertConnection(alerts.filter((a) => !status || a.status === status)) });
      },
      AcknowledgeAlert: act('ACKNOWLEDGED'),
      ResolveAlert: act('RESOLVED'),
      AlertModelVersion: (request) =>
        request.variables?.id === 'mv_1'
          ? gqlData({ modelVersion: { id: 'mv_1', modelName: 'Customer churn', version: 3 } })
          : gqlError('NOT_FOUND', 'Model version not found.'),
    },
  });
  return { ...mock, add: (alert: AlertFieldsFragment) => (alerts = [alert, ...alerts]) };
}

function rows() {
  return screen.queryAllByTestId('alert-row');
}

/** The list shows `count` rows (the table stays hidden until its first page has reported). */
async function shown(count: number) {
  await waitFor(() => {
    expect(rows()).toHaveLength(count);
    expect(screen.getByRole('table', { name: 'Alerts of your organization, newest first' })).toBeInTheDocument();
  });
}

describe('Alerts page', () => {
  it('is in the navigation and lists alerts with severity, model version, value vs threshold and status', async () => {
    serve([
      testAlert(),
      testAlert({ id: 'al_2', kind: 'LATENCY_P99', feature: null, value: 812, threshold: 500, severity: 'WARNING', status: 'ACKNOWLEDGED', acknowledgeComment: 'Scaling up', acknowledgedBy: 'Grace Hopper' }),
    ]);
    renderApp('/executive');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('link', { name: /^Alerts/ }));
    await shown(2);
    expect(screen.getByRole('heading', { name: 'Alerts', level: 1 })).toBeInTheDocument();
    const [drift, latency] = rows();
    expect(drift!.querySelector('th')).toHaveTextContent('Feature drifttenure_months');
    expect(drift).toHaveTextContent('Critical');
    expect(drift).toHaveTextContent('0.41 ≥ 0.25');
    expect(await within(drift!).findByRole('link', { name: 'Customer churn v3' })).toHaveAttribute(
      'href',
      '/models/versions/mv_1?tab=monitoring',
    );
    expect(within(drift!).getByRole('button', { name: 'Acknowledge' })).toBeInTheDocument();
    expect(latency).toHaveTextContent('Warning');
    expect(latency).toHaveTextContent('812 ms ≥ 500 ms');
    expect(latency).toHaveTextContent('Acknowledgedby Grace Hopper“Scaling up”');
    expect(within(latency!).queryByRole('button', { name: 'Acknowledge' })).not.toBeInTheDocument();
    expect(within(latency!).getByRole('button', { name: 'Resolve' })).toBeInTheDocument();
  });

  it('filters by status in the URL', async () => {
    const { requests } = serve([testAlert(), testAlert({ id: 'al_2', status: 'RESOLVED' })]);
    const { router } = renderApp('/alerts');
    await shown(2);
    const user = userEvent.setup();
    await user.click(within(screen.getByRole('group', { name: 'Status' })).getByRole('button', { name: 'Resolved' }));
    await shown(1);
    expect(router.state.location.search).toBe('?status=RESOLVED');
    expect(requests.filter((r) => r.operationName === 'Alerts').map((r) => r.variables?.status)).toEqual([null, 'RESOLVED']);
    await user.click(within(screen.getByRole('group', { name: 'Status' })).getByRole('button', { name: 'Acknowledged' }));
    expect(await screen.findByText('No acknowledged alerts')).toBeInTheDocument();
  });

  it('ignores an unknown status in the URL', async () => {
    const { requests } = serve([testAlert()]);
    renderApp('/alerts?status=BOGUS');
    await shown(1);
    expect(requests.find((r) => r.operationName === 'Alerts')?.variables?.status).toBeNull();
    expect(parseAlertStatus('OPEN')).toBe('OPEN');
    expect(parseAlertStatus("OPEN' OR 1=1")).toBeNull();
  });

  it('acknowledges with a comment, then resolves', async () => {
    const { requests } = serve([testAlert()]);
    renderApp('/alerts');
    await shown(1);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Acknowledge' }));
    const dialog = screen.getByRole('dialog', { name: 'Acknowledge this alert?' });
    expect(dialog).toHaveTextContent('Feature drift on tenure_months: PSI 0.41 ≥ 0.25');
    const comment = within(dialog).getByLabelText('Comment (optional)');
    expect(comment).toHaveAttribute('maxLength', String(MAX_COMMENT));
    await user.type(comment, '  Looking into the feed  ');
    await user.click(within(dialog).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(requests.find((r) => r.operationName === 'AcknowledgeAlert')?.variables).toEqual({ id: 'al_1', comment: 'Looking into the feed' });
    await waitFor(() => expect(rows()[0]).toHaveTextContent('Acknowledged'));

    await user.click(screen.getByRole('button', { name: 'Resolve' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Resolve this alert?' })).getByRole('button', { name: 'Resolve' }));
    await waitFor(() => expect(rows()[0]).toHaveTextContent('Resolved'));
    // an empty comment is sent as none
    expect(requests.find((r) => r.operationName === 'ResolveAlert')?.variables).toEqual({ id: 'al_1', comment: null });
    expect(within(rows()[0]!).queryAllByRole('button')).toHaveLength(0);
  });

  it("keeps the dialog open with the server's refusal", async () => {
    serve([testAlert()], monitoringViewer, 'The alert is already resolved.');
    renderApp('/alerts');
    await shown(1);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Resolve' }));
    const dialog = screen.getByRole('dialog', { name: 'Resolve this alert?' });
    await user.click(within(dialog).getByRole('button', { name: 'Resolve' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The alert is already resolved.');
  });

  it('shows a new alert as it opens, without a reload', async () => {
    const server = createFakeGraphqlServer();
    const store = serve([testAlert()]);
    renderApp('/alerts', { webSocketImpl: server.WebSocket });
    await shown(1);
    await waitFor(() => expect(server.subscription('AlertEvents')).toBeDefined());
    expect(await screen.findByText('Live updates on')).toBeInTheDocument();
    const opened = testAlert({ id: 'al_9', feature: 'payment_method', value: 0.7 });
    store.add(opened);
    act(() => server.next('AlertEvents', { alerts: { type: 'alert.opened', alert: { __typename: 'Alert', ...opened } } }));
    await shown(2);
    expect(rows()[0]).toHaveTextContent('payment_method');
    expect(screen.getByText(/^Live: Feature drift on payment_method: PSI 0\.7 ≥ 0\.25 \(opened\)$/)).toBeInTheDocument();
  });

  it('says when live updates are interrupted', async () => {
    const server = createFakeGraphqlServer();
    serve([testAlert()]);
    renderApp('/alerts', { webSocketImpl: server.WebSocket });
    await waitFor(() => expect(server.subscription('AlertEvents')).toBeDefined());
    act(() => server.fail('AlertEvents', [{ message: 'Too many live subscriptions.', extensions: { code: 'RATE_LIMITED' } }]));
    expect(await screen.findByText(/^Live updates are interrupted/)).toBeInTheDocument();
  });

  it('offers no actions without alerts:manage, and names a version it cannot read by its id', async () => {
    serve([testAlert({ modelVersionId: 'mv_gone42' })], viewerWith(ALL_PERMISSIONS));
    renderApp('/alerts');
    await shown(1);
    expect(within(rows()[0]!).queryAllByRole('button')).toHaveLength(0);
    expect(within(rows()[0]!).getByRole('link', { name: 'Version mv_gone4' })).toBeInTheDocument();
  });

  it('says so without models:read, and hides the navigation entry', async () => {
    serve([], viewerWith(['datasets:read']));
    renderApp('/alerts');
    expect(await screen.findByText('You cannot view alerts')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /^Alerts/ })).not.toBeInTheDocument();
  });

  it('explains alerts when there are none', async () => {
    serve([]);
    renderApp('/alerts');
    expect(await screen.findByText('No alerts yet')).toBeInTheDocument();
  });

  it('formats values in their units', () => {
    expect(formatAlertValue('ERROR_RATE', 0.125)).toBe('12.5%');
    expect(formatAlertValue('LATENCY_P99', 49.6)).toBe('50 ms');
    expect(formatAlertValue('PERFORMANCE', Number.NaN)).toBe('—');
    expect(describeAlert(testAlert({ kind: 'PERFORMANCE', feature: null, metric: 'roc_auc', value: 0.71, threshold: 0.8, comparison: 'LTE' }))).toBe(
      'Performance of roc_auc: 0.71 ≤ 0.8',
    );
  });
});
