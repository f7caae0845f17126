import { graphql } from '@/gql';

/** What the datasets list shows of each dataset. */
export const DatasetSummaryFieldsFragment = graphql(`
  fragment DatasetSummaryFields on Dataset {
    id
    name
    status
    error
    sourceFormat
    originalFilename
    sizeBytes
    rowCount
    columnCount
    createdAt
    createdBy
  }
`);

export const DatasetsQuery = graphql(`
  query Datasets($first: Int!, $after: String, $search: String) {
    datasets(first: $first, after: $after, search: $search) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...DatasetSummaryFields
        }
      }
    }
  }
`);

export const ColumnProfileFieldsFragment = graphql(`
  fragment ColumnProfileFields on ColumnProfile {
    name
    type
    missingCount
    missingPercent
    distinctCount
    min
    max
    mean
    std
    minText
    maxText
    histogram {
      lower
      upper
      count
    }
    topValues {
      value
      count
    }
  }
`);

export const DatasetQuery = graphql(`
  query Dataset($id: ID!) {
    dataset(id: $id) {
      ...DatasetSummaryFields
      contentHash
      profile {
        rows
        profiledAt
        suggestedTargets {
          column
          taskType
          reason
        }
        columns {
          ...ColumnProfileFields
        }
      }
    }
  }
`);

/** Sent as a GraphQL multipart request (see upload-dataset.ts), not through urql. */
export const UploadDatasetMutation = graphql(`
  mutation UploadDataset($name: String!, $file: Upload!) {
    uploadDataset(name: $name, file: $file) {
      ...DatasetSummaryFields
    }
  }
`);

export const DeleteDatasetMutation = graphql(`
  mutation DeleteDataset($id: ID!) {
    deleteDataset(id: $id)
  }
`);

/** Lets urql's document cache refetch dataset queries after a mutation that returns no Dataset. */
export const DATASET_CONTEXT = { additionalTypenames: ['Dataset', 'DatasetConnection'] };

/** The first rows of a dataset, as text (at most 100; cells cut at 200 characters). */
export const DatasetPreviewQuery = graphql(`
  query DatasetPreview($id: ID!, $first: Int) {
    datasetPreview(id: $id, first: $first) {
      columns
      rows
      rowCount
    }
  }
`);
