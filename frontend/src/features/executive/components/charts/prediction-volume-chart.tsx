import { AxisBottom, AxisLeft } from '@visx/axis';
import { localPoint } from '@visx/event';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { BarStack } from '@visx/shape';
import { useState, type MouseEvent } from 'react';

import { ChartDataTable } from '@/components/charts/chart-data-table';
import { niceMax } from '@/lib/charts';
import { formatCompact, formatCount } from '@/lib/format';

const WIDTH = 640;
const HEIGHT = 200;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 44 };
const KEYS = ['realtime', 'batch'] as const;
const KEY_LABEL: Record<(typeof KEYS)[number], string> = { realtime: 'Real-time', batch: 'Batch' };

export type VolumeDay = { day: string; realtime: number; batch: number; total: number };

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "2026-11-05" (a UTC day) → "Nov 5" in the viewer's locale. */
function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : dayLabel.format(date);
}

/**
 * Predictions per UTC day, real-time stacked under batch (visx). Hovering a day shows its
 * figures under the chart; the table beside it carries every number for screen readers.
 */
export function PredictionVolumeChart({ days }: { days: readonly VolumeDay[] }) {
  const [hovered, setHovered] = useState<VolumeDay | null>(null);
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = scaleBand<string>({ domain: days.map((d) => d.day), range: [0, innerWidth], padding: 0.25 });
  const max = niceMax(Math.max(0, ...days.map((d) => d.total)));
  const y = scaleLinear<number>({ domain: [0, max], range: [innerHeight, 0], nice: false });
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  const total = days.reduce((sum, d) => sum + d.total, 0);
  const summary = `Predictions per day over ${days.length} days: ${formatCount(total)} in all, real-time and batch stacked`;

  function onMove(event: MouseEvent<SVGRectElement>) {
    const point = localPoint(event);
    if (!point) return;
    const scale = WIDTH / (event.currentTarget.ownerSVGElement?.getBoundingClientRect().width || WIDTH);
    const index = Math.floor(((point.x * scale - MARGIN.left) / innerWidth) * days.length);
    setHovered(days[Math.min(days.length - 1, Math.max(0, index))] ?? null);
  }

  return (
    <figure className="chart exec-volume-chart">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {y.ticks(3).map((tick) => (
            <line key={tick} className="chart__grid" x1={0} x2={innerWidth} y1={y(tick)} y2={y(tick)} />
          ))}
          <BarStack<VolumeDay, (typeof KEYS)[number]>
            data={[...days]}
            keys={[...KEYS]}
            x={(d) => d.day}
            xScale={x}
            yScale={y}
            color={(key) => key}
          >
            {(stacks) =>
              stacks.map((stack) =>
                stack.bars.map((bar) =>
                  bar.height > 0 ? (
                    <rect
                      key={`${stack.key}-${bar.index}`}
                      className={`exec-volume-chart__bar exec-volume-chart__bar--${stack.key}`}
                      data-testid={`volume-bar-${stack.key}`}
                      x={bar.x}
                      y={bar.y}
                      width={bar.width}
                      height={bar.height}
                    />
                  ) : null,
                ),
              )
            }
          </BarStack>
          {hovered ? (
            <rect
              className="exec-volume-chart__focus"
              x={(x(hovered.day) ?? 0) - 2}
              y={0}
              width={x.bandwidth() + 4}
              height={innerHeight}
            />
          ) : null}
          <AxisLeft
            scale={y}
            numTicks={3}
            hideAxisLine
            hideTicks
            tickFormat={(value) => formatCompact(Number(value))}
            tickClassName="chart__tick"
            tickLabelProps={{ className: 'chart__tick', fontSize: 10.5, textAnchor: 'end', dx: -4, dy: '0.32em' }}
          />
          <AxisBottom
            top={innerHeight}
            scale={x}
            hideTicks
            axisClassName="exec-volume-chart__axis"
            tickValues={days.filter((_, index) => index % labelEvery === 0).map((d) => d.day)}
            tickFormat={formatDay}
            tickLabelProps={{ className: 'chart__tick', fontSize: 10.5, textAnchor: 'middle' }}
          />
          <rect
            className="exec-volume-chart__hit"
            width={innerWidth}
            height={innerHeight}
            onMouseMove={onMove}
            onMouseLeave={() => setHovered(null)}
          />
        </Group>
      </svg>
      <figcaption className="chart__caption muted exec-volume-chart__caption">
        <span className="exec-legend" aria-hidden="true">
          {KEYS.map((key) => (
            <span key={key} className="exec-legend__key">
              <span className={`exec-legend__swatch exec-volume-chart__bar--${key}`} />
              {KEY_LABEL[key]}
            </span>
          ))}
        </span>
        <span aria-live="polite" data-testid="volume-readout">
          {hovered
            ? `${formatDay(hovered.day)}: ${formatCount(hovered.realtime)} real-time, ${formatCount(hovered.batch)} batch`
            : 'Point at a day for its figures.'}
        </span>
      </figcaption>
      <ChartDataTable
        caption="Predictions per day"
        headers={['Day (UTC)', 'Real-time', 'Batch', 'Total']}
        rows={days.map((d) => [formatDay(d.day), formatCount(d.realtime), formatCount(d.batch), formatCount(d.total)])}
      />
    </figure>
  );
}
