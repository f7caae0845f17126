import { graphql } from '@/gql';

export const AlertFieldsFragment = graphql(`
  fragment AlertFields on Alert {
    id
    modelVersionId
    kind
    feature
    metric
    severity
    status
    comparison
    value
    threshold
    window
    windowStart
    count
    createdAt
    lastSeenAt
    acknowledgedAt
    acknowledgeComment
    acknowledgedBy
    resolvedAt
    resolveComment
    resolvedBy
  }
`);

export const AlertsQuery = graphql(`
  query Alerts($status: AlertStatus, $first: Int!, $after: String) {
    alerts(status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...AlertFields
        }
      }
    }
  }
`);

export const AcknowledgeAlertMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!, $comment: String) {
    acknowledgeAlert(id: $id, comment: $comment) {
      ...AlertFields
    }
  }
`);

export const ResolveAlertMutation = graphql(`
  mutation ResolveAlert($id: ID!, $comment: String) {
    resolveAlert(id: $id, comment: $comment) {
      ...AlertFields
    }
  }
`);

export const AlertEventsSubscription = graphql(`
  subscription AlertEvents {
    alerts {
      type
      alert {
        ...AlertFields
      }
    }
  }
`);

/** The name an alert's version goes by ("Churn v3"); one small cached query per version. */
export const AlertModelVersionQuery = graphql(`
  query AlertModelVersion($id: ID!) {
    modelVersion(id: $id) {
      id
      modelName
      version
    }
  }
`);

/** A change of status moves an alert between the filtered lists: refetch them all. */
export const ALERTS_CONTEXT = { additionalTypenames: ['Alert', 'AlertConnection'] };
