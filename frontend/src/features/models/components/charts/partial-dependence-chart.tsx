import { ChartDataTable } from '@/components/charts/chart-data-table';
import { truncate } from '@/lib/charts';

import { formatScore } from '../../lib/models-format';

const WIDTH = 360;
const HEIGHT = 200;
const LEFT = 52;
const RIGHT = 12;
const TOP = 10;
const BOTTOM = 34;

export type DependencePoint = { x: unknown; y: number };

function text(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (typeof value === 'number') return formatScore(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * How the explained quantity moves as one feature is set to each value, the others as
 * they are in a holdout sample: a line over numbers, dots over categories.
 */
export function PartialDependenceChart({
  feature,
  kind,
  explained,
  points,
}: {
  feature: string;
  kind: 'NUMERIC' | 'CATEGORICAL';
  explained: string;
  points: readonly DependencePoint[];
}) {
  if (points.length === 0) return <p className="chart-empty muted">No points were computed for {feature}.</p>;
  const ys = points.map((p) => p.y);
  const low = Math.min(...ys);
  const high = Math.max(...ys);
  const pad = (high - low || Math.abs(high) || 1) * 0.1;
  const min = low - pad;
  const max = high + pad;
  const numeric = kind === 'NUMERIC' && points.every((p) => typeof p.x === 'number');
  const xs = numeric ? points.map((p) => p.x as number) : points.map((_, index) => index);
  const xLow = Math.min(...xs);
  const xHigh = Math.max(...xs);
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (value: number) =>
    numeric ? LEFT + ((value - xLow) / (xHigh - xLow || 1)) * plotW : LEFT + (plotW / points.length) * (value + 0.5);
  const y = (value: number) => TOP + plotH - ((value - min) / (max - min)) * plotH;
  const path = points.map((p, index) => `${index ? 'L' : 'M'}${x(xs[index] ?? 0).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
  const first = points[0];
  const last = points[points.length - 1];
  const label = `Partial dependence of ${explained} on ${feature}: from ${formatScore(first?.y ?? 0)} at ${feature} ${text(
    first?.x,
  )} to ${formatScore(last?.y ?? 0)} at ${text(last?.x)}; range ${formatScore(low)} to ${formatScore(high)}`;
  const xTicks = numeric ? [xLow, (xLow + xHigh) / 2, xHigh] : [];
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));

  return (
    <figure className="chart dependence-chart" data-testid="partial-dependence">
      <figcaption className="dependence-chart__title">
        <code>{feature}</code>
      </figcaption>
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <title>{label}</title>
        {[min + pad, (low + high) / 2, max - pad].map((tick) => (
          <g key={tick} aria-hidden="true">
            <line className="chart__grid" x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} />
            <text className="chart__tick" x={LEFT - 6} y={y(tick)} dy="0.32em" textAnchor="end">
              {formatScore(tick)}
            </text>
          </g>
        ))}
        {numeric
          ? xTicks.map((tick) => (
              <text key={tick} className="chart__tick" x={x(tick)} y={HEIGHT - BOTTOM + 16} textAnchor="middle" aria-hidden="true">
                {formatScore(tick)}
              </text>
            ))
          : points.map((p, index) =>
              index % labelEvery === 0 ? (
                <text key={index} className="chart__tick" x={x(index)} y={HEIGHT - BOTTOM + 16} textAnchor="middle" aria-hidden="true">
                  {truncate(text(p.x), 10)}
                </text>
              ) : null,
            )}
        {numeric ? <path className="dependence-chart__line" d={path} /> : null}
        {points.map((p, index) => (
          <circle key={index} className="dependence-chart__dot" cx={x(xs[index] ?? 0)} cy={y(p.y)} r={numeric ? 2.5 : 4.5}>
            <title>{`${feature} ${text(p.x)}: ${formatScore(p.y)}`}</title>
          </circle>
        ))}
      </svg>
      <ChartDataTable
        caption={`Partial dependence on ${feature}`}
        headers={[feature, explained]}
        rows={points.map((p) => [text(p.x), formatScore(p.y)])}
      />
    </figure>
  );
}
