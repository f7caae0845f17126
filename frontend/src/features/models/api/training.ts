import { graphql } from '@/gql';

export const LeaderboardEntryFieldsFragment = graphql(`
  fragment LeaderboardEntryFields on LeaderboardEntry {
    rank
    modelName
    scoreValidation
    fitTimeSeconds
    predictTimeSeconds
    scoreHoldout
    predictMsPerRow
    rowsPerSecond
    served
    refitModelName
    finalFit
  }
`);

/** What the training jobs list shows of each job (and the job page's header). */
export const TrainingJobSummaryFieldsFragment = graphql(`
  fragment TrainingJobSummaryFields on TrainingJob {
    id
    status
    progress
    message
    modelName
    dataset {
      id
    }
    datasetName
    target
    requestedTaskType
    taskType
    metric
    higherIsBetter
    engine
    timeBudgetSeconds
    createdAt
    createdBy
    leaderboard {
      ...LeaderboardEntryFields
    }
  }
`);

export const TrainingJobsQuery = graphql(`
  query TrainingJobs($first: Int!, $after: String, $status: JobStatus) {
    trainingJobs(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...TrainingJobSummaryFields
        }
      }
    }
  }
`);

export const TrainingJobQuery = graphql(`
  query TrainingJob($id: ID!) {
    trainingJob(id: $id) {
      ...TrainingJobSummaryFields
      error
      errorCode
      excludedColumns
      servingChoice
      forecast {
        timeColumn
        seriesIdColumn
        horizon
        intervalLevel
      }
      droppedColumns {
        column
        reason
      }
      attempt
      maxAttempts
      startedAt
      finishedAt
      featureImportance {
        feature
        importance
        stddev
      }
      metrics {
        name
        value
      }
      modelVersion {
        id
        modelName
        version
        stage
      }
    }
  }
`);

export const TrainingProgressSubscription = graphql(`
  subscription TrainingProgress($jobId: ID!) {
    trainingProgress(jobId: $jobId) {
      jobId
      sequence
      status
      progress
      message
      error
      leaderboard {
        ...LeaderboardEntryFields
      }
      modelVersionId
      occurredAt
    }
  }
`);

export const TrainingOptionsQuery = graphql(`
  query TrainingOptions {
    trainingOptions {
      limits {
        minBudgetSeconds
        maxBudgetSeconds
        maxConcurrentJobs
      }
      metrics {
        name
        description
        higherIsBetter
        taskTypes
      }
      defaultMetrics
      engines
    }
  }
`);

/** The datasets a job can train on (only READY ones are offered; the connection has no status filter). */
export const TrainingDatasetsQuery = graphql(`
  query TrainingDatasets($first: Int!, $after: String) {
    datasets(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
          status
          rowCount
          columnCount
        }
      }
    }
  }
`);

/** The chosen dataset's columns and suggested targets, for the training form. */
export const TrainingDatasetQuery = graphql(`
  query TrainingDataset($id: ID!) {
    dataset(id: $id) {
      id
      name
      status
      profile {
        suggestedTargets {
          column
          taskType
          reason
        }
        columns {
          name
          type
          distinctCount
          missingPercent
        }
      }
    }
  }
`);

export const StartTrainingMutation = graphql(`
  mutation StartTraining($input: StartTrainingInput!) {
    startTraining(input: $input) {
      ...TrainingJobSummaryFields
    }
  }
`);

export const CancelTrainingMutation = graphql(`
  mutation CancelTraining($id: ID!) {
    cancelTraining(id: $id) {
      id
      status
      progress
      message
      error
      errorCode
      finishedAt
    }
  }
`);

/** Lets urql's document cache refetch job lists after a mutation, even when a list was empty. */
export const TRAINING_CONTEXT = { additionalTypenames: ['TrainingJob', 'TrainingJobConnection'] };
