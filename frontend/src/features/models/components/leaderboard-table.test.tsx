import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { testLeaderboard } from '@/testing/models-fixtures';

import { LeaderboardTable } from './leaderboard-table';

describe('LeaderboardTable', () => {
  it('shows each model’s holdout score, one-row latency and throughput, and marks the served model', () => {
    const measured = [
      { ...testLeaderboard[0]!, scoreHoldout: 0.905, predictMsPerRow: 41.2, rowsPerSecond: 20_113, served: false },
      { ...testLeaderboard[1]!, scoreHoldout: 0.903, predictMsPerRow: 0.92, rowsPerSecond: 310_449, served: true },
      { ...testLeaderboard[2]!, scoreHoldout: 0.86, predictMsPerRow: 55, rowsPerSecond: 13_000, served: false },
    ];
    render(<LeaderboardTable entries={measured} metric="roc_auc" higherIsBetter />);

    const table = screen.getByRole('table', { name: /^Leaderboard: candidate models/ });
    const headers = within(table).getAllByRole('columnheader').map((th) => th.textContent);
    expect(headers).toEqual([
      'Rank',
      'Model',
      'Validation roc_auc',
      'Fit time',
      'Predict time',
      'Holdout roc_auc',
      '1-row latency',
      'Throughput',
    ]);
    const served = within(table).getByRole('rowheader', { name: /LightGBM_BAG_L1/ });
    expect(within(served).getByText('serves')).toBeInTheDocument();
    expect(served.closest('tr')).toHaveTextContent('0.9030.92 ms310,400 rows/s');
    expect(within(table).getAllByText('serves')).toHaveLength(1);
    expect(within(table).getByRole('rowheader', { name: /WeightedEnsemble_L2/ }).closest('tr')).toHaveTextContent(
      '41 ms20,100 rows/s',
    );
  });

  it('leaves the serving columns out while nothing is measured yet', () => {
    render(<LeaderboardTable entries={testLeaderboard} metric="roc_auc" higherIsBetter />);

    const table = screen.getByRole('table', { name: /^Leaderboard: candidate models/ });
    expect(within(table).queryByRole('columnheader', { name: '1-row latency' })).not.toBeInTheDocument();
    expect(within(table).queryByText('serves')).not.toBeInTheDocument();
  });
});
