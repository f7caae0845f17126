import { graphql } from '@/gql';

export const AuditEventFieldsFragment = graphql(`
  fragment AuditEventFields on AuditEvent {
    id
    seq
    occurredAt
    action
    actionLabel
    outcome
    resourceType
    resourceId
    resource {
      type
      id
      name
      path
    }
    requestId
    detailsState
    details
    actor {
      type
      userId
      label
      displayName
      erased
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

/** Every labelled action code, for the action filter's suggestions. */
export const AuditActionLabelsQuery = graphql(`
  query AuditActionLabels {
    auditActionLabels {
      code
      label
    }
  }
`);

/** Members matching a name or email, for the person filter. */
export const AuditPeopleQuery = graphql(`
  query AuditPeople($search: String) {
    members(first: 8, search: $search) {
      edges {
        node {
          id
          displayName
          email
        }
      }
    }
  }
`);
