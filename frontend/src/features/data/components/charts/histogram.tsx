export type HistogramBin = { lower: number; upper: number; count: number };

import { ChartDataTable } from '@/components/charts/chart-data-table';
import { niceMax } from '@/lib/charts';
import { formatCompact, formatCount, formatStat } from '@/lib/format';

const WIDTH = 360;
const HEIGHT = 150;
const PAD = { top: 10, right: 8, bottom: 22, left: 40 };

/** A numeric column's distribution: equal-width bins, counts on the y axis. */
export function Histogram({ column, bins }: { column: string; bins: readonly HistogramBin[] }) {
  if (bins.length === 0) return <p className="chart-empty muted">No values to chart.</p>;
  const maxCount = niceMax(Math.max(...bins.map((bin) => bin.count)));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const barWidth = plotWidth / bins.length;
  const first = bins[0]!;
  const last = bins[bins.length - 1]!;
  const label = `Histogram of ${column}: ${bins.length} bins from ${formatStat(first.lower)} to ${formatStat(last.upper)}, at most ${formatCount(Math.max(...bins.map((bin) => bin.count)))} values in a bin`;
  const y = (count: number) => PAD.top + plotHeight - (count / maxCount) * plotHeight;

  return (
    <figure className="chart">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <title>{label}</title>
        {[0, 0.5, 1].map((fraction) => {
          const value = maxCount * fraction;
          return (
            <g key={fraction} aria-hidden="true">
              <line className="chart__grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(value)} y2={y(value)} />
              <text className="chart__tick" x={PAD.left - 6} y={y(value)} dy="0.32em" textAnchor="end">
                {formatCompact(value)}
              </text>
            </g>
          );
        })}
        {bins.map((bin, index) => {
          const top = y(bin.count);
          return (
            <rect
              key={index}
              className="chart__bar"
              x={PAD.left + index * barWidth + 1}
              y={top}
              width={Math.max(1, barWidth - 2)}
              height={Math.max(0, PAD.top + plotHeight - top)}
              rx={1.5}
            >
              <title>{`${formatStat(bin.lower)} – ${formatStat(bin.upper)}: ${formatCount(bin.count)}`}</title>
            </rect>
          );
        })}
        <text className="chart__tick" x={PAD.left} y={HEIGHT - 6} textAnchor="start" aria-hidden="true">
          {formatStat(first.lower)}
        </text>
        <text className="chart__tick" x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" aria-hidden="true">
          {formatStat(last.upper)}
        </text>
      </svg>
      <ChartDataTable
        caption={`Histogram of ${column}`}
        headers={['Range', 'Count']}
        rows={bins.map((bin) => [`${formatStat(bin.lower)} to ${formatStat(bin.upper)}`, formatCount(bin.count)])}
      />
    </figure>
  );
}
