import type {
  LeaderboardEntryFieldsFragment,
  ModelVersionQuery,
  ModelVersionSummaryFieldsFragment,
  TrainingJobQuery,
  TrainingJobSummaryFieldsFragment,
  TrainingOptionsQuery,
  TrainingProgressSubscription,
} from '@/gql/graphql';

import { gqlData } from './mock-fetch';

type Job = NonNullable<TrainingJobQuery['trainingJob']>;
type Version = NonNullable<ModelVersionQuery['modelVersion']>;

/** A leaderboard row before the job has scored and timed its models for serving. */
export const NOT_MEASURED = {
  scoreHoldout: null,
  predictMsPerRow: null,
  rowsPerSecond: null,
  served: false,
  refitModelName: null,
  finalFit: true,
} as const;

export const testLeaderboard: LeaderboardEntryFieldsFragment[] = [
  { rank: 1, modelName: 'WeightedEnsemble_L2', scoreValidation: 0.912, fitTimeSeconds: 1.2, predictTimeSeconds: 0.05, ...NOT_MEASURED },
  { rank: 2, modelName: 'LightGBM_BAG_L1', scoreValidation: 0.897, fitTimeSeconds: 8.4, predictTimeSeconds: 0.12, ...NOT_MEASURED },
  { rank: 3, modelName: 'RandomForest_BAG_L1', scoreValidation: 0.861, fitTimeSeconds: 3.1, predictTimeSeconds: 0.3, ...NOT_MEASURED },
];

export function testJob(overrides: Partial<TrainingJobSummaryFieldsFragment> = {}): TrainingJobSummaryFieldsFragment {
  return {
    id: 'job_1',
    status: 'SUCCEEDED',
    progress: 1,
    message: 'Done',
    modelName: 'Customer churn · churn',
    dataset: { id: 'ds_1' },
    datasetName: 'Customer churn',
    target: 'churn',
    requestedTaskType: 'AUTO',
    taskType: 'BINARY',
    metric: 'roc_auc',
    higherIsBetter: true,
    engine: 'AUTOGLUON',
    timeBudgetSeconds: 60,
    createdAt: '2025-03-02T09:00:00Z',
    createdBy: 'Ada Lovelace',
    leaderboard: testLeaderboard,
    ...overrides,
  };
}

export function testJobDetail(overrides: Partial<Job> = {}): Job {
  return {
    ...testJob(),
    error: null,
    errorCode: null,
    excludedColumns: ['payment_method'],
    servingChoice: 'FIT_TO_SERVE',
    forecast: null,
    droppedColumns: [{ column: 'customer_id', reason: 'An identifier: every value is distinct.' }],
    attempt: 1,
    maxAttempts: 3,
    startedAt: '2025-03-02T09:00:05Z',
    finishedAt: '2025-03-02T09:01:10Z',
    featureImportance: [
      { feature: 'tenure_months', importance: 0.081, stddev: 0.006 },
      { feature: 'monthly_charges', importance: 0.032, stddev: null },
    ],
    metrics: [
      { name: 'roc_auc', value: 0.905 },
      { name: 'accuracy', value: 0.81 },
    ],
    modelVersion: { id: 'mv_1', modelName: 'Customer churn · churn', version: 3, stage: 'NONE' },
    ...overrides,
  };
}

export function testVersion(overrides: Partial<ModelVersionSummaryFieldsFragment> = {}): ModelVersionSummaryFieldsFragment {
  return {
    id: 'mv_1',
    modelId: 'mdl_1',
    modelName: 'Customer churn · churn',
    version: 3,
    stage: 'STAGING',
    stageChangedAt: '2025-03-03T09:00:00Z',
    engine: 'autogluon',
    taskType: 'BINARY',
    target: 'churn',
    metric: 'roc_auc',
    higherIsBetter: true,
    metrics: [
      { name: 'roc_auc', value: 0.905 },
      { name: 'accuracy', value: 0.81 },
    ],
    createdAt: '2025-03-02T09:01:10Z',
    createdBy: 'Ada Lovelace',
    bestModelName: 'WeightedEnsemble_L2',
    servingModel: 'WeightedEnsemble_L2_FULL',
    servingReason: null,
    ...overrides,
  };
}

