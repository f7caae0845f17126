export type ValueCount = { value: string; count: number };

import { ChartDataTable } from '@/components/charts/chart-data-table';
import { truncate } from '@/lib/charts';
import { formatCount, formatPercent } from '@/lib/format';

const WIDTH = 360;
const ROW = 22;
const LABEL = 112;
const VALUE = 78;

/** The most frequent values of a column, as horizontal bars with count and share of rows. */
export function TopValuesChart({
  column,
  values,
  rows,
}: {
  column: string;
  values: readonly ValueCount[];
  /** The dataset's row count: shares are of all rows. */
  rows: number;
}) {
  if (values.length === 0) return <p className="chart-empty muted">No values to chart.</p>;
  const max = Math.max(...values.map((value) => value.count), 1);
  const height = values.length * ROW + 4;
  const barSpace = WIDTH - LABEL - VALUE;
  const share = (count: number) => (rows > 0 ? formatPercent((count / rows) * 100) : '—');
  const label = `Most frequent values of ${column}: ${values
    .slice(0, 3)
    .map((value) => `${value.value || '(empty)'} ${formatCount(value.count)}`)
    .join(', ')}${values.length > 3 ? ` and ${values.length - 3} more` : ''}`;

  return (
    <figure className="chart">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        {values.map((value, index) => {
          const y = index * ROW + 2;
          const width = Math.max(2, (value.count / max) * barSpace);
          const text = value.value === '' ? '(empty)' : value.value;
          return (
            <g key={`${index}-${value.value}`}>
              <title>{`${text}: ${formatCount(value.count)} (${share(value.count)})`}</title>
              <text className="chart__label" x={LABEL - 8} y={y + ROW / 2} dy="0.32em" textAnchor="end" aria-hidden="true">
                {truncate(text, 16)}
              </text>
              <rect className="chart__track" x={LABEL} y={y + 3} width={barSpace} height={ROW - 6} rx={3} />
              <rect className="chart__bar" x={LABEL} y={y + 3} width={width} height={ROW - 6} rx={3} />
              <text className="chart__value" x={WIDTH} y={y + ROW / 2} dy="0.32em" textAnchor="end" aria-hidden="true">
                {formatCount(value.count)} · {share(value.count)}
              </text>
            </g>
          );
        })}
      </svg>
      <ChartDataTable
        caption={`Most frequent values of ${column}`}
        headers={['Value', 'Count', 'Share of rows']}
        rows={values.map((value) => [value.value === '' ? '(empty)' : value.value, formatCount(value.count), share(value.count)])}
      />
    </figure>
  );
}
