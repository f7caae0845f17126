import { graphql } from '@/gql';

export const ValueModelFieldsFragment = graphql(`
  fragment ValueModelFields on ValueModel {
    id
    modelId
    taskType
    currency
    monthlyVolume
    truePositiveValue
    trueNegativeValue
    falsePositiveCost
    falseNegativeCost
    underPredictionCost
    overPredictionCost
    valueMatrix
    matrixClasses
    updatedAt
  }
`);

export const ValueModelQuery = graphql(`
  query ValueModel($modelVersionId: ID!) {
    valueModel(modelVersionId: $modelVersionId) {
      ...ValueModelFields
    }
  }
`);

export const ModelValueQuery = graphql(`
  query ModelValue($modelVersionId: ID!, $threshold: Float) {
    modelValue(modelVersionId: $modelVersionId, threshold: $threshold) {
      modelVersionId
      taskType
      valueModel {
        ...ValueModelFields
      }
      holdoutRows
      threshold
      servingThreshold
      valuePerPrediction
      interval {
        low
        high
        level
        resamples
      }
      confusion {
        truePositives
        falsePositives
        falseNegatives
        trueNegatives
      }
      bestThreshold
      bestValuePerPrediction
      bestConfusion {
        truePositives
        falsePositives
        falseNegatives
        trueNegatives
      }
      curve {
        threshold
        valuePerPrediction
      }
      baselineStrategy
      baselineValuePerPrediction
      monthlyValue
      monthlyValueAtBest
      monthlyBaselineValue
      monthlyGainOverBaseline
      realized {
        windowStart
        predictions
        valuePerPrediction
      }
    }
  }
`);

export const SetValueModelMutation = graphql(`
  mutation SetValueModel($input: SetValueModelInput!) {
    setValueModel(input: $input) {
      ...ValueModelFields
    }
  }
`);

export const SetServingThresholdMutation = graphql(`
  mutation SetServingThreshold($modelVersionId: ID!, $threshold: Float!) {
    setServingThreshold(modelVersionId: $modelVersionId, threshold: $threshold) {
      id
      servingThreshold
    }
  }
`);

/** The value depends on the value model and on the version's serving threshold. */
export const VALUE_CONTEXT = { additionalTypenames: ['ValueModel', 'ModelVersion'] };
