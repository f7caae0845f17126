import { graphql } from '@/gql';

export const DataSubjectRequestFieldsFragment = graphql(`
  fragment DataSubjectRequestFields on DataSubjectRequest {
    id
    kind
    status
    subjectId
    subjectKind
    subjectEmail
    identifierColumn
    identifierValue
    reason
    requestedBy
    decidedBy
    decidedAt
    decisionNote
    executedBy
    executedAt
    createdAt
    report
    reportJsonUrl
    reportCsvUrl
    matches {
      searchedAt
      predictionRows
      predictionBatches
      datasets {
        datasetId
        name
        versionNumber
        rows
      }
      modelVersions {
        modelVersionId
        model
        version
        rows
      }
    }
    modelsToRetrain {
      modelVersionId
      model
      version
      stage
      datasetName
    }
  }
`);

export const DataSubjectRequestsQuery = graphql(`
  query DataSubjectRequests($first: Int!, $after: String) {
    viewer {
      id
    }
    dataSubjectRequests(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...DataSubjectRequestFields
        }
      }
    }
  }
`);

export const CreateDataSubjectRequestMutation = graphql(`
  mutation CreateDataSubjectRequest($input: CreateDataSubjectRequestInput!) {
    createDataSubjectRequest(input: $input) {
      ...DataSubjectRequestFields
    }
  }
`);

export const ApproveDataSubjectRequestMutation = graphql(`
  mutation ApproveDataSubjectRequest($id: ID!, $note: String) {
    approveDataSubjectRequest(id: $id, note: $note) {
      ...DataSubjectRequestFields
    }
  }
`);

export const RejectDataSubjectRequestMutation = graphql(`
  mutation RejectDataSubjectRequest($id: ID!, $note: String) {
    rejectDataSubjectRequest(id: $id, note: $note) {
      ...DataSubjectRequestFields
    }
  }
`);

export const ExecuteDataSubjectRequestMutation = graphql(`
  mutation ExecuteDataSubjectRequest($id: ID!) {
    executeDataSubjectRequest(id: $id) {
      ...DataSubjectRequestFields
    }
  }
`);
