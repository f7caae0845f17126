import { graphql } from '@/gql';

export const ModelHealthFieldsFragment = graphql(`
  fragment ModelHealthFields on ModelHealth {
    modelVersionId
    window
    since
    hasReference
    status
    predictions
    latestWindowStart
    metric
    outcomes
    drift {
      feature
      kind
      psi
      distance
      distanceName
      status
      importance
      rows
      bins {
        label
        referenceShare
        currentShare
      }
    }
    predictionDrift {
      feature
      kind
      psi
      distance
      distanceName
      status
      importance
      rows
      bins {
        label
        referenceShare
        currentShare
      }
    }
    performance {
      name
      value
    }
    estimatedPerformance {
      name
      value
    }
    referencePerformance {
      name
      value
    }
    thresholds {
      psiWarn
      psiAlert
      minRows
    }
    windows {
      start
      end
      predictions
      calls
      failed
      errorRate
      latencyP50Ms
      latencyP99Ms
      status
      predictionPsi
      outcomes
      drift {
        feature
        psi
        status
      }
      performance {
        name
        value
      }
      estimatedPerformance {
        name
        value
      }
    }
  }
`);

export const ModelHealthQuery = graphql(`
  query ModelHealth($modelVersionId: ID!, $window: HealthWindow!) {
    modelHealth(modelVersionId: $modelVersionId, window: $window) {
      ...ModelHealthFields
    }
  }
`);

export const RefreshModelHealthMutation = graphql(`
  mutation RefreshModelHealth($modelVersionId: ID!) {
    refreshModelHealth(modelVersionId: $modelVersionId) {
      ...ModelHealthFields
    }
  }
`);

/** One version's alerts in a status (the Monitoring tab asks for the open ones). */
export const ModelOpenAlertsQuery = graphql(`
  query ModelOpenAlerts($status: AlertStatus!, $modelVersionId: ID!) {
    alerts(status: $status, first: 100, modelVersionId: $modelVersionId) {
      totalCount
      edges {
        node {
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
          createdAt
          lastSeenAt
        }
      }
    }
  }
`);

/** A refresh can open alerts: lists of alerts refetch after it. */
export const MONITORING_CONTEXT = { additionalTypenames: ['ModelHealth', 'Alert', 'AlertConnection'] };
