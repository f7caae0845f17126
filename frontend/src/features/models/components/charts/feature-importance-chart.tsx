import { ChartDataTable } from '@/components/charts/chart-data-table';
import { truncate } from '@/lib/charts';

import { formatScore } from '../../lib/models-format';
import { barScale } from '../../lib/bar-scale';

const WIDE = { width: 720, label: 200, value: 120 };
/** For half-width cards (two charts side by side): the same text size on less room. */
const COMPACT = { width: 440, label: 130, value: 104 };
const ROW = 24;
const AXIS = 20;
export const IMPORTANCE_CHART_LIMIT = 15;

export type Importance = { feature: string; importance: number; stddev?: number | null | undefined };

/**
 * Permutation importance per feature, largest first, as horizontal bars from 0 with
 * ± one standard deviation whiskers when the server sends them.
 */
export function FeatureImportanceChart({
  importances,
  metric,
  title = 'Feature importance',
  caption,
  compact = false,
}: {
  importances: readonly Importance[];
  metric: string;
  /** What the bars are, for the chart's accessible name and its data table. */
  title?: string;
  /** Replaces the permutation-importance explanation under the chart. */
  caption?: string;
  compact?: boolean;
}) {
  const { width: WIDTH, label: LABEL, value: VALUE } = compact ? COMPACT : WIDE;
  if (importances.length === 0) return <p className="chart-empty muted">No feature importance was computed for this job.</p>;
  const sorted = [...importances].sort((a, b) => b.importance - a.importance);
  const shown = sorted.slice(0, IMPORTANCE_CHART_LIMIT);
  const hasWhiskers = shown.some((entry) => typeof entry.stddev === 'number' && entry.stddev > 0);
  const scale = barScale(
    shown.flatMap((entry) => {
      const sd = entry.stddev ?? 0;
      return [entry.importance, entry.importance - sd, entry.importance + sd];
    }),
    LABEL,
    WIDTH - VALUE,
  );
  const height = shown.length * ROW + AXIS;
  const label = `${title}, largest first: ${shown
    .slice(0, 3)
    .map((entry) => `${entry.feature} ${formatScore(entry.importance)}`)
    .join(', ')}${sorted.length > 3 ? ` and ${sorted.length - 3} more` : ''}`;

  return (
    <figure className="chart chart--wide">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        {scale.ticks.map((tick) => (
          <g key={tick} aria-hidden="true">
            <line className="chart__grid" x1={scale.x(tick)} x2={scale.x(tick)} y1={0} y2={height - AXIS + 2} />
            <text className="chart__tick" x={scale.x(tick)} y={height - 4} textAnchor="middle">
              {formatScore(tick)}
            </text>
          </g>
        ))}
        {shown.map((entry, index) => {
          const y = index * ROW;
          const end = scale.x(entry.importance);
          const sd = typeof entry.stddev === 'number' && entry.stddev > 0 ? entry.stddev : null;
          const middle = y + ROW / 2;
          return (
            <g key={entry.feature} data-testid="importance-bar">
              <title>{`${entry.feature}: ${formatScore(entry.importance)}${sd !== null ? ` ± ${formatScore(sd)}` : ''}`}</title>
              <text className="chart__label" x={LABEL - 10} y={middle} dy="0.32em" textAnchor="end" aria-hidden="true">
                {truncate(entry.feature, compact ? 16 : 26)}
              </text>
              <rect
                className={entry.importance < 0 ? 'chart__bar chart__bar--negative' : 'chart__bar'}
                x={Math.min(scale.zero, end)}
                y={y + 5}
                width={Math.max(2, Math.abs(end - scale.zero))}
                height={ROW - 10}
                rx={3}
              />
              {sd !== null ? (
                <g className="chart__whisker" aria-hidden="true" data-testid="importance-whisker">
                  <line x1={scale.x(entry.importance - sd)} x2={scale.x(entry.importance + sd)} y1={middle} y2={middle} />
                  <line x1={scale.x(entry.importance - sd)} x2={scale.x(entry.importance - sd)} y1={middle - 4} y2={middle + 4} />
                  <line x1={scale.x(entry.importance + sd)} x2={scale.x(entry.importance + sd)} y1={middle - 4} y2={middle + 4} />
                </g>
              ) : null}
              <text className="chart__value" x={WIDTH - VALUE + 10} y={middle} dy="0.32em" textAnchor="start" aria-hidden="true">
                {formatScore(entry.importance)}
                {sd !== null ? ` ± ${formatScore(sd)}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__caption muted">
        {caption ?? `How much the holdout ${metric} worsens when a feature’s values are shuffled: longer bars matter more.`}
        {hasWhiskers ? ' Whiskers show ± one standard deviation over the shuffles.' : ''}
        {sorted.length > shown.length ? ` Showing the ${shown.length} most important of ${sorted.length} features.` : ''}
      </figcaption>
      <ChartDataTable
        caption={title}
        headers={['Feature', 'Importance', 'Standard deviation']}
        rows={sorted.map((entry) => [entry.feature, formatScore(entry.importance), formatScore(entry.stddev)])}
      />
    </figure>
  );
}
