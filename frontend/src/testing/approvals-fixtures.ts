import type { PromotionRequestFieldsFragment } from '@/gql/graphql';

import { gqlData } from './mock-fetch';

/** The default policy of a new organization: production needs a second person. */
export const defaultPolicy = {
  productionRequiresApproval: true,
  stagingRequiresApproval: false,
  requestTtlHours: 168,
  isDefault: true,
  updatedAt: null,
};

export const noApprovalPolicy = { ...defaultPolicy, productionRequiresApproval: false, isDefault: false, updatedAt: '2025-03-01T09:00:00Z' };

export function testPromotionRequest(overrides: Partial<PromotionRequestFieldsFragment> = {}): PromotionRequestFieldsFragment {
  return {
    id: 'pr_1',
    modelVersionId: 'mv_1',
    modelName: 'Customer churn · churn',
    version: 3,
    stage: 'PRODUCTION',
    justification: 'Beats v2 on holdout AUC; fairness report is clean.',
    status: 'PENDING',
    requestedAt: '2025-03-03T09:00:00Z',
    requestedBy: 'Grace Hopper',
    expiresAt: '2999-01-01T00:00:00Z',
    decidedAt: null,
    decidedBy: null,
    comment: null,
    reportSha256: null,
    reportId: null,
    servingThreshold: null,
    canDecide: true,
    ...overrides,
  };
}

export function requestsPage(requests: PromotionRequestFieldsFragment[]) {
  return gqlData({
    promotionRequests: {
      totalCount: requests.length,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: requests.map((node, index) => ({ cursor: `c${index}`, node })),
    },
  });
}

/** The ModelVersionApprovals answer for version mv_1. */
export function versionApprovals(requests: PromotionRequestFieldsFragment[], id = 'mv_1') {
  return gqlData({ modelVersion: { id, approvals: requests } });
}
