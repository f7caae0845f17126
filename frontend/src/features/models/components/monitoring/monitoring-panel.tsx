import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Fact, Facts } from '@/components/ui/facts';
import { ActivityIcon, AlertTriangleIcon, GridIcon, RefreshIcon, TrendingUpIcon } from '@/components/ui/icons';
import { RelativeTime } from '@/components/ui/relative-time';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { HealthWindow } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatCount, formatDateTime, formatPercent } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import { MONITORING_CONTEXT, ModelHealthQuery, ModelOpenAlertsQuery, RefreshModelHealthMutation } from '../../api/monitoring';
import { formatLatencyMs, formatScore } from '../../lib/models-format';
import {
  DRIFT_STATUS_LABEL,
  DRIFT_STATUS_SENTENCE,
  DRIFT_STATUS_TONE,
  formatPsi,
  HEALTH_WINDOWS,
  metricValue,
  windowLabel,
  windowTitle,
  type Health,
} from '../../lib/monitoring-format';
import { DistributionChart } from './distribution-chart';
import { DriftHeatMap, PREDICTIONS_ROW, type HeatMapSelection } from './drift-heat-map';
import { WindowChart } from './window-chart';

import './monitoring.css';

const WINDOW_LABEL: Record<HealthWindow, string> = { HOUR: 'Hourly', DAY: 'Daily' };
const KIND_LABEL: Record<string, string> = {
  FEATURE_DRIFT: 'Feature drift',
  PREDICTION_DRIFT: 'Prediction drift',
  ERROR_RATE: 'Error rate',
  LATENCY_P99: 'Latency p99',
  PERFORMANCE: 'Performance',
  ESTIMATED_PERFORMANCE: 'Estimated performance',
};

function Summary({ health }: { health: Health }) {
  const calls = health.windows.reduce((sum, w) => sum + w.calls, 0);
  const failed = health.windows.reduce((sum, w) => sum + w.failed, 0);
  return (
    <div className="monitoring-summary" data-testid="monitoring-summary">
      <div className="monitoring-summary__status">
        <Badge tone={DRIFT_STATUS_TONE[health.status]} dot>
          {DRIFT_STATUS_LABEL[health.status]}
        </Badge>
        <p>{DRIFT_STATUS_SENTENCE[health.status]}</p>
      </div>
      <Facts>
        <Fact label="Predictions">{formatCount(health.predictions)}</Fact>
        <Fact label="Failed calls">
          {formatCount(failed)} of {formatCount(calls)}
          {calls > 0 ? ` (${formatPercent((failed / calls) * 100)})` : ''}
        </Fact>
        <Fact label="Outcomes recorded">{formatCount(health.outcomes)}</Fact>
        <Fact label="Latest judged window">
          {health.latestWindowStart ? windowTitle(health.latestWindowStart, health.window) : <span className="muted">None yet</span>}
        </Fact>
        <Fact label="Drift thresholds">
          PSI warn {health.thresholds.psiWarn} · alert {health.thresholds.psiAlert} · at least {formatCount(health.thresholds.minRows)} rows
        </Fact>
      </Facts>
    </div>
  );
}

