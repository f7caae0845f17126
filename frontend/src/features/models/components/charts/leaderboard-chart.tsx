import { ChartDataTable } from '@/components/charts/chart-data-table';
import { truncate } from '@/lib/charts';
import type { LeaderboardEntryFieldsFragment } from '@/gql/graphql';
import { cn } from '@/lib/cn';

import { bestEntry, formatScore, formatSeconds } from '../../lib/models-format';
import { barScale } from '../../lib/bar-scale';
import { leaderboardCaption, rankOrder } from '../../lib/leaderboard';

const WIDTH = 720;
const ROW = 26;
const LABEL = 220;
const VALUE = 110;
const AXIS = 20;
export const LEADERBOARD_CHART_LIMIT = 20;

/**
 * Validation score per candidate model as horizontal bars, best (rank 1) on top and
 * highlighted. Bars are drawn to scale in the metric's own units, so for a metric where
 * lower is better (RMSE, log loss) the best model has the shortest bar; the caption says so.
 */
export function LeaderboardChart({
  entries,
  metric,
  higherIsBetter,
}: {
  entries: readonly LeaderboardEntryFieldsFragment[];
  metric: string;
  higherIsBetter: boolean;
}) {
  if (entries.length === 0) return <p className="chart-empty muted">No models on the leaderboard yet.</p>;
  const ranked = rankOrder(entries);
  const shown = ranked.slice(0, LEADERBOARD_CHART_LIMIT);
  const best = bestEntry(ranked);
  const scale = barScale(
    shown.flatMap((entry) => (typeof entry.scoreValidation === 'number' ? [entry.scoreValidation] : [])),
    LABEL,
    WIDTH - VALUE,
  );
  const height = shown.length * ROW + AXIS;
  const caption = leaderboardCaption(metric, higherIsBetter);
  const label = `Leaderboard by validation ${metric}, ${higherIsBetter ? 'higher' : 'lower'} is better: ${
    best ? `best ${best.modelName} ${formatScore(best.scoreValidation)}` : 'no best model'
  }; ${ranked.length} model${ranked.length === 1 ? '' : 's'}`;

  return (
    <figure className="chart chart--wide leaderboard-chart">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        {scale.ticks.map((tick) => (
          <g key={tick} aria-hidden="true">
            <line className="chart__grid" x1={scale.x(tick)} x2={scale.x(tick)} y1={0} y2={height - AXIS + 2} />
            <text className="chart__tick" x={scale.x(tick)} y={height - 4} textAnchor="middle">
              {formatScore(tick)}
            </text>
          </g>
        ))}
        {shown.map((entry, index) => {
          const y = index * ROW;
          const score = entry.scoreValidation;
          const isBest = entry === best;
          const hasScore = score !== null && score !== undefined;
          const end = hasScore ? scale.x(score) : scale.zero;
          return (
            <g key={`${entry.rank}-${entry.modelName}`} data-testid="leaderboard-bar" data-model={entry.modelName}>
              <title>
                {`#${entry.rank} ${entry.modelName}: ${hasScore ? formatScore(score) : 'no score'}${isBest ? ' (best)' : ''}`}
              </title>
              <text
                className={cn('chart__label', isBest && 'chart__label--best')}
                x={LABEL - 10}
                y={y + ROW / 2}
                dy="0.32em"
                textAnchor="end"
                aria-hidden="true"
              >
                {`${entry.rank}. ${truncate(entry.modelName, 26)}`}
              </text>
              {hasScore ? (
                <rect
                  className={cn('chart__bar', isBest && 'chart__bar--best')}
                  x={Math.min(scale.zero, end)}
                  y={y + 5}
                  width={Math.max(2, Math.abs(end - scale.zero))}
                  height={ROW - 10}
                  rx={3}
                />
              ) : null}
              <text
                className={cn('chart__value', isBest && 'chart__value--best')}
                x={WIDTH - VALUE + 10}
                y={y + ROW / 2}
                dy="0.32em"
                textAnchor="start"
                aria-hidden="true"
              >
                {hasScore ? formatScore(score) : 'no score'}
                {isBest ? ' · best' : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__caption muted">
        {caption}
        {ranked.length > shown.length ? ` Showing the top ${shown.length} of ${ranked.length}.` : ''}
      </figcaption>
      <ChartDataTable
        caption={`Leaderboard: validation ${metric} per model (${higherIsBetter ? 'higher' : 'lower'} is better)`}
        headers={['Model', 'Rank', `Validation ${metric}`, 'Fit time']}
        rows={ranked.map((entry) => [
          entry.modelName,
          String(entry.rank),
          formatScore(entry.scoreValidation),
          formatSeconds(entry.fitTimeSeconds),
        ])}
      />
    </figure>
  );
}
