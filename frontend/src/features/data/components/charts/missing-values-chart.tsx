import { ChartDataTable } from '@/components/charts/chart-data-table';
import { truncate } from '@/lib/charts';
import { formatCount, formatPercent } from '@/lib/format';

import { missingScale } from '../../lib/dataset-format';

const WIDTH = 720;
const ROW = 24;
const LABEL = 180;
const VALUE = 110;

export type MissingColumn = { name: string; missingCount: number; missingPercent: number };

/**
 * Data quality at a glance: one bar per column with missing values, worst first. The scale ends
 * just above the largest share (on 0–100 %, 4 % was a sliver); each bar says its actual share.
 */
export function MissingValuesChart({ columns, limit = 12 }: { columns: readonly MissingColumn[]; limit?: number }) {
  const withMissing = columns.filter((column) => column.missingCount > 0).sort((a, b) => b.missingPercent - a.missingPercent);
  const complete = columns.length - withMissing.length;
  if (withMissing.length === 0) {
    return <p className="missing-summary missing-summary--clean">No missing values: every column is complete.</p>;
  }
  const shown = withMissing.slice(0, limit);
  const height = shown.length * ROW + 22;
  const barSpace = WIDTH - LABEL - VALUE;
  const scale = missingScale(withMissing[0]?.missingPercent ?? 100);
  const label = `Missing values by column: ${withMissing.length} of ${columns.length} columns have missing values; most: ${shown
    .slice(0, 3)
    .map((column) => `${column.name} ${formatPercent(column.missingPercent)}`)
    .join(', ')}`;

  return (
    <figure className="chart chart--wide">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        {[0, scale / 4, scale / 2, (scale * 3) / 4, scale].map((tick) => {
          const x = LABEL + (tick / scale) * barSpace;
          return (
            <g key={tick} aria-hidden="true">
              <line className="chart__grid" x1={x} x2={x} y1={0} y2={height - 18} />
              <text className="chart__tick" x={x} y={height - 4} textAnchor="middle">
                {Number(tick.toFixed(2))}%
              </text>
            </g>
          );
        })}
        {shown.map((column, index) => {
          const y = index * ROW;
          const severity = column.missingPercent >= 30 ? 'high' : column.missingPercent >= 5 ? 'medium' : 'low';
          return (
            <g key={column.name}>
              <title>{`${column.name}: ${formatPercent(column.missingPercent)} missing (${formatCount(column.missingCount)} rows)`}</title>
              <text className="chart__label" x={LABEL - 10} y={y + ROW / 2} dy="0.32em" textAnchor="end" aria-hidden="true">
                {truncate(column.name, 24)}
              </text>
              <rect
                className={`chart__bar chart__bar--missing-${severity}`}
                x={LABEL}
                y={y + 5}
                width={Math.max(2, (Math.min(column.missingPercent, scale) / scale) * barSpace)}
                height={ROW - 10}
                rx={3}
              />
              <text
                className="chart__value"
                x={LABEL + barSpace + 12}
                y={y + ROW / 2}
                dy="0.32em"
                textAnchor="start"
                aria-hidden="true"
              >
                {formatPercent(column.missingPercent)} · {formatCount(column.missingCount)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__caption muted">
        {withMissing.length > shown.length ? `Showing the ${shown.length} columns missing the most; ` : ''}
        {complete} of {columns.length} column{columns.length === 1 ? '' : 's'} complete.
      </figcaption>
      <ChartDataTable
        caption="Missing values by column"
        headers={['Column', 'Missing', 'Missing rows']}
        rows={withMissing.map((column) => [column.name, formatPercent(column.missingPercent), formatCount(column.missingCount)])}
      />
    </figure>
  );
}
