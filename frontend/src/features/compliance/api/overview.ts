import { graphql } from '@/gql';

export const ComplianceOverviewQuery = graphql(`
  query ComplianceOverview {
    complianceOverview {
      generatedAt
      auditChain {
        lastVerifiedAt
        lastVerificationPassed
        lastCheckpointSeq
        lastCheckpointSignedAt
        lastCheckpointAgeHours
      }
      dataSubjectRequests {
        id
        kind
        status
        createdAt
        dueAt
        daysLeft
      }
      modelsAwaitingApproval {
        modelVersionId
        modelName
        version
      }
      modelsLackingReport {
        model {
          modelVersionId
          modelName
          version
        }
        newestReportAt
      }
      modelsWithFairnessFlags {
        modelVersionId
        modelName
        version
      }
      modelsWithDriftAlerts {
        modelVersionId
        modelName
        version
      }
      retention {
        isSet
        detailsDays
        updatedAt
        lastPurgeAt
      }
      sso {
        configured
        required
        lastChangedAt
      }
    }
  }
`);

/** The same nudge the executive overview listens to (a request, promotion or alert changed). */
export const ComplianceOverviewUpdatesSubscription = graphql(`
  subscription ComplianceOverviewUpdates {
    overviewUpdates {
      topic
      occurredAt
    }
  }
`);
