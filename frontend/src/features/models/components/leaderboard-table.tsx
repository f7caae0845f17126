import type { LeaderboardEntryFieldsFragment } from '@/gql/graphql';
import { cn } from '@/lib/cn';

import { rankOrder } from '../lib/leaderboard';
import { plainModelName, SCORE_HINTS } from '../lib/model-names';
import { bestEntry, formatLatencyMs, formatRowsPerSecond, formatScore, formatSeconds } from '../lib/models-format';

/** Every candidate model with its validation score and timings, best first; once the job
 * has chosen what serves, each model's holdout score, one-row latency and throughput, and
 * the served model marked. Models read in people's words, the engine's name on hover; a refit
 * on all the data is part of its model's row, and models tried only while the engine combined
 * models stay listed below the candidates. */
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
            <th scope="col" className="table__number" title={SCORE_HINTS.validation}>
              <span className="term-hint">Validation {metric}</span>
            </th>
            <th scope="col" className="table__number">
              Fit time
            </th>
            <th scope="col" className="table__number">
              Predict time
            </th>
            {measured ? (
              <>
                <th scope="col" className="table__number" title={SCORE_HINTS.holdout}>
                  <span className="term-hint">Holdout {metric}</span>
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
            <tr
              key={`${entry.rank}-${entry.modelName}`}
              className={cn(entry === best && 'models-table__row--best', entry.finalFit === false && 'models-table__row--trial')}
            >
              <td className="table__number">{entry.rank}</td>
              <th scope="row" className="models-table__model">
                <span title={entry.refitModelName ? `${entry.modelName}; refit: ${entry.refitModelName}` : entry.modelName}>
                  {plainModelName(entry.modelName)}
                </span>
                {entry === best ? <span className="models-table__best">best</span> : null}
                {entry.served ? (
                  <span className="models-table__served" title="The model the registered version serves">
                    serves
                  </span>
                ) : null}
                {entry.refitModelName ? (
                  <span
                    className="models-table__sub"
                    title={`${entry.refitModelName}: the same model trained again on all the data, which is how it is served. It has no validation score of its own.`}
                  >
                    {entry.served ? 'served as its refit on all data' : 'refit on all data'}
                  </span>
                ) : null}
                {entry.finalFit === false ? (
                  <span className="models-table__sub">tried while combining models; not a candidate</span>
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