function TrafficCharts({ health }: { health: Health }) {
  const labels = health.windows.map((w) => windowLabel(w.start, health.window));
  if (health.windows.length === 0) {
    return <p className="chart-empty muted">No predictions since {windowTitle(health.since, health.window)}: call the model to see its traffic.</p>;
  }
  return (
    <div className="monitoring-charts">
      <section aria-labelledby="volume-title">
        <h3 id="volume-title" className="monitoring-subtitle">
          Volume
        </h3>
        <WindowChart
          title="Predictions and failed calls per window"
          labels={labels}
          format={(v) => formatCount(Math.round(v))}
          series={[
            { name: 'Predictions', kind: 'bar', tone: 'brand', values: health.windows.map((w) => w.predictions) },
            { name: 'Failed calls', kind: 'bar', tone: 'danger', values: health.windows.map((w) => w.failed) },
          ]}
          caption="Rows scored and calls the engine failed, per window."
        />
      </section>
      <section aria-labelledby="latency-title">
        <h3 id="latency-title" className="monitoring-subtitle">
          Latency
        </h3>
        <WindowChart
          title="Latency per window"
          labels={labels}
          format={formatLatencyMs}
          series={[
            { name: 'p50', kind: 'line', tone: 'brand', values: health.windows.map((w) => w.latencyP50Ms ?? null) },
            { name: 'p99', kind: 'line', tone: 'accent', values: health.windows.map((w) => w.latencyP99Ms ?? null) },
          ]}
          caption="Time per call as the server measured it: half the calls are faster than p50, 99 in 100 faster than p99."
        />
      </section>
    </div>
  );
}

function DrillDown({ health, selection }: { health: Health; selection: HeatMapSelection }) {
  const isPredictions = selection.feature === PREDICTIONS_ROW;
  const detail = isPredictions ? health.predictionDrift : health.drift.find((f) => f.feature === selection.feature);
  const name = isPredictions ? 'Predictions' : selection.feature;
  const cellWindow = selection.windowStart ? health.windows.find((w) => w.start === selection.windowStart) : undefined;
  const cell = cellWindow
    ? isPredictions
      ? { psi: cellWindow.predictionPsi ?? null }
      : { psi: cellWindow.drift.find((d) => d.feature === selection.feature)?.psi ?? null }
    : null;
  const other = selection.windowStart && health.latestWindowStart && selection.windowStart !== health.latestWindowStart;
  return (
    <section className="drill-down" aria-labelledby="drill-down-title" data-testid="drill-down">
      <h3 id="drill-down-title" className="monitoring-subtitle">
        {name}: training vs production
      </h3>
      {!detail ? (
        <p className="muted">{health.hasReference ? `No distribution was recorded for ${name}.` : DRIFT_STATUS_SENTENCE.NO_REFERENCE}</p>
      ) : (
        <>
          <p className="drill-down__facts">
            <Badge tone={DRIFT_STATUS_TONE[detail.status]}>{DRIFT_STATUS_LABEL[detail.status]}</Badge>
            <span>PSI {formatPsi(detail.psi)}</span>
            {detail.distance != null ? (
              <span>
                {detail.distanceName === 'ks' ? 'Kolmogorov–Smirnov' : detail.distanceName === 'jensen_shannon' ? 'Jensen–Shannon' : 'Distance'}{' '}
                {formatScore(detail.distance)}
              </span>
            ) : null}
            <span>{formatCount(detail.rows)} rows</span>
            {detail.importance != null ? <span>importance {formatScore(detail.importance)}</span> : null}
          </p>
          {other && cell ? (
            <p className="muted" data-testid="drill-down-window-note">
              The selected cell ({windowTitle(selection.windowStart ?? '', health.window)}) has PSI {formatPsi(cell.psi)}. Distributions
              are kept for the latest judged window, {windowTitle(health.latestWindowStart ?? '', health.window)}, shown below.
            </p>
          ) : health.latestWindowStart ? (
            <p className="muted">Production: {windowTitle(health.latestWindowStart, health.window)}.</p>
          ) : null}
          <DistributionChart feature={name} bins={detail.bins} />
        </>
      )}
    </section>
  );
}

