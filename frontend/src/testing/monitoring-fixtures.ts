import type { AlertFieldsFragment, ModelHealthFieldsFragment } from '@/gql/graphql';

import { ALL_PERMISSIONS, viewerWith } from './mock-data';

/** Everything, including what the Models-in-production screens need. */
export const monitoringViewer = viewerWith([...ALL_PERMISSIONS, 'alerts:manage', 'webhooks:manage']);

const bins = (reference: number[], current: number[]) =>
  reference.map((referenceShare, index) => ({
    label: index === reference.length - 1 ? 'missing' : `${index * 10} to ${(index + 1) * 10}`,
    referenceShare,
    currentShare: current[index] ?? 0,
  }));

type Window = ModelHealthFieldsFragment['windows'][number];

function window(hour: number, overrides: Partial<Window> = {}): Window {
  return {
    start: `2026-12-06T${String(hour).padStart(2, '0')}:00:00Z`,
    end: `2026-12-06T${String(hour + 1).padStart(2, '0')}:00:00Z`,
    predictions: 400,
    calls: 4,
    failed: 0,
    errorRate: 0,
    latencyP50Ms: 4,
    latencyP99Ms: 12,
    status: 'OK',
    predictionPsi: 0.02,
    outcomes: 0,
    drift: [
      { feature: 'tenure_months', psi: 0.01, status: 'OK' },
      { feature: 'payment_method', psi: 0.02, status: 'OK' },
    ],
    performance: [],
    estimatedPerformance: [{ name: 'roc_auc', value: 0.9 }],
    ...overrides,
  };
}

/** Three hours of traffic; the last one has tenure_months drifted (PSI 0.41) and outcomes. */
export function testHealth(overrides: Partial<ModelHealthFieldsFragment> = {}): ModelHealthFieldsFragment {
  return {
    modelVersionId: 'mv_1',
    window: 'HOUR',
    since: '2026-12-05T12:00:00Z',
    hasReference: true,
    status: 'ALERT',
    predictions: 1200,
    latestWindowStart: '2026-12-06T12:00:00Z',
    metric: 'roc_auc',
    outcomes: 150,
    drift: [
      {
        feature: 'payment_method',
        kind: 'categorical',
        psi: 0.03,
        distance: 0.05,
        distanceName: 'jensen_shannon',
        status: 'OK',
        importance: 0.02,
        rows: 400,
        bins: [
          { label: 'card', referenceShare: 0.6, currentShare: 0.58 },
          { label: 'transfer', referenceShare: 0.4, currentShare: 0.42 },
          { label: 'missing', referenceShare: 0, currentShare: 0 },
        ],
      },
      {
        feature: 'tenure_months',
        kind: 'numeric',
        psi: 0.41,
        distance: 0.32,
        distanceName: 'ks',
        status: 'ALERT',
        importance: 0.08,
        rows: 400,
        bins: bins([0.25, 0.25, 0.25, 0.25, 0], [0.05, 0.1, 0.25, 0.6, 0]),
      },
    ],
    predictionDrift: {
      feature: 'prediction',
      kind: 'probability',
      psi: 0.12,
      distance: 0.1,
      distanceName: 'ks',
      status: 'WARN',
      importance: null,
      rows: 400,
      bins: bins([0.5, 0.5, 0], [0.3, 0.7, 0]),
    },
    performance: [{ name: 'roc_auc', value: 0.86 }],
    estimatedPerformance: [{ name: 'roc_auc', value: 0.88 }],
    referencePerformance: [{ name: 'roc_auc', value: 0.912 }],
    thresholds: { psiWarn: 0.1, psiAlert: 0.25, minRows: 200 },
    windows: [
      window(10),
      window(11, { failed: 2, calls: 6, errorRate: 0.33, latencyP99Ms: 48 }),
      window(12, {
        status: 'ALERT',
        predictionPsi: 0.12,
        outcomes: 150,
        drift: [
          { feature: 'tenure_months', psi: 0.41, status: 'ALERT' },
          { feature: 'payment_method', psi: 0.03, status: 'OK' },
        ],
        performance: [{ name: 'roc_auc', value: 0.86 }],
        estimatedPerformance: [{ name: 'roc_auc', value: 0.88 }],
      }),
    ],
    ...overrides,
  };
}

export function testAlert(overrides: Partial<AlertFieldsFragment> = {}): AlertFieldsFragment {
  return {
    id: 'al_1',
    modelVersionId: 'mv_1',
    kind: 'FEATURE_DRIFT',
    feature: 'tenure_months',
    metric: null,
    severity: 'CRITICAL',
    status: 'OPEN',
    comparison: 'GTE',
    value: 0.41,
    threshold: 0.25,
    window: 'HOUR',
    windowStart: '2026-12-06T12:00:00Z',
    count: 1,
    createdAt: '2026-12-06T12:05:00Z',
    lastSeenAt: '2026-12-06T12:05:00Z',
    acknowledgedAt: null,
    acknowledgeComment: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolveComment: null,
    resolvedBy: null,
    ...overrides,
  };
}

/** The `alerts` connection as the server answers it. */
export function alertConnection(alerts: AlertFieldsFragment[]) {
  return {
    totalCount: alerts.length,
    pageInfo: { hasNextPage: false, endCursor: alerts.length ? `c${alerts.length}` : null },
    edges: alerts.map((node, index) => ({ cursor: `c${index + 1}`, node })),
  };
}
