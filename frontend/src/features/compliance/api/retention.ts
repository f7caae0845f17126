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

export const SetAuditRetentionPolicyMutation = graphql(`
  mutation SetAuditRetentionPolicy($detailsDays: Int) {
    setAuditRetentionPolicy(detailsDays: $detailsDays) {
      ...RetentionPolicyFields
    }
  }
`);
