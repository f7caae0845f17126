import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { ModelVersionForecastQuery } from '@/gql/graphql';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { testVersionDetail } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

import { maseVerdict, parseUtc, stepsOf } from '../../lib/forecast-format';
import { ForecastChart } from './forecast-chart';

type Forecast = NonNullable<NonNullable<ModelVersionForecastQuery['modelVersion']>['forecast']>;

const months = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => {
    const month = from + index;
    return `${2020 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01T00:00:00`;
  });

function history(series: string, level: number) {
  return { series, points: months(0, 24).map((time, index) => ({ time, value: level + (index % 12) })) };
}

function steps(series: string | null, level: number) {
  return months(24, 3).map((time, index) => ({ series, time, mean: level + index, lower: level + index - 5, upper: level + index + 5 }));
}

function testForecast(overrides: Partial<Forecast> = {}): Forecast {
  return {
    timeColumn: 'month',
    seriesIdColumn: 'store',
    horizon: 3,
    intervalLevel: 80,
    frequency: 'MS',
    seasonLength: 12,
    seriesCount: 22,
    backtestWindows: 3,
    trainingEnd: '2021-12-01T00:00:00',
    mase: 0.62,
    wql: 0.04,
    seasonalNaiveMase: 0.91,
    seasonalNaiveWql: 0.06,
    candidates: [
      { modelName: 'AutoETS', mase: 0.64, wql: 0.05, seconds: 1.2, seriesLeftOut: 0, seriesChosen: 12 },
      { modelName: 'AutoARIMA', mase: 0.7, wql: 0.05, seconds: 9.5, seriesLeftOut: 4, seriesChosen: 10 },
      { modelName: 'SeasonalNaive', mase: 0.91, wql: 0.06, seconds: 0.1, seriesLeftOut: 0, seriesChosen: 0 },
    ],
    historySeriesLeftOut: 2,
    history: [history('store-a', 100), history('store-b', 500)],
    ...overrides,
  };
}

const forecastingVersion = testVersionDetail({
  id: 'mv_f',
  taskType: 'FORECASTING',
  metric: 'mase',
  higherIsBetter: false,
  features: [],
  classes: null,
});

function serve({ viewer = testViewer, forecast = testForecast(), predict = () => gqlData({ predict: { intervalLevel: 80, forecasts: [...steps('store-a', 130), ...steps('store-b', 530)] } }) } = {}) {
  setSessionCookie();
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      ModelVersion: () => gqlData({ modelVersion: forecastingVersion }),
      ModelVersionForecast: () => gqlData({ modelVersion: { id: 'mv_f', forecast } }),
      ForecastPredict: predict,
    },
  });
}

