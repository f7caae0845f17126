import type { ReactNode } from 'react';

import { formatDateTime, formatRelative } from '@/lib/format';

import { formatScore } from '../lib/models-format';

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt className="fact__label">{label}</dt>
      <dd className="fact__value">{children}</dd>
    </div>
  );
}

/** "3 minutes ago", with the full date on hover; "—" when there is none. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelative(value)}
    </time>
  );
}

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
