import type { ModelVersionFairnessQuery } from '@/gql/graphql';

export type FairnessReport = NonNullable<ModelVersionFairnessQuery['modelVersion']>['fairness'][number];
export type FairnessGroup = FairnessReport['groups'][number];

/** The share of the highest selection rate below which the four-fifths rule flags a group. */
export const FOUR_FIFTHS = 0.8;

export type GroupMeasure = {
  key: 'selectionRate' | 'truePositiveRate' | 'falsePositiveRate' | 'accuracy' | 'meanPrediction' | 'error';
  label: string;
  tone: 'brand' | 'accent' | 'danger' | 'muted';
};

const CLASSIFIER: readonly GroupMeasure[] = [
  { key: 'selectionRate', label: 'Selection rate', tone: 'brand' },
  { key: 'truePositiveRate', label: 'True positive rate', tone: 'accent' },
  { key: 'falsePositiveRate', label: 'False positive rate', tone: 'danger' },
];
const MULTICLASS: readonly GroupMeasure[] = [{ key: 'accuracy', label: 'Accuracy', tone: 'brand' }];
const REGRESSION: readonly GroupMeasure[] = [
  { key: 'meanPrediction', label: 'Mean prediction', tone: 'brand' },
  { key: 'error', label: 'Mean absolute error', tone: 'danger' },
];

/** The bars a report can draw: the measures some group has a value for, in a fixed order. */
export function measuresOf(report: FairnessReport): GroupMeasure[] {
  const has = (m: GroupMeasure) => report.groups.some((g) => typeof g[m.key] === 'number');
  const classifier = CLASSIFIER.filter(has);
  if (classifier.length > 0) return classifier;
  const regression = REGRESSION.filter(has);
  return regression.length > 0 ? regression : MULTICLASS.filter(has);
}

/**
 * Four fifths of the highest selection rate among the groups large enough to judge: a group
 * whose selection rate falls below it is evidence of adverse impact. Null without rates.
 */
export function fourFifthsLine(report: FairnessReport): number | null {
  const rates = report.groups
    .filter((g) => !g.tooSmall && typeof g.selectionRate === 'number')
    .map((g) => g.selectionRate as number);
  return rates.length >= 2 ? Math.max(...rates) * FOUR_FIFTHS : null;
}

/** Groups judged and below the line: the ones the flag is about. */
export function belowLine(report: FairnessReport): string[] {
  const line = fourFifthsLine(report);
  if (line === null) return [];
  return report.groups.filter((g) => !g.tooSmall && (g.selectionRate ?? Infinity) < line).map((g) => g.group);
}

export const MEASURE_LABEL: Record<string, string> = {
  demographic_parity_ratio: 'Demographic parity ratio',
  demographic_parity_difference: 'Demographic parity difference',
  equalized_odds_difference: 'Equalized odds difference',
  mean_prediction_difference: 'Mean prediction difference',
  error_difference: 'Error difference',
};

export function measureLabel(measure: string): string {
  return MEASURE_LABEL[measure] ?? measure.replace(/_/g, ' ');
}

/** Rates as percentages ("42.1%"), other numbers with three significant digits. */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })}%`;
}
