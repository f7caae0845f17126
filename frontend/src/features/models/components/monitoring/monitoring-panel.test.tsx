import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ALL_PERMISSIONS, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { alertConnection, monitoringViewer, testAlert, testHealth } from '@/testing/monitoring-fixtures';
import { testVersionDetail } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

import type { ModelHealthFieldsFragment } from '@/gql/graphql';

function serve(health: (window: unknown) => ModelHealthFieldsFragment | Error, viewer = monitoringViewer) {
  setSessionCookie();
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
      ModelHealth: (request) => {
        const found = health(request.variables?.window);
        return found instanceof Error ? gqlError('FORBIDDEN', found.message) : gqlData({ modelHealth: found });
      },
      ModelOpenAlerts: (request) =>
        gqlData({
          alerts: alertConnection(
            [testAlert(), testAlert({ id: 'al_2', modelVersionId: 'mv_other', feature: 'elsewhere' })].filter(
              (a) => a.modelVersionId === request.variables?.modelVersionId && a.status === request.variables?.status,
            ),
          ),
        }),
      RefreshModelHealth: () => gqlData({ refreshModelHealth: testHealth() }),
    },
  });
}

async function openTab() {
  renderApp('/models/versions/mv_1?tab=monitoring');
  return screen.findByTestId('monitoring-summary');
}

