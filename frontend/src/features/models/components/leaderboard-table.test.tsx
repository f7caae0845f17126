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
    const served = within(table).getByRole('rowheader', { name: /^LightGBM/ });
    // people's words, with the engine's name on hover
    expect(within(served).getByText('LightGBM')).toHaveAttribute('title', 'LightGBM_BAG_L1');
    expect(within(served).getByText('serves')).toBeInTheDocument();
    expect(served.closest('tr')).toHaveTextContent('0.9030.92 ms310,400 rows/s');
    expect(within(table).getAllByText('serves')).toHaveLength(1);
    expect(within(table).getByRole('rowheader', { name: /^Weighted ensemble/ }).closest('tr')).toHaveTextContent(
      '41 ms20,100 rows/s',
    );
  });

  it('shows a refit as part of its model, never as an unscored row, and trial models below', () => {
    const entries = [
      {
        ...testLeaderboard[0]!,
        refitModelName: 'WeightedEnsemble_L2_FULL',
        scoreHoldout: 0.8442,
        predictMsPerRow: 3,
        rowsPerSecond: 9000,
        served: true,
      },
      { ...testLeaderboard[1]!, rank: 2, finalFit: true },
      { ...testLeaderboard[2]!, rank: 3, modelName: 'WeightedEnsemble_L3', finalFit: false },
    ];
    render(<LeaderboardTable entries={entries} metric="accuracy" higherIsBetter />);

    const table = screen.getByRole('table', { name: /^Leaderboard: candidate models/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(table).not.toHaveTextContent('_FULL');
    expect(table).not.toHaveTextContent('no score');
    expect(rows[0]).toHaveTextContent('Weighted ensemblebestservesserved as its refit on all data0.912');
    expect(within(rows[0]!).getByText('Weighted ensemble')).toHaveAttribute(
      'title',
      'WeightedEnsemble_L2; refit: WeightedEnsemble_L2_FULL',
    );
    expect(rows[2]).toHaveTextContent('tried while combining models; not a candidate');
    // the two scores say what they are
    expect(within(table).getByRole('columnheader', { name: 'Validation accuracy' })).toHaveAttribute(
      'title',
      expect.stringMatching(/^Validation score: measured by the engine on data it set aside/),
    );
    expect(within(table).getByRole('columnheader', { name: 'Holdout accuracy' })).toHaveAttribute(
      'title',
      expect.stringMatching(/no model saw during training/),
    );
  });

  it('leaves the serving columns out while nothing is measured yet', () => {
    render(<LeaderboardTable entries={testLeaderboard} metric="roc_auc" higherIsBetter />);

    const table = screen.getByRole('table', { name: /^Leaderboard: candidate models/ });
    expect(within(table).queryByRole('columnheader', { name: '1-row latency' })).not.toBeInTheDocument();
    expect(within(table).queryByText('serves')).not.toBeInTheDocument();
  });
});
