import { graphql } from '@/gql';

/** What the model registry list shows of each version (and the version page's header). */
export const ModelVersionSummaryFieldsFragment = graphql(`
  fragment ModelVersionSummaryFields on ModelVersion {
    id
    modelId
    modelName
    version
    stage
    stageChangedAt
    engine
    taskType
    target
    metric
    higherIsBetter
    metrics {
      name
      value
    }
    createdAt
    createdBy
    bestModelName
    servingModel
    servingReason
  }
`);

export const ModelVersionsQuery = graphql(`
  query ModelVersions($first: Int!, $after: String, $stage: ModelStage) {
    modelVersions(first: $first, after: $after, stage: $stage) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...ModelVersionSummaryFields
        }
      }
    }
  }
`);

export const ModelVersionQuery = graphql(`
  query ModelVersion($id: ID!) {
    modelVersion(id: $id) {
      ...ModelVersionSummaryFields
      predictMsPerRow
      predictRowsPerSecond
      features {
        name
        type
      }
      classes
      dataset {
        id
        name
      }
      datasetName
      datasetContentHash
      trainingJob {
        id
        status
      }
      artifactBytes
    }
  }
`);

export const PromoteModelVersionMutation = graphql(`
  mutation PromoteModelVersion($id: ID!, $stage: ModelStage!) {
    promoteModelVersion(id: $id, stage: $stage) {
      ...ModelVersionSummaryFields
    }
  }
`);

export const PredictMutation = graphql(`
  mutation Predict($modelVersionId: ID!, $rows: JSON!, $explain: Boolean!) {
    predict(modelVersionId: $modelVersionId, rows: $rows, explain: $explain) {
      predictions
      probabilities
      scores
      target
      positiveClass
      warnings {
        row
        feature
        kind
        message
      }
      explanations {
        baseValue
        output
        explained
        method
        contributions {
          feature
          value
          contribution
        }
      }
    }
  }
`);

/** Promoting one version can archive another: refetch every list and page of versions. */
export const MODEL_VERSION_CONTEXT = { additionalTypenames: ['ModelVersion', 'ModelVersionConnection'] };