describe('Models › model version › Monitoring tab', () => {
  it('is a tab of the version page, next to the overview', async () => {
    serve(() => testHealth());
    renderApp('/models/versions/mv_1');
    const tabs = await screen.findByRole('navigation', { name: 'Model version sections' });
    expect(within(tabs).getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
    await userEvent.setup().click(within(tabs).getByRole('link', { name: 'Monitoring' }));
    expect(await screen.findByTestId('monitoring-summary')).toHaveTextContent('Inputs have drifted far from the training data');
    expect(screen.queryByRole('heading', { name: 'Lineage' })).not.toBeInTheDocument();
  });

  it('summarises the health and draws volume and latency per window', async () => {
    serve(() => testHealth());
    const summary = await openTab();
    expect(within(summary).getByText('Alert', { selector: '.badge' })).toBeInTheDocument();
    expect(summary).toHaveTextContent('Predictions1,200');
    expect(summary).toHaveTextContent('Failed calls2 of 14 (14%)');
    expect(summary).toHaveTextContent('Outcomes recorded150');

    const traffic = screen.getByRole('region', { name: 'Traffic' });
    expect(within(traffic).getAllByTestId('bar-Predictions')).toHaveLength(3);
    expect(within(traffic).getAllByTestId('bar-Failed calls')).toHaveLength(3);
    expect(within(traffic).getByRole('img', { name: /^Predictions and failed calls per window: Predictions latest 400, Failed calls latest 0/ })).toBeInTheDocument();
    expect(within(traffic).getByRole('img', { name: /^Latency per window: p50 latest 4 ms, p99 latest 12 ms/ })).toBeInTheDocument();
    expect(within(traffic).getByRole('table', { name: 'Latency per window' })).toHaveTextContent('48 ms');
  });

  it('draws the drift heat map, most important feature first, and drills down from a cell', async () => {
    serve(() => testHealth());
    await openTab();
    const drift = screen.getByRole('region', { name: 'Drift' });
    const table = within(drift).getByRole('table', { name: 'Drift per feature and window' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual(['tenure_months', 'payment_method', 'Predictions']);
    const tenureCells = within(rows[0]!).getAllByTestId('heat-map-cell');
    expect(tenureCells.map((cell) => cell.getAttribute('data-status'))).toEqual(['OK', 'OK', 'ALERT']);
    expect(tenureCells[2]).toHaveAccessibleName(/^tenure_months, the hour from .*: Alert, PSI 0\.410$/);
    expect(within(drift).getByRole('list', { name: 'Heat map legend' })).toHaveTextContent('Alert (PSI ≥ 0.25)');
    // the prediction row is judged with the same thresholds
    expect(within(rows[2]!).getAllByTestId('heat-map-cell').map((cell) => cell.getAttribute('data-status'))).toEqual(['OK', 'OK', 'WARN']);

    const user = userEvent.setup();
    await user.click(tenureCells[2]!);
    expect(tenureCells[2]).toHaveAttribute('aria-pressed', 'true');
    const drill = screen.getByTestId('drill-down');
    expect(within(drill).getByRole('heading', { name: 'tenure_months: training vs production' })).toBeInTheDocument();
    expect(drill).toHaveTextContent('PSI 0.410');
    expect(drill).toHaveTextContent('Kolmogorov–Smirnov 0.32');
    expect(within(drill).queryByTestId('drill-down-window-note')).not.toBeInTheDocument();
    expect(within(drill).getAllByTestId('distribution-bin')).toHaveLength(4); // an empty "missing" bin is left out
    expect(within(drill).getByRole('table', { name: 'Distribution of tenure_months: training vs production' })).toHaveTextContent(
      '30 to 4025%60%',
    );

    // an older cell says which window the distributions describe
    await user.click(tenureCells[0]!);
    expect(within(screen.getByTestId('drill-down')).getByTestId('drill-down-window-note')).toHaveTextContent(/has PSI 0\.010/);

    // a row name drills down too; the predictions' own distribution
    await user.click(within(rows[2]!).getByRole('button', { name: 'Predictions' }));
    expect(within(screen.getByTestId('drill-down')).getByRole('heading', { name: 'Predictions: training vs production' })).toBeInTheDocument();
    expect(screen.getByTestId('drill-down')).toHaveTextContent('Warning');
  });

  it('shows realized and estimated performance against the training holdout', async () => {
    serve(() => testHealth());
    await openTab();
    const performance = screen.getByRole('region', { name: 'Performance over time' });
    expect(performance).toHaveTextContent('Realized roc_auc0.86');
    expect(performance).toHaveTextContent('Estimated roc_auc0.88');
    expect(performance).toHaveTextContent('Training holdout roc_auc0.912');
    expect(within(performance).getByTestId('reference-line')).toHaveTextContent('Training holdout 0.912');
    expect(within(performance).getByTestId('line-Realized').querySelectorAll('circle')).toHaveLength(1);
    expect(within(performance).getByTestId('line-Estimated (CBPE)').querySelectorAll('circle')).toHaveLength(3);
  });

  it("lists this version's open alerts only", async () => {
    serve(() => testHealth());
    await openTab();
    const list = await screen.findByRole('list', { name: 'Open alerts of this version' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(list).toHaveTextContent('Feature drift on tenure_months: 0.41 ≥ 0.25');
    expect(screen.getByRole('link', { name: 'All alerts' })).toHaveAttribute('href', '/alerts');
  });

  it('says in words when there is no reference, not enough data, or no traffic', async () => {
    serve(() =>
      testHealth({
        hasReference: false,
        status: 'NO_REFERENCE',
        drift: [],
        predictionDrift: null,
        performance: [],
        estimatedPerformance: [],
        windows: [],
        predictions: 0,
        latestWindowStart: null,
      }),
    );
    const summary = await openTab();
    expect(summary).toHaveTextContent('No reference');
    expect(summary).toHaveTextContent('trained before reference distributions were kept');
    expect(summary).toHaveTextContent('Latest judged windowNone yet');
    expect(screen.getByRole('region', { name: 'Traffic' })).toHaveTextContent(/No predictions since .*: call the model/);
    expect(screen.getByRole('region', { name: 'Drift' })).toHaveTextContent('No predictions in this period yet');
    expect(screen.getByRole('region', { name: 'Performance over time' })).toHaveTextContent('No outcomes yet');
    expect(screen.getByRole('region', { name: 'Performance over time' })).toHaveTextContent('No performance per window yet');
  });

  it('says when a window has too few rows to judge', async () => {
    const small = testHealth();
    serve(() =>
      testHealth({
        status: 'INSUFFICIENT_DATA',
        windows: [{ ...small.windows[0]!, predictions: 50, status: 'INSUFFICIENT_DATA', drift: [{ feature: 'tenure_months', psi: 0.3, status: 'INSUFFICIENT_DATA' }] }],
      }),
    );
    const summary = await openTab();
    expect(summary).toHaveTextContent('Not enough predictions yet in a window to judge drift');
    const cell = within(screen.getByRole('region', { name: 'Drift' })).getAllByTestId('heat-map-cell')[0]!;
    expect(cell).toHaveAttribute('data-status', 'INSUFFICIENT_DATA');
    expect(cell).toHaveAccessibleName(/Insufficient data, PSI 0\.300$/);
  });

  it('switches to daily windows', async () => {
    const { requests } = serve((window) => testHealth({ window: window === 'DAY' ? 'DAY' : 'HOUR' }));
    await openTab();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Daily' }));
    await waitFor(() => expect(screen.getByRole('region', { name: 'Health' })).toHaveTextContent('Daily windows since'));
    expect(screen.getByRole('button', { name: 'Daily' })).toHaveAttribute('aria-pressed', 'true');
    expect(requests.filter((r) => r.operationName === 'ModelHealth').map((r) => r.variables?.window)).toEqual(['HOUR', 'DAY']);
  });

  it('refreshes now for a member who may', async () => {
    const { requests } = serve(() => testHealth());
    await openTab();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Refresh now' }));
    await waitFor(() => expect(requests.some((r) => r.operationName === 'RefreshModelHealth')).toBe(true));
    expect(requests.find((r) => r.operationName === 'RefreshModelHealth')?.variables).toEqual({ modelVersionId: 'mv_1' });
  });

  it('disables Refresh now without models:promote and gives the reason', async () => {
    serve(
      () => testHealth(),
      viewerWith(ALL_PERMISSIONS.filter((p) => p !== 'models:promote')),
    );
    await openTab();
    const button = screen.getByRole('button', { name: 'Refresh now' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(/needs the models:promote permission/);
  });

  it("shows the server's refusal to load the health", async () => {
    serve(() => new Error('You may not read this model.'));
    renderApp('/models/versions/mv_1?tab=monitoring');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("The model's health could not be loaded");
  });
});
