import { graphql } from '@/gql';

/** What the version page shows of each batch prediction. */
export const BatchPredictionFieldsFragment = graphql(`
  fragment BatchPredictionFields on BatchPredictionJob {
    id
    status
    progress
    rowsScored
    rowsTotal
    message
    error
    datasetName
    createdAt
    finishedAt
    createdBy
    outputBytes
    csvUrl
    parquetUrl
  }
`);

export const BatchPredictionsQuery = graphql(`
  query BatchPredictions($modelVersionId: ID!, $first: Int!) {
    batchPredictions(modelVersionId: $modelVersionId, first: $first) {
      totalCount
      edges {
        node {
          ...BatchPredictionFields
        }
      }
    }
  }
`);

export const StartBatchPredictionMutation = graphql(`
  mutation StartBatchPrediction($input: StartBatchPredictionInput!) {
    startBatchPrediction(input: $input) {
      ...BatchPredictionFields
    }
  }
`);

export const CancelBatchPredictionMutation = graphql(`
  mutation CancelBatchPrediction($id: ID!) {
    cancelBatchPrediction(id: $id) {
      ...BatchPredictionFields
    }
  }
`);

export const BatchPredictionProgressSubscription = graphql(`
  subscription BatchPredictionProgress($jobId: ID!) {
    batchPredictionProgress(jobId: $jobId) {
      jobId
      sequence
      status
      progress
      rowsScored
      rowsTotal
      message
      error
      occurredAt
    }
  }
`);

/** Batch predictions change what the version page lists. */
export const BATCH_CONTEXT = { additionalTypenames: ['BatchPredictionJob'] };
