import { useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Fact, Facts } from '@/components/ui/facts';
import { SelectField } from '@/components/ui/field';
import { ActivityIcon, TrendingUpIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import type { ModelVersionForecastQuery } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatCount } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import { ForecastPredictMutation, ModelVersionForecastQuery as ForecastQueryDocument } from '../../api/forecast';
import { formatMase, maseVerdict, parseUtc, stepsOf, timeFormatter, type ForecastStep } from '../../lib/forecast-format';
import { plainModelName } from '../../lib/model-names';
import { ForecastChart } from './forecast-chart';

import './forecast.css';

type Forecast = NonNullable<NonNullable<ModelVersionForecastQuery['modelVersion']>['forecast']>;

/** MASE of the served choice against seasonal naive, then every candidate's (lower is better). */
export function BacktestSummary({ forecast }: { forecast: Forecast }) {
  const candidates = [...forecast.candidates].sort((a, b) => (a.mase ?? Infinity) - (b.mase ?? Infinity));
  return (
    <Card aria-labelledby="backtest-title">
      <CardHeader
        id="backtest-title"
        icon={<ActivityIcon size={18} />}
        title="Backtest"
        description={`MASE on the last of ${forecast.backtestWindows} rolling windows, ${forecast.horizon} steps each (lower is better; below 1 beats the in-sample seasonal-naive error).`}
      />
      <CardBody className="models-panel">
        <Facts>
          <Fact label="This version (MASE)">
            <strong data-testid="backtest-mase">{formatMase(forecast.mase)}</strong>
          </Fact>
          <Fact label="Seasonal naive (MASE)">
            <span data-testid="backtest-naive-mase">{formatMase(forecast.seasonalNaiveMase)}</span>
          </Fact>
          <Fact label="Frequency">
            <code>{forecast.frequency}</code> · season of {forecast.seasonLength}
          </Fact>
          <Fact label="Series">{formatCount(forecast.seriesCount)}</Fact>
          <Fact label="Training data ends">{timeFormatter([parseUtc(forecast.trainingEnd)])(parseUtc(forecast.trainingEnd))}</Fact>
        </Facts>
        <p data-testid="backtest-verdict">{maseVerdict(forecast.mase, forecast.seasonalNaiveMase)}</p>
        {candidates.length > 0 ? (
          <div className="table-scroll">
            <table className="table models-table models-table--compact" data-testid="backtest-candidates">
              <caption className="sr-only">Backtest of each candidate forecaster</caption>
              <thead>
                <tr>
                  <th scope="col">Candidate</th>
                  <th scope="col">MASE</th>
                  <th scope="col">Series it serves</th>
                  <th scope="col">Series left out</th>
                  <th scope="col">Seconds</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((candidate) => (
                  <tr key={candidate.modelName}>
                    <th scope="row" className="models-table__model" title={candidate.modelName}>
                      {plainModelName(candidate.modelName)}
                    </th>
                    <td>{formatMase(candidate.mase)}</td>
                    <td>{formatCount(candidate.seriesChosen)}</td>
                    <td>{candidate.seriesLeftOut ? formatCount(candidate.seriesLeftOut) : '—'}</td>
                    <td>{candidate.seconds.toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

/**
 * The forecast of a FORECASTING version: pick a series, see its history tail and, once
 * asked, the stored forecast after the training data with its interval. The forecast is a
 * predict call (logged like every prediction, so it needs predictions:run and is not made
 * on every page view).
 */
export function ForecastChartCard({ versionId, forecast }: { versionId: string; forecast: Forecast }) {
  const permissions = usePermissions();
  const names = forecast.history.map((entry) => entry.series ?? null);
  const [series, setSeries] = useState<string | null>(names[0] ?? null);
  const [steps, setSteps] = useState<ForecastStep[] | null>(null);
  const [level, setLevel] = useState(forecast.intervalLevel);
  const [error, setError] = useState<AppError | null>(null);
  const [{ fetching }, predict] = useMutation(ForecastPredictMutation);
  const history = forecast.history.find((entry) => (entry.series ?? null) === series)?.points ?? [];
  const canPredict = permissions.has('predictions:run');

  const runForecast = async () => {
    setError(null);
    const result = await predict({ modelVersionId: versionId });
    const answer = result.data?.predict;
    if (result.error || !answer?.forecasts) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The forecast could not be made.' });
      return;
    }
    setSteps(answer.forecasts);
    setLevel(answer.intervalLevel ?? forecast.intervalLevel);
  };

  const title = series ? `Series ${series}` : `The ${forecast.timeColumn} series`;
  return (
    <Card aria-labelledby="forecast-title">
      <CardHeader
        id="forecast-title"
        icon={<TrendingUpIcon size={18} />}
        title="Forecast"
        description={`${forecast.horizon} steps after the training data, with a ${forecast.intervalLevel} % prediction interval.`}
      />
      <CardBody className="models-panel">
        <div className="forecast-controls">
          {names.length > 1 ? (
            <SelectField
              label="Series"
              value={series ?? ''}
              onChange={(event) => setSeries(event.target.value)}
              hint={
                forecast.historySeriesLeftOut > 0
                  ? `The first ${names.length} series by id are charted; ${formatCount(forecast.historySeriesLeftOut)} more are forecast but not kept for charts.`
                  : undefined
              }
            >
              {names.map((name) => (
                <option key={name ?? ''} value={name ?? ''}>
                  {name}
                </option>
              ))}
            </SelectField>
          ) : null}
          {canPredict ? (
            <Button variant={steps ? 'secondary' : 'primary'} loading={fetching} onClick={() => void runForecast()}>
              {steps ? 'Forecast again' : `Forecast ${forecast.horizon} steps`}
            </Button>
          ) : null}
        </div>
        {error ? (
          <Alert role="alert" tone="danger" title="The forecast could not be made">
            <ErrorMessage error={error} />
          </Alert>
        ) : null}
        {!canPredict ? (
          <p className="muted">Showing the history: forecasting needs the predictions:run permission.</p>
        ) : !steps ? (
          <p className="muted">The history is shown; forecasting adds the mean and the interval (each forecast is logged as predictions).</p>
        ) : null}
        {history.length === 0 ? (
          <p className="muted">No history was kept for this series.</p>
        ) : (
          <ForecastChart title={title} history={history} forecast={steps ? stepsOf(steps, series) : []} intervalLevel={level} />
        )}
      </CardBody>
    </Card>
  );
}

/** The overview's forecasting cards: the chart, then the backtest against seasonal naive. */
export function ForecastPanel({ versionId }: { versionId: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ForecastQueryDocument, variables: { id: versionId } });
  const forecast = data?.modelVersion?.forecast;
  if (!forecast) {
    if (fetching || (!error && !data)) return <Spinner size={20} label="Loading the forecast" />;
    return (
      <Alert role="alert" tone="danger" title="The forecast could not be loaded">
        {error ? <ErrorMessage error={toAppError(error)} /> : 'This version has no forecast settings.'}
      </Alert>
    );
  }
  return (
    <div className="stack">
      <ForecastChartCard versionId={versionId} forecast={forecast} />
      <BacktestSummary forecast={forecast} />
    </div>
  );
}
