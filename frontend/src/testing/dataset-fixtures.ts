import type { ColumnProfileFieldsFragment, DatasetQuery, DatasetSummaryFieldsFragment } from '@/gql/graphql';

import { gqlData } from './mock-fetch';

type Dataset = NonNullable<DatasetQuery['dataset']>;

export function testDataset(overrides: Partial<DatasetSummaryFieldsFragment> = {}): DatasetSummaryFieldsFragment {
  return {
    id: 'ds_1',
    name: 'Customer churn',
    status: 'READY',
    error: null,
    sourceFormat: 'csv',
    originalFilename: 'customer_churn.csv',
    sizeBytes: 977_501,
    rowCount: 7043,
    columnCount: 3,
    createdAt: '2025-03-01T10:00:00Z',
    createdBy: 'Grace Hopper',
    ...overrides,
  };
}

function column(overrides: Partial<ColumnProfileFieldsFragment> & Pick<ColumnProfileFieldsFragment, 'name' | 'type'>) {
  return {
    missingCount: 0,
    missingPercent: 0,
    distinctCount: 2,
    min: null,
    max: null,
    mean: null,
    std: null,
    minText: null,
    maxText: null,
    histogram: [],
    topValues: [],
    ...overrides,
  } satisfies ColumnProfileFieldsFragment;
}

export const testColumns: ColumnProfileFieldsFragment[] = [
  column({
    name: 'tenure_months',
    type: 'NUMERIC',
    missingCount: 11,
    missingPercent: 0.16,
    distinctCount: 73,
    min: 0,
    max: 72,
    mean: 32.37,
    std: 24.56,
    histogram: [
      { lower: 0, upper: 24, count: 3000 },
      { lower: 24, upper: 48, count: 2000 },
      { lower: 48, upper: 72, count: 2032 },
    ],
  }),
  column({
    name: 'payment_method',
    type: 'CATEGORICAL',
    missingCount: 2511,
    missingPercent: 35.65,
    distinctCount: 4,
    topValues: [
      { value: 'Electronic check', count: 2365 },
      { value: 'Mailed check', count: 1612 },
    ],
  }),
  column({
    name: 'churn',
    type: 'BOOLEAN',
    topValues: [
      { value: 'No', count: 5174 },
      { value: 'Yes', count: 1869 },
    ],
  }),
];

export function testDatasetDetail(overrides: Partial<Dataset> = {}): Dataset {
  return {
    ...testDataset(),
    contentHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    profile: {
      rows: 7043,
      profiledAt: '2025-03-01T10:01:00Z',
      suggestedTargets: [
        { column: 'churn', taskType: 'BINARY', reason: 'Two values with enough of each class to learn from.' },
        { column: 'tenure_months', taskType: 'REGRESSION', reason: 'Numeric with many distinct values.' },
      ],
      columns: testColumns,
    },
    ...overrides,
  };
}

/** A `Datasets` answer (one page of the connection). */
export function datasetsPage(
  datasets: DatasetSummaryFieldsFragment[],
  { total = datasets.length, next = null as string | null } = {},
) {
  return gqlData({
    datasets: {
      totalCount: total,
      pageInfo: { hasNextPage: next !== null, endCursor: next },
      edges: datasets.map((node) => ({ cursor: node.id, node })),
    },
  });
}
