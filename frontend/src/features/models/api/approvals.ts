import { graphql } from '@/gql';

/** Everything the approvals page and a version's history show of one request. */
export const PromotionRequestFieldsFragment = graphql(`
  fragment PromotionRequestFields on PromotionRequest {
    id
    modelVersionId
    modelName
    version
    stage
    justification
    status
    requestedAt
    requestedBy
    expiresAt
    decidedAt
    decidedBy
    comment
    reportSha256
    reportId
    servingThreshold
    canDecide
  }
`);

/** The threshold a version serves now: what a pending threshold change would replace. */
export const VersionServingThresholdQuery = graphql(`
  query VersionServingThreshold($id: ID!) {
    modelVersion(id: $id) {
      id
      servingThreshold
    }
  }
`);

/** Which stages need a second person's approval (models:read). */
export const PromotionPolicyQuery = graphql(`
  query PromotionPolicy {
    promotionPolicy {
      productionRequiresApproval
      stagingRequiresApproval
      requestTtlHours
      isDefault
      updatedAt
    }
  }
`);

/** A version's promotion requests and their decisions, newest first. */
export const ModelVersionApprovalsQuery = graphql(`
  query ModelVersionApprovals($id: ID!) {
    modelVersion(id: $id) {
      id
      approvals {
        ...PromotionRequestFields
      }
    }
  }
`);

export const PromotionRequestsQuery = graphql(`
  query PromotionRequests($status: PromotionStatus, $first: Int!, $after: String) {
    promotionRequests(status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...PromotionRequestFields
        }
      }
    }
  }
`);

/** The nav badge's first value; the subscription keeps it current. */
export const PendingPromotionCountQuery = graphql(`
  query PendingPromotionCount {
    pendingPromotionCount
  }
`);

export const PromotionRequestEventsSubscription = graphql(`
  subscription PromotionRequestEvents {
    promotionRequests {
      type
      pendingCount
      request {
        ...PromotionRequestFields
      }
    }
  }
`);

export const RequestPromotionMutation = graphql(`
  mutation RequestPromotion($input: RequestPromotionInput!) {
    requestPromotion(input: $input) {
      ...PromotionRequestFields
    }
  }
`);

export const DecidePromotionMutation = graphql(`
  mutation DecidePromotion($id: ID!, $approve: Boolean!, $comment: String) {
    decidePromotion(id: $id, approve: $approve, comment: $comment) {
      ...PromotionRequestFields
    }
  }
`);

export const WithdrawPromotionRequestMutation = graphql(`
  mutation WithdrawPromotionRequest($id: ID!) {
    withdrawPromotionRequest(id: $id) {
      ...PromotionRequestFields
    }
  }
`);

/**
 * A decision can move a version between stages (and archive the previous production
 * one): refetch requests, counts and versions alike.
 */
export const APPROVALS_CONTEXT = {
  additionalTypenames: ['PromotionRequest', 'PromotionRequestConnection', 'ModelVersion', 'ModelVersionConnection'],
};
