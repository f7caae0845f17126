import { graphql } from '@/gql';

export const AuditEventFieldsFragment = graphql(`
  fragment AuditEventFields on AuditEvent {
    id
    seq
    occurredAt
    action
    outcome
    resourceType
    resourceId
    requestId
    detailsState
    details
    actor {
      type
      userId
      label
    }
    personalData {
      subjectId
      data
      erased
    }
  }
`);

export const AuditEventsQuery = graphql(`
  query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...AuditEventFields
        }
      }
    }
  }
`);

export const CheckpointFieldsFragment = graphql(`
  fragment CheckpointFields on AuditCheckpoint {
    seq
    headHash
    signedAt
    keyId
  }
`);

export const AuditChainQuery = graphql(`
  query AuditChain {
    auditChain {
      events
      signingKeyIds
      latestCheckpoint {
        ...CheckpointFields
      }
    }
  }
`);

export const VerifyAuditChainMutation = graphql(`
  mutation VerifyAuditChain {
    verifyAuditChain {
      ok
      events
      firstBadSeq
      reason
      checkpoint {
        ...CheckpointFields
      }
    }
  }
`);

export const ExportAuditLogMutation = graphql(`
  mutation ExportAuditLog($input: ExportAuditLogInput) {
    exportAuditLog(input: $input) {
      filename
      content
      fromSeq
      toSeq
      events
      checkpoint {
        ...CheckpointFields
      }
    }
  }
`);
