import { graphql } from '@/gql';

export const ModelReportFieldsFragment = graphql(`
  fragment ModelReportFields on ModelReport {
    id
    modelVersionId
    generatedAt
    generatedBy
    htmlSha256
    pdfSha256
    bytes
    htmlUrl
    pdfUrl
  }
`);

/** The Documentation tab: the editable fields and the reports generated so far. */
export const ModelVersionDocumentationQuery = graphql(`
  query ModelVersionDocumentation($id: ID!) {
    modelVersion(id: $id) {
      id
      intendedUse
      owner
      limitations
      reports(first: 20) {
        ...ModelReportFields
      }
    }
  }
`);

export const SetModelDocumentationMutation = graphql(`
  mutation SetModelDocumentation($input: SetModelDocumentationInput!) {
    setModelDocumentation(input: $input) {
      id
      intendedUse
      owner
      limitations
    }
  }
`);

export const GenerateModelReportMutation = graphql(`
  mutation GenerateModelReport($modelVersionId: ID!) {
    generateModelReport(modelVersionId: $modelVersionId) {
      ...ModelReportFields
    }
  }
`);

/** The Fairness tab. */
export const ModelVersionFairnessQuery = graphql(`
  query ModelVersionFairness($id: ID!) {
    modelVersion(id: $id) {
      id
      taskType
      fairness {
        attribute
        excludedFromFeatures
        flagged
        summary
        groups {
          group
          size
          tooSmall
          selectionRate
          truePositiveRate
          falsePositiveRate
          accuracy
          error
          meanPrediction
        }
        disparities {
          measure
          value
          threshold
          flagged
          positiveClass
        }
      }
    }
  }
`);

/** The Insights tab: global SHAP beside permutation importance, dependence, intervals, confusion. */
export const ModelVersionInsightsQuery = graphql(`
  query ModelVersionInsights($id: ID!) {
    modelVersion(id: $id) {
      id
      taskType
      metric
      explanationSummary {
        method
        explained
        rows
        features {
          feature
          meanAbsShap
        }
      }
      trainingJob {
        id
        featureImportance {
          feature
          importance
          stddev
        }
      }
      metricIntervals {
        metric
        value
        low
        high
        resamples
      }
      confusionMatrix {
        labels
        matrix
        threshold
        positiveClass
      }
      partialDependence {
        feature
        kind
        explained
        points {
          x
          y
        }
      }
    }
  }
`);

/** A new report appears in the list, and a request made next cites it. */
export const REPORTS_CONTEXT = { additionalTypenames: ['ModelReport'] };
