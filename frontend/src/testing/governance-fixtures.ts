import type { ModelReportFieldsFragment, ModelVersionFairnessQuery, ModelVersionInsightsQuery } from '@/gql/graphql';

type Fairness = NonNullable<ModelVersionFairnessQuery['modelVersion']>['fairness'][number];
type Insights = NonNullable<ModelVersionInsightsQuery['modelVersion']>;

const group = (name: string, size: number, selectionRate: number, tooSmall = false) => ({
  group: name,
  size,
  tooSmall,
  selectionRate,
  truePositiveRate: selectionRate + 0.1,
  falsePositiveRate: selectionRate / 4,
  accuracy: 0.9,
  error: null,
  meanPrediction: null,
});

/** group: B selected far less often than A (flagged); site: one group too small, evaluated only. */
export const testFairness: Fairness[] = [
  {
    attribute: 'site',
    excludedFromFeatures: true,
    flagged: false,
    summary: 'Selection rates from 0.52 (north) to 0.55 (south): within four fifths.',
    groups: [group('north', 190, 0.52), group('south', 195, 0.55), group('islands', 12, 0.4, true)],
    disparities: [
      { measure: 'demographic_parity_ratio', value: 0.945, threshold: 0.8, flagged: false, positiveClass: null },
      { measure: 'equalized_odds_difference', value: 0.03, threshold: null, flagged: false, positiveClass: null },
    ],
  },
  {
    attribute: 'group',
    excludedFromFeatures: false,
    flagged: true,
    summary: 'B is selected at 0.30, A at 0.80: a ratio of 0.38, below four fifths.',
    groups: [group('A', 200, 0.8), group('B', 197, 0.3)],
    disparities: [
      { measure: 'demographic_parity_ratio', value: 0.375, threshold: 0.8, flagged: true, positiveClass: null },
      { measure: 'demographic_parity_difference', value: 0.5, threshold: null, flagged: false, positiveClass: null },
    ],
  },
];

export const testInsights: Insights = {
  id: 'mv_1',
  taskType: 'BINARY',
  metric: 'roc_auc',
  explanationSummary: {
    method: 'tree',
    explained: 'log-odds of churn = Yes',
    rows: 400,
    features: [
      { feature: 'tenure_months', meanAbsShap: 0.9 },
      { feature: 'payment_method', meanAbsShap: 0.2 },
    ],
  },
  trainingJob: {
    id: 'job_1',
    featureImportance: [
      { feature: 'tenure_months', importance: 0.081, stddev: 0.006 },
      { feature: 'payment_method', importance: 0.032, stddev: null },
    ],
  },
  metricIntervals: [
    { metric: 'roc_auc', value: 0.905, low: 0.88, high: 0.93, resamples: 1000 },
    { metric: 'accuracy', value: 0.81, low: 0.78, high: 0.84, resamples: 1000 },
  ],
  confusionMatrix: { labels: ['No', 'Yes'], matrix: [[300, 20], [40, 140]], threshold: 0.5, positiveClass: 'Yes' },
  partialDependence: [
    {
      feature: 'tenure_months',
      kind: 'NUMERIC',
      explained: 'probability of churn = Yes',
      points: [
        { x: 0, y: 0.7 },
        { x: 24, y: 0.4 },
        { x: 72, y: 0.1 },
      ],
    },
    {
      feature: 'payment_method',
      kind: 'CATEGORICAL',
      explained: 'probability of churn = Yes',
      points: [
        { x: 'Card', y: 0.2 },
        { x: 'Electronic check', y: 0.45 },
      ],
    },
  ],
};

export function testReport(overrides: Partial<ModelReportFieldsFragment> = {}): ModelReportFieldsFragment {
  return {
    id: 'rep_1',
    modelVersionId: 'mv_1',
    generatedAt: '2025-03-03T09:00:00Z',
    generatedBy: 'Ada Lovelace',
    htmlSha256: 'a'.repeat(64),
    pdfSha256: 'b'.repeat(64),
    bytes: 120_000,
    htmlUrl: '/api/v1/model-versions/mv_1/report.html?id=rep_1',
    pdfUrl: '/api/v1/model-versions/mv_1/report.pdf?id=rep_1',
    ...overrides,
  };
}
