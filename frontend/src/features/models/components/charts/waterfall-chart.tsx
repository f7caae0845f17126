import { ChartDataTable } from '@/components/charts/chart-data-table';
import { truncate } from '@/lib/charts';
import { cn } from '@/lib/cn';

import { formatScore } from '../../lib/models-format';
import { buildWaterfall, type WaterfallStep } from '../../lib/waterfall';

const WIDTH = 720;
const ROW = 26;
const LABEL = 220;
const VALUE = 90;
const AXIS = 22;

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${formatScore(Math.abs(value))}`;
}

/**
 * One prediction explained (SHAP): from the base value (the model's output for a typical
 * input), each feature's contribution as a bar from where the previous ended, largest
 * first, the rest as "other features", down to this row's output. Up bars push towards a
 * higher output, down bars towards a lower one.
 */
export function WaterfallChart({
  explanation,
  explained,
  rowLabel,
}: {
  explanation: { baseValue: number; output: number; contributions: readonly { feature: string; value?: unknown; contribution: number }[] };
  explained: string;
  rowLabel: string;
}) {
  const waterfall = buildWaterfall(explanation);
  const points = [waterfall.base, waterfall.output, ...waterfall.steps.flatMap((s) => [s.start, s.end])];
  const low = Math.min(...points);
  const high = Math.max(...points);
  const pad = (high - low || 1) * 0.06;
  const min = low - pad;
  const max = high + pad;
  const x = (value: number) => LABEL + ((value - min) / (max - min)) * (WIDTH - LABEL - VALUE);
  const rows: { kind: 'base' | 'step' | 'output'; step?: WaterfallStep }[] = [
    { kind: 'base' },
    ...waterfall.steps.map((step) => ({ kind: 'step' as const, step })),
    { kind: 'output' },
  ];
  const height = rows.length * ROW + AXIS;
  const top = waterfall.steps[0];
  const label = `Why ${rowLabel}: ${explained} goes from ${formatScore(waterfall.base)} (typical input) to ${formatScore(
    waterfall.output,
  )}${top ? `; the largest push is ${top.label} (${signed(top.contribution)})` : ''}`;

  return (
    <figure className="chart waterfall">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        {[waterfall.base, waterfall.output].map((value, index) => (
          <line
            key={index}
            className="waterfall__guide"
            x1={x(value)}
            x2={x(value)}
            y1={0}
            y2={height - AXIS}
            aria-hidden="true"
          />
        ))}
        {rows.map((row, index) => {
          const y = index * ROW;
          const middle = y + ROW / 2;
          if (row.kind !== 'step' || !row.step) {
            const value = row.kind === 'base' ? waterfall.base : waterfall.output;
            return (
              <g key={row.kind} data-testid={`waterfall-${row.kind}`}>
                <text className="chart__label waterfall__total" x={LABEL - 10} y={middle} dy="0.32em" textAnchor="end">
                  {row.kind === 'base' ? 'Typical input (base value)' : 'This row (output)'}
                </text>
                <circle className="waterfall__dot" cx={x(value)} cy={middle} r={5} />
                <text className="chart__value" x={WIDTH - VALUE + 10} y={middle} dy="0.32em">
                  {formatScore(value)}
                </text>
              </g>
            );
          }
          const step = row.step;
          const left = Math.min(x(step.start), x(step.end));
          const up = step.contribution >= 0;
          return (
            <g key={step.label} data-testid="waterfall-step" data-direction={up ? 'up' : 'down'}>
              <title>{`${step.label}${step.value !== null ? ` = ${step.value}` : ''}: ${signed(step.contribution)}`}</title>
              <text className="chart__label" x={LABEL - 10} y={middle} dy="0.32em" textAnchor="end" aria-hidden="true">
                {step.value !== null ? `${truncate(step.label, 16)} = ${truncate(step.value, 10)}` : step.label}
              </text>
              <rect
                className={cn('waterfall__bar', up ? 'waterfall__bar--up' : 'waterfall__bar--down', step.others > 0 && 'waterfall__bar--other')}
                x={left}
                y={y + 5}
                width={Math.max(2, Math.abs(x(step.end) - x(step.start)))}
                height={ROW - 10}
                rx={2}
              />
              <text className="chart__value" x={WIDTH - VALUE + 10} y={middle} dy="0.32em" aria-hidden="true">
                {signed(step.contribution)}
              </text>
            </g>
          );
        })}
        <text className="chart__tick" x={LABEL} y={height - 6} textAnchor="start" aria-hidden="true">
          {`← lower ${explained}`}
        </text>
        <text className="chart__tick" x={WIDTH - VALUE} y={height - 6} textAnchor="end" aria-hidden="true">
          {`higher →`}
        </text>
      </svg>
      <ChartDataTable
        caption={`Contributions to ${rowLabel}`}
        headers={['Step', 'Value', 'Contribution', 'Running total']}
        rows={[
          ['Base value', '', '', formatScore(waterfall.base)],
          ...waterfall.steps.map((s) => [s.label, s.value ?? '', signed(s.contribution), formatScore(s.end)]),
          ['Output', '', '', formatScore(waterfall.output)],
        ]}
      />
    </figure>
  );
}
