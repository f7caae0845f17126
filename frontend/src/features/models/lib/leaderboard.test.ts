import { describe, expect, it } from 'vitest';

import { leaderboardCaption, rankOrder } from './leaderboard';

describe('leaderboard', () => {
  it('orders by rank without changing the input', () => {
    const input = [{ rank: 2 }, { rank: 1 }];
    expect(rankOrder(input)).toEqual([{ rank: 1 }, { rank: 2 }]);
    expect(input).toEqual([{ rank: 2 }, { rank: 1 }]);
  });

  it('says which way the bars read', () => {
    expect(leaderboardCaption('rmse', false)).toMatch(/Lower is better/);
    expect(leaderboardCaption('roc_auc', true)).toMatch(/Higher is better/);
  });
});