function PerformanceChart({ health }: { health: Health }) {
  const metric = health.metric;
  const realized = health.windows.map((w) => metricValue(w.performance, metric));
  const estimated = health.windows.map((w) => metricValue(w.estimatedPerformance, metric));
  const reference = metricValue(health.referencePerformance, metric);
  const hasAny = [...realized, ...estimated].some((v) => v !== null);
  const overallRealized = metricValue(health.performance, metric);
  const overallEstimated = metricValue(health.estimatedPerformance, metric);
  return (
    <>
      <Facts>
        <Fact label={`Realized ${metric}`}>
          {overallRealized !== null ? formatScore(overallRealized) : <span className="muted">No outcomes yet</span>}
        </Fact>
        <Fact label={`Estimated ${metric}`}>
          {overallEstimated !== null ? formatScore(overallEstimated) : <span className="muted">Not estimable</span>}
        </Fact>
        <Fact label={`Training holdout ${metric}`}>
          {reference !== null ? formatScore(reference) : <span className="muted">Not recorded</span>}
        </Fact>
      </Facts>
      {hasAny ? (
        <WindowChart
          title={`${metric} per window`}
          labels={health.windows.map((w) => windowLabel(w.start, health.window))}
          format={formatScore}
          fromZero={false}
          series={[
            { name: 'Realized', kind: 'line', tone: 'brand', values: realized },
            { name: 'Estimated (CBPE)', kind: 'line', tone: 'muted', values: estimated },
          ]}
          reference={reference !== null ? { label: 'Training holdout', value: reference } : null}
          caption="Realized comes from recorded outcomes; estimated is confidence-based (CBPE) and needs no outcomes."
        />
      ) : (
        <p className="chart-empty muted">
          No performance per window yet: record outcomes (recordOutcomes or POST /api/v1/models/&lt;id&gt;/outcomes) to see the
          realized {metric}; the estimate needs class probabilities (classifiers).
        </p>
      )}
    </>
  );
}

function ModelAlerts({ versionId }: { versionId: string }) {
  const [{ data, error }] = useQuery({
    query: ModelOpenAlertsQuery,
    variables: { status: 'OPEN', modelVersionId: versionId },
    context: MONITORING_CONTEXT,
  });
  if (error) return <ErrorMessage error={toAppError(error)} />;
  if (!data) return <Spinner size={16} label="Loading the alerts" />;
  const alerts = data.alerts.edges.map((e) => e.node);
  return alerts.length === 0 ? (
    <p className="muted">No open alerts for this version.</p>
  ) : (
    <ul className="model-alerts" aria-label="Open alerts of this version">
      {alerts.map((alert) => (
        <li key={alert.id} className="model-alerts__item">
          <Badge tone={alert.severity === 'CRITICAL' ? 'danger' : 'warning'}>{alert.severity === 'CRITICAL' ? 'Critical' : 'Warning'}</Badge>
          <span>
            {KIND_LABEL[alert.kind] ?? alert.kind}
            {alert.feature ? (
              <>
                {' '}
                on <code>{alert.feature}</code>
              </>
            ) : alert.metric ? (
              <>
                {' '}
                of <code>{alert.metric}</code>
              </>
            ) : null}
            : {formatScore(alert.value)} {alert.comparison === 'GTE' ? '≥' : '≤'} {formatScore(alert.threshold)}
          </span>
          <span className="muted">
            <RelativeTime value={alert.lastSeenAt} />
          </span>
        </li>
      ))}
    </ul>
  );
}

