import { ChartDataTable } from '@/components/charts/chart-data-table';
import { niceMax, truncate } from '@/lib/charts';

import { formatShare } from '../../lib/monitoring-format';

const HEIGHT = 220;
const LEFT = 44;
const TOP = 10;
const BOTTOM = 52;
const MIN_WIDTH = 420;

export type Bin = { label: string; referenceShare: number; currentShare: number };

/** "19.84 to 23.61" on two lines ("19.84 –", "23.61"), anything else on one. */
function binLabelLines(label: string): string[] {
  const parts = label.split(' to ');
  return parts.length === 2 ? [`${parts[0]} –`, parts[1] ?? ''] : [label];
}

/**
 * Reference (training) vs current (production window) share per bin, as paired bars:
 * where the two bars differ is where the feature drifted. The last bin is missing values.
 */
export function DistributionChart({ feature, bins }: { feature: string; bins: readonly Bin[] }) {
  const shown = bins.filter((bin, index) => index < bins.length - 1 || bin.referenceShare > 0 || bin.currentShare > 0);
  if (shown.length === 0) return <p className="chart-empty muted">No distribution was recorded for {feature}.</p>;
  const group = Math.max(36, Math.min(72, 640 / shown.length));
  const width = Math.max(MIN_WIDTH, LEFT + group * shown.length + 10);
  const max = niceMax(Math.max(...shown.flatMap((bin) => [bin.referenceShare, bin.currentShare]), 0.01));
  const plotH = HEIGHT - TOP - BOTTOM;
  const y = (share: number) => TOP + plotH - (share / max) * plotH;
  const bar = (group - 10) / 2;
  const label = `Distribution of ${feature}, training vs production: ${shown
    .map((bin) => `${bin.label} ${formatShare(bin.referenceShare)} vs ${formatShare(bin.currentShare)}`)
    .slice(0, 6)
    .join('; ')}${shown.length > 6 ? '; …' : ''}`;
  return (
    <figure className="chart distribution-chart">
      <svg className="chart__svg" viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={label}>
        <title>{label}</title>
        {[0, max / 2, max].map((tick) => (
          <g key={tick} aria-hidden="true">
            <line className="chart__grid" x1={LEFT} x2={width - 6} y1={y(tick)} y2={y(tick)} />
            <text className="chart__tick" x={LEFT - 6} y={y(tick)} dy="0.32em" textAnchor="end">
              {formatShare(tick)}
            </text>
          </g>
        ))}
        {shown.map((bin, index) => {
          const x = LEFT + group * index + 5;
          return (
            <g key={`${bin.label}-${index}`} data-testid="distribution-bin">
              <title>{`${bin.label}: training ${formatShare(bin.referenceShare)}, production ${formatShare(bin.currentShare)}`}</title>
              <rect className="distribution-chart__reference" x={x} y={y(bin.referenceShare)} width={bar} height={y(0) - y(bin.referenceShare)} rx={2} />
              <rect className="distribution-chart__current" x={x + bar} y={y(bin.currentShare)} width={bar} height={y(0) - y(bin.currentShare)} rx={2} />
              <text className="chart__tick" x={x + bar} y={HEIGHT - BOTTOM + 14} textAnchor="middle" aria-hidden="true">
                {binLabelLines(bin.label).map((line, lineIndex) => (
                  <tspan key={lineIndex} x={x + bar} dy={lineIndex === 0 ? 0 : 12}>
                    {truncate(line, Math.max(6, Math.floor(group / 5.5)))}
                  </tspan>
                ))}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__caption muted">
        <span className="window-chart__legend" aria-hidden="true">
          <span className="window-chart__key">
            <span className="window-chart__swatch distribution-chart__reference" />
            Training (reference)
          </span>
          <span className="window-chart__key">
            <span className="window-chart__swatch distribution-chart__current" />
            Production (current)
          </span>
        </span>
        Share of rows per bin; the last bin counts missing values.
      </figcaption>
      <ChartDataTable
        caption={`Distribution of ${feature}: training vs production`}
        headers={['Bin', 'Training share', 'Production share']}
        rows={shown.map((bin) => [bin.label, formatShare(bin.referenceShare), formatShare(bin.currentShare)])}
      />
    </figure>
  );
}
