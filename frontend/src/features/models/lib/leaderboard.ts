/** The leaderboard in rank order (1 = best first); entries without a rank order keep theirs. */
export function rankOrder<T extends { rank: number }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => a.rank - b.rank);
}

/** Says which way the bars read; the chart's caption and its text alternative use it. */
export function leaderboardCaption(metric: string, higherIsBetter: boolean): string {
  return higherIsBetter
    ? `Validation ${metric} per model. Higher is better: the longest bar is the best model.`
    : `Validation ${metric} per model. Lower is better: the shortest bar is the best model.`;
}
