import { ChartDataTable } from '@/components/charts/chart-data-table';
import { niceMax, truncate } from '@/lib/charts';
import { cn } from '@/lib/cn';
import { formatStat } from '@/lib/format';

import { formatRate, fourFifthsLine, measuresOf, type FairnessReport } from '../../lib/fairness-format';

const WIDTH = 640;
const HEIGHT = 240;
const LEFT = 52;
const RIGHT = 12;
const TOP = 14;
const BOTTOM = 40;

/**
 * Per group of one protected attribute, its rates side by side (selection rate, true and
 * false positive rates; regression: mean prediction and error), with the four-fifths line
 * across: four fifths of the highest selection rate. Groups too small to judge are drawn
 * faded and marked, never hidden.
 */
export function FairnessChart({ report }: { report: FairnessReport }) {
  const measures = measuresOf(report);
  if (measures.length === 0 || report.groups.length === 0) {
    return <p className="chart-empty muted">No group measures were computed for {report.attribute}.</p>;
  }
  const rates = measures.some((m) => m.key !== 'meanPrediction' && m.key !== 'error');
  const format = rates ? formatRate : formatStat;
  const line = fourFifthsLine(report);
  const values = report.groups.flatMap((g) => measures.map((m) => g[m.key]).filter((v): v is number => typeof v === 'number'));
  const max = rates ? 1 : niceMax(Math.max(0, ...values));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const step = plotW / report.groups.length;
  const barWidth = Math.max(4, Math.min(30, (step * 0.75) / measures.length));
  const y = (value: number) => TOP + plotH - (Math.min(max, Math.max(0, value)) / max) * plotH;
  const cx = (index: number) => LEFT + step * index + step / 2;
  const ticks = [0, max / 2, max];
  const summary = `${report.attribute}: ${report.groups
    .map((g) => `${g.group} ${measures.map((m) => `${m.label.toLowerCase()} ${format(g[m.key])}`).join(', ')}${g.tooSmall ? ' (too small to judge)' : ''}`)
    .join('; ')}${line !== null ? `; four-fifths line ${formatRate(line)}` : ''}`;

  return (
    <figure className="chart fairness-chart">
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
        {report.groups.map((group, index) => (
          <g
            key={group.group}
            className={cn('fairness-chart__group', group.tooSmall && 'fairness-chart__group--small')}
            data-testid="fairness-group"
            data-too-small={group.tooSmall ? 'true' : undefined}
          >
            {measures.map((measure, measureIndex) => {
              const value = group[measure.key];
              if (typeof value !== 'number') return null;
              return (
                <rect
                  key={measure.key}
                  className={cn('window-chart__bar', `chart__series--${measure.tone}`)}
                  data-testid={`fairness-bar-${measure.key}`}
                  x={cx(index) - (barWidth * measures.length) / 2 + barWidth * measureIndex}
                  y={y(value)}
                  width={barWidth - 2}
                  height={Math.max(value > 0 ? 1 : 0, y(0) - y(value))}
                  rx={2}
                >
                  <title>{`${group.group}: ${measure.label.toLowerCase()} ${format(value)}`}</title>
                </rect>
              );
            })}
            <text className="chart__label" x={cx(index)} y={HEIGHT - BOTTOM + 16} textAnchor="middle" aria-hidden="true">
              {truncate(group.group, 16)}
            </text>
            <text className="chart__tick" x={cx(index)} y={HEIGHT - BOTTOM + 30} textAnchor="middle" aria-hidden="true">
              {group.tooSmall ? `n=${group.size} · too small` : `n=${group.size.toLocaleString()}`}
            </text>
          </g>
        ))}
        {line !== null ? (
          <g data-testid="four-fifths-line">
            <line className="fairness-chart__line" x1={LEFT} x2={WIDTH - RIGHT} y1={y(line)} y2={y(line)} />
            <text className="chart__value fairness-chart__label" x={LEFT + 4} y={y(line) - 5} textAnchor="start">
              {`four fifths of the highest selection rate: ${formatRate(line)}`}
            </text>
          </g>
        ) : null}
      </svg>
      <figcaption className="chart__caption muted">
        <span className="window-chart__legend" aria-hidden="true">
          {measures.map((m) => (
            <span key={m.key} className="window-chart__key">
              <span className={cn('window-chart__swatch', `chart__series--${m.tone}`)} />
              {m.label}
            </span>
          ))}
          {line !== null ? (
            <span className="window-chart__key">
              <span className="window-chart__swatch fairness-chart__swatch--line" />
              Four-fifths line
            </span>
          ) : null}
        </span>
        Faded groups have too few holdout rows to judge: shown, but left out of the disparities.
      </figcaption>
      <ChartDataTable
        caption={`Fairness of ${report.attribute} per group`}
        headers={['Group', 'Holdout rows', ...measures.map((m) => m.label)] as [string, string, ...string[]]}
        rows={report.groups.map((g) => [
          g.tooSmall ? `${g.group} (too small to judge)` : g.group,
          g.size.toLocaleString(),
          ...measures.map((m) => format(g[m.key])),
        ])}
      />
    </figure>
  );
}
