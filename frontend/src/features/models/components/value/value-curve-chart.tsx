import { AxisBottom, AxisLeft } from '@visx/axis';
import { localPoint } from '@visx/event';
import { Group } from '@visx/group';
import { scaleLinear } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { useState, type MouseEvent } from 'react';

import { ChartDataTable } from '@/components/charts/chart-data-table';

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 16, bottom: 30, left: 64 };

export type CurvePoint = { threshold: number; valuePerPrediction: number };

/**
 * The value per prediction at each threshold (visx), the chosen and the best threshold
 * marked. Clicking the chart picks the threshold under the pointer (the slider beside it
 * does the same from the keyboard); the table carries every point for screen readers.
 */
export function ValueCurveChart({
  curve,
  chosen,
  best,
  format,
  formatThreshold,
  onChoose,
}: {
  curve: readonly CurvePoint[];
  chosen: number | null;
  best: number | null;
  format: (value: number) => string;
  formatThreshold: (value: number) => string;
  onChoose?: (threshold: number) => void;
}) {
  const [hovered, setHovered] = useState<CurvePoint | null>(null);
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = curve.map((p) => p.valuePerPrediction);
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const pad = (high - low) * 0.08 || 1;
  const x = scaleLinear<number>({ domain: [0, 1], range: [0, innerWidth] });
  const y = scaleLinear<number>({ domain: [low - (low < 0 ? pad : 0), high + pad], range: [innerHeight, 0], nice: true });
  const at = (threshold: number | null) =>
    threshold === null ? null : curve.reduce((a, b) => (Math.abs(b.threshold - threshold) < Math.abs(a.threshold - threshold) ? b : a), curve[0]!);
  const chosenPoint = curve.length ? at(chosen) : null;
  const bestPoint = curve.length ? at(best) : null;
  const summary = `Value per prediction by threshold, from ${formatThreshold(0)} to ${formatThreshold(1)}${
    bestPoint ? `; best ${format(bestPoint.valuePerPrediction)} at ${formatThreshold(bestPoint.threshold)}` : ''
  }${chosenPoint ? `; chosen ${format(chosenPoint.valuePerPrediction)} at ${formatThreshold(chosenPoint.threshold)}` : ''}`;

  function pointAt(event: MouseEvent<SVGRectElement>): CurvePoint | null {
    const point = localPoint(event);
    if (!point || !curve.length) return null;
    const scale = WIDTH / (event.currentTarget.ownerSVGElement?.getBoundingClientRect().width || WIDTH);
    const threshold = Math.min(1, Math.max(0, x.invert(point.x * scale - MARGIN.left)));
    return at(threshold);
  }

  return (
    <figure className="chart value-curve">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {y.ticks(4).map((tick) => (
            <line key={tick} className={tick === 0 ? 'value-curve__zero' : 'chart__grid'} x1={0} x2={innerWidth} y1={y(tick)} y2={y(tick)} />
          ))}
          <LinePath<CurvePoint>
            data={[...curve]}
            x={(p) => x(p.threshold)}
            y={(p) => y(p.valuePerPrediction)}
            className="value-curve__line"
          />
          {bestPoint ? (
            <g data-testid="curve-best">
              <line className="value-curve__best-rule" x1={x(bestPoint.threshold)} x2={x(bestPoint.threshold)} y1={0} y2={innerHeight} />
              <circle className="value-curve__best" cx={x(bestPoint.threshold)} cy={y(bestPoint.valuePerPrediction)} r={5} />
              <text className="chart__value" x={x(bestPoint.threshold) + 6} y={10}>
                {`best ${formatThreshold(bestPoint.threshold)}`}
              </text>
            </g>
          ) : null}
          {chosenPoint ? (
            <g data-testid="curve-chosen">
              <line className="value-curve__chosen-rule" x1={x(chosenPoint.threshold)} x2={x(chosenPoint.threshold)} y1={0} y2={innerHeight} />
              <circle className="value-curve__chosen" cx={x(chosenPoint.threshold)} cy={y(chosenPoint.valuePerPrediction)} r={5} />
              <text className="chart__value" x={x(chosenPoint.threshold) + 6} y={24}>
                {`chosen ${formatThreshold(chosenPoint.threshold)}`}
              </text>
            </g>
          ) : null}
          {hovered ? (
            <circle className="value-curve__hover" cx={x(hovered.threshold)} cy={y(hovered.valuePerPrediction)} r={4} />
          ) : null}
          <AxisLeft
            scale={y}
            numTicks={4}
            hideAxisLine
            hideTicks
            tickFormat={(value) => format(Number(value))}
            tickLabelProps={{ className: 'chart__tick', fontSize: 10.5, textAnchor: 'end', dx: -4, dy: '0.32em' }}
          />
          <AxisBottom
            top={innerHeight}
            scale={x}
            numTicks={10}
            hideTicks
            axisClassName="value-curve__axis"
            tickFormat={(value) => formatThreshold(Number(value))}
            tickLabelProps={{ className: 'chart__tick', fontSize: 10.5, textAnchor: 'middle' }}
          />
          <rect
            className="value-curve__hit"
            width={innerWidth}
            height={innerHeight}
            onMouseMove={(event) => setHovered(pointAt(event))}
            onMouseLeave={() => setHovered(null)}
            onClick={(event) => {
              const point = pointAt(event);
              if (point && onChoose) onChoose(point.threshold);
            }}
          />
        </Group>
      </svg>
      <figcaption className="chart__caption muted value-curve__caption">
        <span className="value-legend" aria-hidden="true">
          <span className="value-legend__key">
            <span className="value-legend__swatch value-legend__swatch--chosen" /> chosen
          </span>
          <span className="value-legend__key">
            <span className="value-legend__swatch value-legend__swatch--best" /> best
          </span>
        </span>
        <span aria-live="polite" data-testid="curve-readout">
          {hovered
            ? `Threshold ${formatThreshold(hovered.threshold)}: ${format(hovered.valuePerPrediction)} per prediction${onChoose ? ' (click to choose it)' : ''}`
            : 'Point at the curve for the value at a threshold.'}
        </span>
      </figcaption>
      <ChartDataTable
        caption="Value per prediction at each threshold"
        headers={['Threshold', 'Value per prediction']}
        rows={curve.map((p) => [formatThreshold(p.threshold), format(p.valuePerPrediction)])}
      />
    </figure>
  );
}