export function testVersionDetail(overrides: Partial<Version> = {}): Version {
  return {
    ...testVersion(),
    bestModelName: 'WeightedEnsemble_L2',
    servingModel: 'LightGBM_FULL',
    servingReason: 'LightGBM_FULL: holdout roc_auc 0.903 vs best 0.905 (WeightedEnsemble_L2; difference within noise, p=0.41); 0.9 ms vs 41 ms per row',
    predictMsPerRow: 0.92,
    predictRowsPerSecond: 310_000,
    features: [
      { name: 'tenure_months', type: 'NUMERIC' },
      { name: 'payment_method', type: 'CATEGORICAL' },
    ],
    classes: ['No', 'Yes'],
    dataset: { id: 'ds_1', name: 'Customer churn' },
    datasetName: 'Customer churn',
    datasetContentHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    trainingJob: { id: 'job_1', status: 'SUCCEEDED' },
    artifactBytes: 5_242_880,
    ...overrides,
  };
}

export const testTrainingOptions: TrainingOptionsQuery['trainingOptions'] = {
  limits: { minBudgetSeconds: 10, maxBudgetSeconds: 3600, maxConcurrentJobs: 2 },
  metrics: [
    { name: 'roc_auc', description: 'Area under the ROC curve.', higherIsBetter: true, taskTypes: ['BINARY'] },
    { name: 'log_loss', description: 'Logarithmic loss.', higherIsBetter: false, taskTypes: ['BINARY', 'MULTICLASS'] },
    { name: 'accuracy', description: 'Share of rows classified right.', higherIsBetter: true, taskTypes: ['BINARY', 'MULTICLASS'] },
    { name: 'rmse', description: 'Root mean squared error.', higherIsBetter: false, taskTypes: ['REGRESSION'] },
    { name: 'r2', description: 'Coefficient of determination.', higherIsBetter: true, taskTypes: ['REGRESSION'] },
    { name: 'average_precision', description: 'Average precision of the anomaly score.', higherIsBetter: true, taskTypes: ['ANOMALY_DETECTION'] },
  ],
  defaultMetrics: { BINARY: 'roc_auc', MULTICLASS: 'accuracy', REGRESSION: 'rmse', ANOMALY_DETECTION: 'average_precision' },
  engines: ['AUTOGLUON', 'H2O'],
};

export function trainingEvent(
  overrides: Partial<TrainingProgressSubscription['trainingProgress']> = {},
): TrainingProgressSubscription['trainingProgress'] {
  return {
    jobId: 'job_1',
    sequence: 1,
    status: 'RUNNING',
    progress: 0.2,
    message: 'Fitting LightGBM_BAG_L1',
    error: null,
    leaderboard: [],
    modelVersionId: null,
    occurredAt: '2025-03-02T09:00:10Z',
    ...overrides,
  };
}

function page<T extends { id: string }>(key: string, nodes: T[], total: number, next: string | null) {
  return gqlData({
    [key]: {
      totalCount: total,
      pageInfo: { hasNextPage: next !== null, endCursor: next },
      edges: nodes.map((node) => ({ cursor: node.id, node })),
    },
  });
}

/** A `TrainingJobs` answer. */
export function jobsPage(jobs: TrainingJobSummaryFieldsFragment[], { total = jobs.length, next = null as string | null } = {}) {
  return page('trainingJobs', jobs, total, next);
}

/** A `ModelVersions` answer. */
export function versionsPage(
  versions: ModelVersionSummaryFieldsFragment[],
  { total = versions.length, next = null as string | null } = {},
) {
  return page('modelVersions', versions, total, next);
}