function HealthView({ health, versionId }: { health: Health; versionId: string }) {
  const [selection, setSelection] = useState<HeatMapSelection | null>(null);
  return (
    <div className="stack">
      <Card aria-labelledby="traffic-title">
        <CardHeader id="traffic-title" icon={<ActivityIcon size={18} />} title="Traffic" description="Volume and latency per window." />
        <CardBody>
          <TrafficCharts health={health} />
        </CardBody>
      </Card>
      <Card aria-labelledby="drift-title">
        <CardHeader
          id="drift-title"
          icon={<GridIcon size={18} />}
          title="Drift"
          description="How far production inputs and predictions are from the training data, per window. Select a cell to compare."
        />
        <CardBody className="stack">
          {!health.hasReference ? (
            <Alert tone="info" title="No reference">
              {DRIFT_STATUS_SENTENCE.NO_REFERENCE}
            </Alert>
          ) : null}
          <DriftHeatMap health={health} window={health.window} selected={selection} onSelect={setSelection} />
          {selection ? <DrillDown health={health} selection={selection} /> : null}
        </CardBody>
      </Card>
      <Card aria-labelledby="performance-title">
        <CardHeader
          id="performance-title"
          icon={<TrendingUpIcon size={18} />}
          title="Performance over time"
          description={`The version's ${health.metric}: realized from outcomes, estimated before they arrive.`}
        />
        <CardBody className="stack">
          <PerformanceChart health={health} />
        </CardBody>
      </Card>
      <Card aria-labelledby="model-alerts-title">
        <CardHeader
          id="model-alerts-title"
          icon={<AlertTriangleIcon size={18} />}
          title="Open alerts"
          actions={
            <Link to={paths.app.alerts.getHref()} className="btn btn--ghost btn--sm">
              All alerts
            </Link>
          }
        />
        <CardBody>
          <ModelAlerts versionId={versionId} />
        </CardBody>
      </Card>
    </div>
  );
}

/** The Monitoring tab of a model version: its health per window, from stored aggregates. */
export function MonitoringPanel({ versionId }: { versionId: string }) {
  const permissions = usePermissions();
  const canRefresh = permissions.has('models:promote');
  const [window, setWindow] = useState<HealthWindow>('HOUR');
  const [{ data, error, fetching }] = useQuery({
    query: ModelHealthQuery,
    variables: { modelVersionId: versionId, window },
    context: MONITORING_CONTEXT,
  });
  const [{ fetching: refreshing }, refresh] = useMutation(RefreshModelHealthMutation);
  const [refreshError, setRefreshError] = useState<AppError | null>(null);
  const health = data?.modelHealth;

  const refreshNow = async () => {
    setRefreshError(null);
    const result = await refresh({ modelVersionId: versionId }, MONITORING_CONTEXT);
    if (result.error) setRefreshError(toAppError(result.error));
  };

  return (
    <div className="stack monitoring">
      <div className="monitoring-toolbar">
        <div className="segmented" role="group" aria-label="Window">
          {HEALTH_WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              className="segmented__option"
              aria-pressed={window === w}
              onClick={() => setWindow(w)}
            >
              {WINDOW_LABEL[w]}
            </button>
          ))}
        </div>
        <div className="monitoring-toolbar__refresh">
          <Button
            variant="secondary"
            icon={<RefreshIcon size={16} />}
            loading={refreshing}
            disabled={!canRefresh}
            aria-describedby={canRefresh ? undefined : 'refresh-reason'}
            onClick={() => void refreshNow()}
          >
            Refresh now
          </Button>
          {!canRefresh ? (
            <span id="refresh-reason" className="muted monitoring-toolbar__reason">
              Refreshing needs the models:promote permission; the health is recomputed periodically anyway.
            </span>
          ) : null}
        </div>
      </div>
      {refreshError ? (
        <Alert role="alert" tone="danger" title="The health could not be refreshed">
          <ErrorMessage error={refreshError} />
        </Alert>
      ) : null}
      {error && !health ? (
        <Alert role="alert" tone="danger" title="The model's health could not be loaded">
          <ErrorMessage error={toAppError(error)} />
        </Alert>
      ) : !health || (fetching && health.window !== window) ? (
        <div className="models-loading">
          <Spinner size={20} label="Loading the model's health" />
        </div>
      ) : (
        <>
          <Card aria-labelledby="health-title">
            <CardHeader
              id="health-title"
              icon={<ActivityIcon size={18} />}
              title="Health"
              description={`${WINDOW_LABEL[health.window]} windows since ${formatDateTime(health.since)}.`}
            />
            <CardBody>
              <Summary health={health} />
            </CardBody>
          </Card>
          <HealthView key={health.window} health={health} versionId={versionId} />
        </>
      )}
    </div>
  );
}
