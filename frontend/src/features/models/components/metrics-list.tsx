import { formatScore } from '../lib/models-format';

/** Holdout metrics as tiles; the ranking metric stands out. */
export function MetricsList({ metrics, highlight }: { metrics: readonly { name: string; value: number }[]; highlight: string }) {
  return (
    <dl className="metric-tiles">
      {metrics.map((metric) => (
        <div key={metric.name} className={metric.name === highlight ? 'metric-tile metric-tile--primary' : 'metric-tile'}>
          <dt className="metric-tile__name">
            {metric.name}
            {metric.name === highlight ? <span className="sr-only"> (the ranking metric)</span> : null}
          </dt>
          <dd className="metric-tile__value">{formatScore(metric.value)}</dd>
        </div>
      ))}
    </dl>
  );
}
