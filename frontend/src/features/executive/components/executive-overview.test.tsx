import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ExecutiveOverviewQuery } from '@/gql/graphql';
import { createFakeGraphqlServer } from '@/testing/fake-graphql-ws';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

import { formatMoney } from '@/lib/format';

import { formatAgeHours, formatDuration, formatTrend, parsePeriod } from '../lib/overview-format';

type Overview = ExecutiveOverviewQuery['executiveOverview'];

const executive = { ...testViewer, roles: ['executive'], permissions: ['insights:read', 'models:read'] };
const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

function overview(overrides: Partial<Overview> = {}): Overview {
  return {
    periodDays: 7,
    since: '2026-11-30T00:00:00Z',
    until: '2026-12-06T12:00:00Z',
    modelsInProduction: [
      {
        modelVersionId: 'mv_1',
        modelName: 'Customer churn',
        version: 3,
        owner: 'Grace Hopper',
        businessLine: 'Retail banking',
        inProductionSince: '2026-11-01T09:00:00Z',
        lastValidatedAt: '2026-11-02T09:00:00Z',
      },
      {
        modelVersionId: 'mv_2',
        modelName: 'Loan default',
        version: 1,
        owner: null,
        businessLine: null,
        inProductionSince: '2026-11-03T09:00:00Z',
        lastValidatedAt: null,
      },
    ],
    predictionVolume: {
      days: Array.from({ length: 7 }, (_, index) => ({
        day: `2026-12-0${index + 1}`,
        realtime: 1000 + index,
        batch: index === 3 ? 5000 : 0,
        total: 1000 + index + (index === 3 ? 5000 : 0),
      })),
      realtimeTotal: 7021,
      batchTotal: 5000,
      total: 12021,
      previousTotal: 10000,
      trend: 0.2021,
    },
    openAlerts: [
      { severity: 'WARNING', count: 2 },
      { severity: 'CRITICAL', count: 1 },
    ],
    pendingApprovals: { count: 3, oldestRequestedAt: '2026-12-01T08:00:00Z', oldestAgeHours: 124.5 },
    training: { jobs: 12, succeeded: 9, finished: 10, successRate: 0.9, computeSeconds: 5400 },
    monthStart: '2026-12-01T00:00:00Z',
    valueThisMonth: [
      {
        model: { modelVersionId: 'mv_1', modelName: 'Customer churn', version: 3 },
        currency: 'EUR',
        predictions: 10000,
        valuePerPrediction: 3.1,
        expectedValue: 31000,
        plannedMonthlyValue: 46500,
        realizedPredictions: 2000,
        realizedValue: 5400.5,
        expectedValueOfRealized: 6200,
        unavailable: null,
      },
    ],
    valueTotals: [
      { currency: 'EUR', expectedValue: 31000, plannedMonthlyValue: 46500, realizedValue: 5400.5, expectedValueOfRealized: 6200 },
    ],
    ...overrides,
  };
}

