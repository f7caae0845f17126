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
      monthStart
      valueThisMonth {
        model {
          modelVersionId
          modelName
          version
        }
        currency
        predictions
        valuePerPrediction
        expectedValue
        plannedMonthlyValue
        realizedPredictions
        realizedValue
        expectedValueOfRealized
        unavailable
      }
      valueTotals {
        currency
        expectedValue
        plannedMonthlyValue
        realizedValue
        expectedValueOfRealized
      }
    }
  }
`);
