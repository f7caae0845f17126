import { ChartDataTable } from '@/components/charts/chart-data-table';
import { niceMax } from '@/lib/charts';
import { cn } from '@/lib/cn';

const WIDTH = 520;
const HEIGHT = 220;
const LEFT = 58;
const RIGHT = 12;
const TOP = 10;
const BOTTOM = 26;

export type WindowSeries = {
  name: string;
  kind: 'bar' | 'line';
  /** chart__series--<tone>: colours the bars or the line and its legend swatch. */
  tone: 'brand' | 'danger' | 'muted' | 'accent';
  values: readonly (number | null)[];
};

/**
 * One value per window for each series, bars side by side and lines on top, over a shared
 * y axis from 0 (or from the lowest value when `fromZero` is false). `reference` draws a
 * dashed horizontal line (e.g. the training holdout score). Missing values leave gaps.
 */
export function WindowChart({
  title,
  labels,
  series,
  format,
  reference,
  fromZero = true,
  caption,
}: {
  title: string;
  labels: readonly string[];
  series: readonly WindowSeries[];
  format: (value: number) => string;
  reference?: { label: string; value: number } | null;
  fromZero?: boolean;
  caption?: string;
}) {
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (reference) values.push(reference.value);
  const high = values.length ? Math.max(...values) : 1;
  const lowest = values.length ? Math.min(...values) : 0;
  const max = fromZero ? niceMax(high) : high + (high - lowest) * 0.1 || high + 0.05;
  const min = fromZero ? 0 : Math.max(0, lowest - (high - lowest) * 0.1 || lowest - 0.05);
  const span = max - min || 1;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const step = labels.length ? plotW / labels.length : plotW;
  const y = (value: number) => TOP + plotH - ((Math.min(max, Math.max(min, value)) - min) / span) * plotH;
  const cx = (index: number) => LEFT + step * index + step / 2;
  const bars = series.filter((s) => s.kind === 'bar');
  const lines = series.filter((s) => s.kind === 'line');
  const barWidth = Math.max(2, Math.min(28, (step * 0.7) / Math.max(1, bars.length)));
  const ticks = [min, min + span / 2, max];
  const labelEvery = Math.max(1, Math.ceil(labels.length / 8));
  const summary = `${title}: ${series
    .map((s) => {
      const last = [...s.values].reverse().find((v) => v !== null);
      return `${s.name} latest ${last != null ? format(last) : 'none'}`;
    })
    .join(', ')}${reference ? `; ${reference.label} ${format(reference.value)}` : ''}`;

  return (
    <figure className="chart window-chart">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        {ticks.map((tick) => (
          <g key={tick} aria-hidden="true">
            <line className="chart__grid" x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} />
            <text className="chart__tick" x={LEFT - 6} y={y(tick)} dy="0.32em" textAnchor="end">
              {format(tick)}
            </text>
          </g>
        ))}
        {labels.map((label, index) =>
          index % labelEvery === 0 ? (
            <text key={index} className="chart__tick" x={cx(index)} y={HEIGHT - 8} textAnchor="middle" aria-hidden="true">
              {label}
            </text>
          ) : null,
        )}
        {bars.map((s, seriesIndex) =>
          s.values.map((value, index) =>
            value === null ? null : (
              <rect
                key={`${s.name}-${index}`}
                data-testid={`bar-${s.name}`}
                className={cn('window-chart__bar', `chart__series--${s.tone}`)}
                x={cx(index) - (barWidth * bars.length) / 2 + barWidth * seriesIndex}
                y={y(value)}
                width={barWidth - 1}
                height={Math.max(value > 0 ? 1 : 0, y(min) - y(value))}
                rx={2}
              >
                <title>{`${labels[index]}: ${s.name} ${format(value)}`}</title>
              </rect>
            ),
          ),
        )}
        {reference ? (
          <g data-testid="reference-line">
            <line className="window-chart__reference" x1={LEFT} x2={WIDTH - RIGHT} y1={y(reference.value)} y2={y(reference.value)} />
            <text className="chart__value" x={WIDTH - RIGHT} y={y(reference.value) - 5} textAnchor="end">
              {`${reference.label} ${format(reference.value)}`}
            </text>
          </g>
        ) : null}
        {lines.map((s) => {
          const points = s.values.map((value, index) => (value === null ? null : ([cx(index), y(value)] as const)));
          const segments: string[] = [];
          let current = '';
          for (const point of points) {
            if (point === null) {
              if (current) segments.push(current);
              current = '';
            } else current += `${current ? 'L' : 'M'}${point[0].toFixed(1)},${point[1].toFixed(1)}`;
          }
          if (current) segments.push(current);
          return (
            <g key={s.name} className={cn('window-chart__line', `chart__series--${s.tone}`)} data-testid={`line-${s.name}`}>
              {segments.map((d) => (
                <path key={d} d={d} />
              ))}
              {points.map((point, index) =>
                point ? (
                  <circle key={index} cx={point[0]} cy={point[1]} r={3}>
                    <title>{`${labels[index]}: ${s.name} ${format(s.values[index] ?? 0)}`}</title>
                  </circle>
                ) : null,
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__caption muted">
        <span className="window-chart__legend" aria-hidden="true">
          {series.map((s) => (
            <span key={s.name} className="window-chart__key">
              <span className={cn('window-chart__swatch', `chart__series--${s.tone}`, s.kind === 'line' && 'window-chart__swatch--line')} />
              {s.name}
            </span>
          ))}
          {reference ? (
            <span className="window-chart__key">
              <span className="window-chart__swatch window-chart__swatch--reference" />
              {reference.label}
            </span>
          ) : null}
        </span>
        {caption ? <span className="window-chart__caption-text">{caption}</span> : null}
      </figcaption>
      <ChartDataTable
        caption={title}
        headers={['Window', ...series.map((s) => s.name)] as [string, ...string[]] as [string, string, ...string[]]}
        rows={labels.map((label, index) => [label, ...series.map((s) => (s.values[index] != null ? format(s.values[index]) : '—'))])}
      />
    </figure>
  );
}
