import { graphql } from '@/gql';

export const ExecutiveOverviewQuery = graphql(`
  query ExecutiveOverview($period: Int!) {
    executiveOverview(period: $period) {
      periodDays
      since
      until
      modelsInProduction {
        modelVersionId
        modelName
        version
        owner
        businessLine
        inProductionSince
        lastValidatedAt
      }
      predictionVolume {
        days {
          day
          realtime
          batch
          total
        }
        realtimeTotal
        batchTotal
        total
        previousTotal
        trend
      }
      openAlerts {
        severity
        count
      }
      pendingApprovals {
        count
        oldestRequestedAt
        oldestAgeHours
      }
      training {
        jobs
        succeeded
        finished
        successRate
        computeSeconds
      }
    }
  }
`);

/** A nudge that a figure may have changed: the page refetches the overview. */
export const OverviewUpdatesSubscription = graphql(`
  subscription OverviewUpdates {
    overviewUpdates {
      topic
      occurredAt
    }
  }
`);
