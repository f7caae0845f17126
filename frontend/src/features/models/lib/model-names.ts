/**
 * Engine model names in people's words (mirrors backend/phantom/automl/leaderboard.py):
 * `WeightedEnsemble_L3_FULL` → "Weighted ensemble, refit on all data". The engine's name stays
 * on hover and in the API.
 */
const FAMILIES: readonly (readonly [string, string])[] = [
  ['WeightedEnsemble', 'Weighted ensemble'],
  ['StackedEnsemble', 'Stacked ensemble'],
  ['LightGBMXT', 'LightGBM (extra trees)'],
  ['LightGBMLarge', 'LightGBM (large)'],
  ['LightGBM', 'LightGBM'],
  ['CatBoost', 'CatBoost'],
  ['XGBoost', 'XGBoost'],
  ['RandomForest', 'Random forest'],
  ['ExtraTrees', 'Extra trees'],
  ['KNeighbors', 'Nearest neighbours'],
  ['NeuralNetTorch', 'Neural network'],
  ['NeuralNetFastAI', 'Neural network'],
  ['LinearModel', 'Linear model'],
  ['GBM', 'Gradient boosting'],
  ['DRF', 'Random forest'],
  ['XRT', 'Extra trees'],
  ['GLM', 'Linear model'],
  ['DeepLearning', 'Neural network'],
  ['IsolationForest', 'Isolation forest'],
];

export const REFIT_SUFFIX = '_FULL';

export function plainModelName(name: string): string {
  const refit = name.endsWith(REFIT_SUFFIX);
  const base = refit ? name.slice(0, -REFIT_SUFFIX.length) : name;
  const family = FAMILIES.find(([prefix]) => base.startsWith(prefix))?.[1] ?? base.replace(/_(BAG_)?L\d+$/, '');
  return refit ? `${family}, refit on all data` : family;
}

/** The candidate a served model stands for: a refit (`X_FULL`) is its parent `X`. */
export function candidateOf(name: string): string {
  return name.endsWith(REFIT_SUFFIX) ? name.slice(0, -REFIT_SUFFIX.length) : name;
}

/**
 * Why the registry's served model and the leaderboard's best differ, in one sentence, or null when
 * they are the same candidate (the best itself, or its refit on all the data).
 */
export function servedVersusBest(best: string | null | undefined, served: string | null | undefined): string | null {
  if (!best || !served || candidateOf(served) === candidateOf(best)) return null;
  return `Serves ${plainModelName(served)} rather than the leaderboard's best (${plainModelName(best)}): it scored as well on held-back data and answers faster.`;
}

/** What "validation" and "holdout" scores are, for hints beside them. */
export const SCORE_HINTS = {
  validation:
    'Validation score: measured by the engine on data it set aside while choosing among models. It ranks the leaderboard.',
  holdout:
    'Holdout score: measured once at the end on data no model saw during training, so usually the fairer estimate. The registry shows this one.',
} as const;
