import type { LeaderboardEntryFieldsFragment } from '@/gql/graphql';
import { cn } from '@/lib/cn';

import { rankOrder } from '../lib/leaderboard';
import { bestEntry, formatScore, formatSeconds } from '../lib/models-format';

/** Every candidate model with its validation score and timings, best first. */
export function LeaderboardTable({
  entries,
  metric,
  higherIsBetter,
}: {
  entries: readonly LeaderboardEntryFieldsFragment[];
  metric: string;
  higherIsBetter: boolean;
}) {
  const ranked = rankOrder(entries);
  const best = bestEntry(ranked);
  return (
    <div className="table-scroll">
      <table className="table models-table models-table--compact">
        <caption className="sr-only">
          Leaderboard: candidate models ranked by validation {metric} ({higherIsBetter ? 'higher' : 'lower'} is better)
        </caption>
        <thead>
          <tr>
            <th scope="col" className="table__number">
              Rank
            </th>
            <th scope="col">Model</th>
            <th scope="col" className="table__number">
              Validation {metric}
            </th>
            <th scope="col" className="table__number">
              Fit time
            </th>
            <th scope="col" className="table__number">
              Predict time
            </th>
          </tr>
        </thead>
        <tbody>
          {ranked.map((entry) => (
            <tr key={`${entry.rank}-${entry.modelName}`} className={cn(entry === best && 'models-table__row--best')}>
              <td className="table__number">{entry.rank}</td>
              <th scope="row" className="models-table__model">
                {entry.modelName}
                {entry === best ? <span className="models-table__best">best</span> : null}
              </th>
              <td className="table__number">{formatScore(entry.scoreValidation)}</td>
              <td className="table__number">{formatSeconds(entry.fitTimeSeconds)}</td>
              <td className="table__number">{formatSeconds(entry.predictTimeSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