describe('Models › forecast chart', () => {
  it('draws the history, the mean continuing it and the band, with the level in the legend and the numbers in a table', async () => {
    const user = userEvent.setup();
    render(<ForecastChart title="Series store-a" history={history('store-a', 100).points} forecast={steps('store-a', 130)} intervalLevel={95} />);

    const chart = screen.getByRole('img', { name: /^Series store-a: history of 24 points/ });
    expect(chart).toHaveAccessibleName(expect.stringContaining('forecast of 3 steps'));
    expect(chart).toHaveAccessibleName(expect.stringContaining('95 % interval from 125 to 137'));
    const band = screen.getByTestId('forecast-band');
    const mean = screen.getByTestId('forecast-mean-line');
    const past = screen.getByTestId('forecast-history-line');
    // band, mean and history are real paths; the mean starts where the history ends
    for (const shape of [band, mean, past]) expect(shape.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/);
    const lastHistory = past.getAttribute('d')!.split('L').at(-1)!;
    expect(mean.getAttribute('d')!.startsWith(`M${lastHistory}`)).toBe(true);
    expect(screen.getByTestId('forecast-legend')).toHaveTextContent('History Forecast (mean) 95 % interval');

    // the numbers: hidden for screen readers by default, shown on demand
    const hidden = screen.getByRole('table', { name: 'Series store-a' });
    expect(hidden).toHaveClass('sr-only');
    await user.click(screen.getByRole('button', { name: 'Show the numbers' }));
    const table = screen.getByRole('table', { name: 'Series store-a' });
    expect(table).not.toHaveClass('sr-only');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(1 + 24 + 3);
    expect(rows[0]).toHaveTextContent('TimeHistoryForecast meanLower (95 %)Upper (95 %)');
    expect(rows.at(-1)).toHaveTextContent(/Mar.*2022.*—132127137/);
  });

  it('draws the history alone before a forecast is asked', () => {
    render(<ForecastChart title="Sales" history={history('x', 10).points} forecast={[]} intervalLevel={80} />);
    expect(screen.getByRole('img')).toHaveAccessibleName(expect.stringContaining('no forecast shown yet'));
    expect(screen.queryByTestId('forecast-band')).not.toBeInTheDocument();
    expect(screen.getByTestId('forecast-history-line')).toBeInTheDocument();
  });

  it('shows a hostile series name as text, never as markup', async () => {
    const user = userEvent.setup();
    const name = '<img src=x onerror="window.pwned=1">';
    const { container } = render(<ForecastChart title={`Series ${name}`} history={history(name, 1).points} forecast={steps(name, 30)} intervalLevel={80} />);
    await user.click(screen.getByRole('button', { name: 'Show the numbers' }));
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('img', { name: new RegExp(`^Series ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })).toBeInTheDocument();
    expect(screen.getByRole('table', { name: `Series ${name}` })).toBeInTheDocument();
  });

  it('reads naive times as UTC and keeps one series apart from the others', () => {
    expect(parseUtc('2024-01-01T00:00:00')).toBe(Date.UTC(2024, 0, 1));
    expect(parseUtc('2024-01-01T00:00:00+01:00')).toBe(Date.UTC(2023, 11, 31, 23));
    expect(stepsOf([...steps('a', 1), ...steps('b', 2)], 'b').map((s) => s.mean)).toEqual([2, 3, 4]);
    expect(stepsOf(steps(null, 1), null)).toHaveLength(3);
    expect(maseVerdict(0.5, 1)).toBe('Beats seasonal naive: 50 % lower error on the last backtest window.');
    expect(maseVerdict(1.2, 1)).toBe('Does not beat seasonal naive on the last backtest window.');
    expect(maseVerdict(null, 1)).toBe('The backtest has no score to compare with seasonal naive.');
  });
});

describe('Models › forecasting version page', () => {
  it('charts the first series, forecasts on demand, switches series and summarizes the backtest', async () => {
    const user = userEvent.setup();
    const { requests } = serve();
    renderApp('/models/versions/mv_f');

    const card = (await screen.findByRole('heading', { name: 'Forecast' })).closest('section')!;
    const picker = await within(card).findByLabelText('Series');
    expect(picker).toHaveValue('store-a');
    expect(within(card).getByText(/2 more are forecast but not kept for charts/)).toBeInTheDocument();
    expect(within(card).getByRole('img')).toHaveAccessibleName(expect.stringContaining('no forecast shown yet'));
    // no predict (logged) until asked
    expect(requests.some((r) => r.operationName === 'ForecastPredict')).toBe(false);

    await user.click(within(card).getByRole('button', { name: 'Forecast 3 steps' }));
    await waitFor(() => expect(within(card).getByTestId('forecast-band')).toBeInTheDocument());
    expect(requests.find((r) => r.operationName === 'ForecastPredict')?.variables).toEqual({ modelVersionId: 'mv_f' });
    expect(within(card).getByRole('img')).toHaveAccessibleName(expect.stringContaining('mean 130 to 132'));

    await user.selectOptions(picker, 'store-b');
    const chart = within(card).getByRole('img');
    expect(chart).toHaveAccessibleName(expect.stringMatching(/^Series store-b: history of 24 points .*last 511/));
    expect(chart).toHaveAccessibleName(expect.stringContaining('mean 530 to 532'));

    const backtest = screen.getByRole('heading', { name: 'Backtest' }).closest('section')!;
    expect(within(backtest).getByTestId('backtest-mase')).toHaveTextContent('0.620');
    expect(within(backtest).getByTestId('backtest-naive-mase')).toHaveTextContent('0.910');
    expect(within(backtest).getByTestId('backtest-verdict')).toHaveTextContent('Beats seasonal naive: 32 % lower error');
    const rows = within(within(backtest).getByRole('table')).getAllByRole('row');
    // sorted by MASE, lower first
    expect(rows.slice(1).map((row) => row.textContent)).toEqual([
      expect.stringContaining('0.64012—1.2'),
      expect.stringContaining('0.7001049.5'),
      expect.stringContaining('0.9100—0.1'),
    ]);
    // the row model's predict form and input schema do not apply
    expect(screen.queryByRole('heading', { name: 'Try it' })).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Input schema' })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Backtest metrics' })).toBeInTheDocument();
  });

  it('shows a refused forecast in the server’s words', async () => {
    const user = userEvent.setup();
    serve({ predict: () => gqlError('BAD_USER_INPUT', 'The model could not be loaded.') });
    renderApp('/models/versions/mv_f');
    const card = (await screen.findByRole('heading', { name: 'Forecast' })).closest('section')!;
    await user.click(await within(card).findByRole('button', { name: 'Forecast 3 steps' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent('The model could not be loaded.');
    expect(within(card).queryByTestId('forecast-band')).not.toBeInTheDocument();
  });

  it('charts a single series without a picker, and the history alone without predictions:run', async () => {
    serve({
      viewer: viewerWith(['models:read']),
      forecast: testForecast({ seriesIdColumn: null, seriesCount: 1, historySeriesLeftOut: 0, history: [{ series: null, points: history('x', 5).points }] }),
    });
    renderApp('/models/versions/mv_f');
    const card = (await screen.findByRole('heading', { name: 'Forecast' })).closest('section')!;
    expect(await within(card).findByRole('img', { name: /^The month series: history of 24 points/ })).toBeInTheDocument();
    expect(within(card).queryByLabelText('Series')).not.toBeInTheDocument();
    expect(within(card).queryByRole('button', { name: /Forecast/ })).not.toBeInTheDocument();
    expect(within(card).getByText(/forecasting needs the predictions:run permission/)).toBeInTheDocument();
  });

  it('hides the row-model tabs and explains them when linked', async () => {
    serve();
    renderApp('/models/versions/mv_f?tab=fairness');
    expect(await screen.findByText('Fairness does not apply to forecasts')).toBeInTheDocument();
    const tabs = screen.getByRole('navigation', { name: 'Model version sections' });
    expect(within(tabs).getAllByRole('link').map((link) => link.textContent)).toEqual(['Overview', 'Documentation', 'Monitoring']);
  });
});