function serve(data: Overview | ((period: unknown) => Overview), viewer = executive) {
  setSessionCookie();
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      ExecutiveOverview: (request) =>
        gqlData({ executiveOverview: typeof data === 'function' ? data(request.variables?.period) : data }),
    },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Executive overview', () => {
  it('shows the figures the API returns, each tile linking to its detail', async () => {
    const data = overview();
    serve(data);
    renderApp('/executive?period=7');

    expect(await screen.findByTestId('exec-volume-total')).toHaveTextContent(count.format(12021));
    expect(screen.getByTestId('exec-volume-realtime')).toHaveTextContent(count.format(7021));
    expect(screen.getByTestId('exec-volume-batch')).toHaveTextContent(count.format(5000));
    expect(screen.getByTestId('exec-volume-trend')).toHaveTextContent(formatTrend(0.2021)!);
    expect(screen.getByTestId('exec-production-count')).toHaveTextContent('2');
    expect(screen.getByTestId('exec-alerts-critical')).toHaveTextContent('1');
    expect(screen.getByTestId('exec-alerts-warning')).toHaveTextContent('2');
    expect(screen.getByTestId('exec-approvals-count')).toHaveTextContent('3');
    expect(screen.getByTestId('exec-approvals-oldest')).toHaveTextContent('5 days');
    expect(screen.getByTestId('exec-training-jobs')).toHaveTextContent('12');
    expect(screen.getByTestId('exec-training-success')).toHaveTextContent(/90\s?%/);
    expect(screen.getByTestId('exec-training-compute')).toHaveTextContent(formatDuration(5400));

    expect(screen.getByRole('heading', { name: 'Value this month (December 2026)' })).toBeInTheDocument();
    expect(screen.getByTestId('exec-value-expected-EUR')).toHaveTextContent(formatMoney(31000, 'EUR'));
    expect(screen.getByTestId('exec-value-realized-EUR')).toHaveTextContent(formatMoney(5400.5, 'EUR'));
    const valueRow = screen.getByTestId('exec-value-row-mv_1');
    expect(within(valueRow).getByRole('link', { name: 'Customer churn v3' })).toHaveAttribute('href', '/models/versions/mv_1?tab=value');
    for (const text of [count.format(10000), formatMoney(3.1, 'EUR'), formatMoney(31000, 'EUR'), formatMoney(6200, 'EUR')]) {
      expect(valueRow).toHaveTextContent(text);
    }

    const table = screen.getByTestId('exec-production-table');
    expect(within(table).getByRole('link', { name: 'Customer churn v3' })).toHaveAttribute('href', '/models/versions/mv_1');
    expect(within(table).getByText('Retail banking')).toBeInTheDocument();
    expect(within(table).getByText('Grace Hopper')).toBeInTheDocument();
    expect(within(table).getByText('Never')).toBeInTheDocument();

    expect(within(screen.getByTestId('exec-alerts')).getByRole('link', { name: 'Open alerts' })).toHaveAttribute(
      'href',
      '/alerts?status=OPEN',
    );
    expect(within(screen.getByTestId('exec-approvals')).getByRole('link', { name: 'Approvals' })).toHaveAttribute(
      'href',
      '/approvals',
    );
    expect(within(screen.getByTestId('exec-training')).getByRole('link', { name: 'Training jobs' })).toHaveAttribute(
      'href',
      '/models',
    );

    // the chart: one real-time bar per day, a batch bar where there was batch volume, and its table
    expect(screen.getAllByTestId('volume-bar-realtime')).toHaveLength(7);
    expect(screen.getAllByTestId('volume-bar-batch')).toHaveLength(1);
    const numbers = screen.getByRole('table', { name: 'Predictions per day' });
    expect(within(numbers).getAllByRole('row')).toHaveLength(8);
    expect(within(numbers).getByText(count.format(6003))).toBeInTheDocument();
  });

  it('keeps the period in the URL and asks for it', async () => {
    const { requests } = serve((period) => overview({ periodDays: Number(period) }));
    const { router } = renderApp('/executive');
    await screen.findByTestId('exec-volume-total');
    expect(requests.find((r) => r.operationName === 'ExecutiveOverview')?.variables).toEqual({ period: 30 });
    expect(screen.getByRole('link', { name: 'Last 30 days' })).toHaveAttribute('aria-current', 'page');

    await userEvent.setup().click(screen.getByRole('link', { name: 'Last 90 days' }));
    await waitFor(() => expect(requests.at(-1)?.variables).toEqual({ period: 90 }));
    expect(router.state.location.search).toBe('?period=90');
    expect(await screen.findByTestId('exec-period')).toHaveTextContent('(90 days)');
  });

  it('refetches when overviewUpdates says a figure changed', async () => {
    const server = createFakeGraphqlServer();
    let approvals = 3;
    serve(() => overview({ pendingApprovals: { count: approvals, oldestRequestedAt: null, oldestAgeHours: 2 } }));
    renderApp('/executive', { webSocketImpl: server.WebSocket });
    expect(await screen.findByTestId('exec-approvals-count')).toHaveTextContent('3');
    await waitFor(() => expect(server.subscription('OverviewUpdates')).toBeDefined());
    approvals = 4;
    act(() =>
      server.next('OverviewUpdates', {
        overviewUpdates: { topic: 'approvals.promotion.requested', occurredAt: '2026-12-06T12:01:00Z' },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('exec-approvals-count')).toHaveTextContent('4'));
  });

  it('says what to do next when nothing is in production yet', async () => {
    serve(
      overview({
        modelsInProduction: [],
        predictionVolume: { days: [], realtimeTotal: 0, batchTotal: 0, total: 0, previousTotal: 0, trend: null },
        openAlerts: [
          { severity: 'WARNING', count: 0 },
          { severity: 'CRITICAL', count: 0 },
        ],
        pendingApprovals: { count: 0, oldestRequestedAt: null, oldestAgeHours: null },
        training: { jobs: 0, succeeded: 0, finished: 0, successRate: null, computeSeconds: 0 },
        valueThisMonth: [],
        valueTotals: [],
      }),
    );
    renderApp('/executive');
    expect(await screen.findByRole('heading', { name: 'No model is in production yet' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'model registry' })).toHaveAttribute('href', '/models?tab=registry');
    expect(screen.getByTestId('exec-volume-trend')).toHaveTextContent('No earlier volume');
    expect(screen.getByText(/No predictions in this period/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Train a model' })).toHaveAttribute('href', '/models/train');
    expect(screen.getByText('Nothing waits for a decision.')).toBeInTheDocument();
    expect(screen.queryByTestId('exec-approvals-oldest')).not.toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Predictions per day' })).not.toBeInTheDocument();
  });

  it('says to set a value model when production models have none', async () => {
    serve(overview({ valueThisMonth: [], valueTotals: [] }));
    renderApp('/executive');
    expect(await screen.findByTestId('exec-value-empty')).toHaveTextContent('set a value model on the model page');
    expect(screen.getByRole('link', { name: 'Customer churn v3, Value tab' })).toHaveAttribute(
      'href',
      '/models/versions/mv_1?tab=value',
    );
  });

  it('prints', async () => {
    serve(overview());
    const print = vi.fn();
    vi.stubGlobal('print', print);
    renderApp('/executive');
    await screen.findByTestId('exec-volume-total');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Print / save as PDF' }));
    expect(print).toHaveBeenCalledOnce();
  });

  it('says so without insights:read and asks nothing', async () => {
    const { requests } = serve(overview(), viewerWith(['models:read']));
    renderApp('/executive');
    expect(await screen.findByText('You cannot view the executive overview')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Print / save as PDF' })).not.toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'ExecutiveOverview')).toBe(false);
  });
});

describe('overview formatting', () => {
  it('reads the period from the URL, 30 by default', () => {
    expect(parsePeriod('7')).toBe(7);
    expect(parsePeriod('90')).toBe(90);
    expect(parsePeriod('31')).toBe(30);
    expect(parsePeriod(null)).toBe(30);
  });

  it('formats trends, money, durations and ages', () => {
    expect(formatTrend(0.124, 'en-US')).toBe('+12.4%');
    expect(formatTrend(-0.05, 'en-US')).toBe('-5%');
    expect(formatTrend(null)).toBeNull();
    expect(formatMoney(31000, 'EUR', 'en-US')).toBe('€31,000');
    expect(formatMoney(3.1, 'EUR', 'de-DE')).toBe('3,10\u00a0€');
    expect(formatMoney(-12.5, 'USD', 'en-US')).toBe('-$12.50');
    expect(formatDuration(45, 'en-US')).toBe('45 s');
    expect(formatDuration(5400, 'en-US')).toBe('1.5 h');
    expect(formatAgeHours(5.2, 'en-US')).toBe('5 hours');
    expect(formatAgeHours(124.5, 'en-US')).toBe('5 days');
  });
});
