import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { NOT_MEASURED, testLeaderboard } from '@/testing/models-fixtures';

import { leaderboardCaption } from '../../lib/leaderboard';
import { FeatureImportanceChart } from './feature-importance-chart';
import { LeaderboardChart } from './leaderboard-chart';

function bars() {
  return screen.getAllByTestId('leaderboard-bar');
}

describe('LeaderboardChart', () => {
  it('draws the models in rank order with the best on top and highlighted', () => {
    const shuffled = [testLeaderboard[2]!, testLeaderboard[0]!, testLeaderboard[1]!];
    render(<LeaderboardChart entries={shuffled} metric="roc_auc" higherIsBetter />);

    expect(bars().map((bar) => bar.getAttribute('data-model'))).toEqual([
      'WeightedEnsemble_L2',
      'LightGBM_BAG_L1',
      'RandomForest_BAG_L1',
    ]);
    const [best, second] = bars();
    expect(best!.querySelector('rect')).toHaveClass('chart__bar--best');
    expect(second!.querySelector('rect')).not.toHaveClass('chart__bar--best');
    // Higher is better: the best bar is the longest.
    const width = (bar: Element) => Number(bar.querySelector('rect')?.getAttribute('width'));
    expect(width(best!)).toBeGreaterThan(width(second!));

    const chart = screen.getByRole('img', { name: /^Leaderboard by validation roc_auc, higher is better: best WeightedEnsemble_L2 0\.912; 3 models/ });
    expect(chart.querySelector('title')).toHaveTextContent('best WeightedEnsemble_L2');
    expect(screen.getByText('Validation roc_auc per model. Higher is better: the longest bar is the best model.')).toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'Leaderboard: validation roc_auc per model (higher is better)' });
    expect(within(table).getAllByRole('row').slice(1).map((row) => row.textContent)).toEqual([
      'WeightedEnsemble_L210.9121.2 s',
      'LightGBM_BAG_L120.8978.4 s',
      'RandomForest_BAG_L130.8613.1 s',
    ]);
  });

  it('says when lower is better: the shortest bar is the best model', () => {
    const rmse = [
      { rank: 2, modelName: 'CatBoost', scoreValidation: 4.8, fitTimeSeconds: null, predictTimeSeconds: null, ...NOT_MEASURED },
      { rank: 1, modelName: 'WeightedEnsemble_L2', scoreValidation: 3.9, fitTimeSeconds: null, predictTimeSeconds: null, ...NOT_MEASURED },
      { rank: 3, modelName: 'KNeighbors', scoreValidation: 7.5, fitTimeSeconds: null, predictTimeSeconds: null, ...NOT_MEASURED },
    ];
    render(<LeaderboardChart entries={rmse} metric="rmse" higherIsBetter={false} />);

    expect(bars().map((bar) => bar.getAttribute('data-model'))).toEqual(['WeightedEnsemble_L2', 'CatBoost', 'KNeighbors']);
    const [best, second, third] = bars().map((bar) => Number(bar.querySelector('rect')?.getAttribute('width')));
    expect(best).toBeLessThan(second!);
    expect(second).toBeLessThan(third!);
    expect(screen.getByText('Validation rmse per model. Lower is better: the shortest bar is the best model.')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /lower is better: best WeightedEnsemble_L2 3\.9/ })).toBeInTheDocument();
    expect(leaderboardCaption('rmse', false)).toMatch(/Lower is better/);
  });

  it('lists a model without a score but draws no bar for it', () => {
    render(
      <LeaderboardChart
        entries={[...testLeaderboard, { rank: 4, modelName: 'NeuralNet', scoreValidation: null, fitTimeSeconds: null, predictTimeSeconds: null, ...NOT_MEASURED }]}
        metric="roc_auc"
        higherIsBetter
      />,
    );
    const last = bars().at(-1)!;
    expect(last.getAttribute('data-model')).toBe('NeuralNet');
    expect(last.querySelector('rect')).toBeNull();
    expect(last).toHaveTextContent('no score');
  });

  it('says so when there are no models yet', () => {
    render(<LeaderboardChart entries={[]} metric="roc_auc" higherIsBetter />);
    expect(screen.getByText('No models on the leaderboard yet.')).toBeInTheDocument();
  });
});

describe('FeatureImportanceChart', () => {
  it('draws the largest first with whiskers where a standard deviation is known', () => {
    render(
      <FeatureImportanceChart
        metric="roc_auc"
        importances={[
          { feature: 'monthly_charges', importance: 0.032, stddev: null },
          { feature: 'tenure_months', importance: 0.081, stddev: 0.006 },
          { feature: 'gender', importance: -0.002, stddev: 0.001 },
        ]}
      />,
    );
    const bars = screen.getAllByTestId('importance-bar');
    expect(bars.map((bar) => bar.querySelector('title')?.textContent)).toEqual([
      'tenure_months: 0.081 ± 0.006',
      'monthly_charges: 0.032',
      'gender: -0.002 ± 0.001',
    ]);
    expect(screen.getAllByTestId('importance-whisker')).toHaveLength(2);
    expect(bars[2]!.querySelector('rect')).toHaveClass('chart__bar--negative');
    expect(screen.getByRole('img', { name: /^Feature importance, largest first: tenure_months 0\.081/ })).toBeInTheDocument();
    expect(screen.getByText(/Whiskers show ± one standard deviation/)).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Feature importance' })).toHaveTextContent('tenure_months0.0810.006');
  });
});
