import { graphql } from '@/gql';

export const RetentionPolicyFieldsFragment = graphql(`
  fragment RetentionPolicyFields on AuditRetentionPolicy {
    detailsDays
    updatedAt
    purgedThroughSeq
  }
`);

export const AuditRetentionPolicyQuery = graphql(`
  query AuditRetentionPolicy {
    auditRetentionPolicy {
      ...RetentionPolicyFields
    }
  }
`);

export const AuditPurgeHistoryQuery = graphql(`
  query AuditPurgeHistory {
    auditPurgeHistory(first: 20) {
      at
      throughSeq
      purged
      cutoff
      detailsDays
    }
    auditRetentionSchedule {
      intervalSeconds
      lastRunAt
      nextRunAt
    }
  }
`);

export const PredictionLogRetentionQuery = graphql(`
  query PredictionLogRetention {
    predictionLogRetention {
      days
      defaultDays
    }
  }
`);

export const SetPredictionLogRetentionMutation = graphql(`
  mutation SetPredictionLogRetention($days: Int) {
    setPredictionLogRetention(days: $days) {
      days
      defaultDays
    }
  }
`);

export const SetAuditRetentionPolicyMutation = graphql(`
  mutation SetAuditRetentionPolicy($detailsDays: Int) {
    setAuditRetentionPolicy(detailsDays: $detailsDays) {
      ...RetentionPolicyFields
    }
  }
`);
