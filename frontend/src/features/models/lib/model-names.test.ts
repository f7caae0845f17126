import { describe, expect, it } from 'vitest';

import { candidateOf, plainModelName, servedVersusBest } from './model-names';

describe('model names in people words', () => {
  it('names families and refits plainly', () => {
    expect(plainModelName('WeightedEnsemble_L3_FULL')).toBe('Weighted ensemble, refit on all data');
    expect(plainModelName('WeightedEnsemble_L2')).toBe('Weighted ensemble');
    expect(plainModelName('LightGBMXT_BAG_L1')).toBe('LightGBM (extra trees)');
    expect(plainModelName('GBM_1_AutoML_1_20240101')).toBe('Gradient boosting');
    expect(plainModelName('MyCustom_L1')).toBe('MyCustom');
  });

  it('treats a refit as its parent candidate, and explains a different served model', () => {
    expect(candidateOf('WeightedEnsemble_L2_FULL')).toBe('WeightedEnsemble_L2');
    expect(servedVersusBest('WeightedEnsemble_L2', 'WeightedEnsemble_L2_FULL')).toBeNull();
    expect(servedVersusBest('WeightedEnsemble_L2', 'WeightedEnsemble_L2')).toBeNull();
    expect(servedVersusBest('WeightedEnsemble_L2', 'LightGBM_BAG_L1_FULL')).toBe(
      "Serves LightGBM, refit on all data rather than the leaderboard's best (Weighted ensemble): it scored as well on held-back data and answers faster.",
    );
  });
});
