import type { LeaderboardEntryFieldsFragment } from '@/gql/graphql';
import { cn } from '@/lib/cn';

import { rankOrder } from '../lib/leaderboard';
import { bestEntry, formatLatencyMs, formatRowsPerSecond, formatScore, formatSeconds } from '../lib/models-format';

/** Every candidate model with its validation score and timings, best first; once the job
 * has chosen what serves, each model's holdout score, one-row latency and throughput, and
 * the served model marked. */
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
  const measured = ranked.some((entry) => entry.predictMsPerRow != null);
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
            {measured ? (
              <>
                <th scope="col" className="table__number">
                  Holdout {metric}
                </th>
                <th scope="col" className="table__number">
                  1-row latency
                </th>
                <th scope="col" className="table__number">
                  Throughput
                </th>
              </>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {ranked.map((entry) => (
            <tr key={`${entry.rank}-${entry.modelName}`} className={cn(entry === best && 'models-table__row--best')}>
              <td className="table__number">{entry.rank}</td>
              <th scope="row" className="models-table__model">
                {entry.modelName}
                {entry === best ? <span className="models-table__best">best</span> : null}
                {entry.served ? (
                  <span className="models-table__served" title="The model the registered version serves">
                    serves
                  </span>
                ) : null}
              </th>
              <td className="table__number">{formatScore(entry.scoreValidation)}</td>
              <td className="table__number">{formatSeconds(entry.fitTimeSeconds)}</td>
              <td className="table__number">{formatSeconds(entry.predictTimeSeconds)}</td>
              {measured ? (
                <>
                  <td className="table__number">{formatScore(entry.scoreHoldout)}</td>
                  <td className="table__number">{formatLatencyMs(entry.predictMsPerRow)}</td>
                  <td className="table__number">{formatRowsPerSecond(entry.rowsPerSecond)}</td>
                </>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
