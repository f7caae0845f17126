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
