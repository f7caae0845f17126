import { graphql } from '@/gql';

/** A FORECASTING version's settings, backtest and history tail (every charted series at once: at most 20 x 120 points). */
export const ModelVersionForecastQuery = graphql(`
  query ModelVersionForecast($id: ID!) {
    modelVersion(id: $id) {
      id
      forecast {
        timeColumn
        seriesIdColumn
        horizon
        intervalLevel
        frequency
        seasonLength
        seriesCount
        backtestWindows
        trainingEnd
        mase
        wql
        seasonalNaiveMase
        seasonalNaiveWql
        candidates {
          modelName
          mase
          wql
          seconds
          seriesLeftOut
          seriesChosen
        }
        historySeriesLeftOut
        history {
          series
          points {
            time
            value
          }
        }
      }
    }
  }
`);

/** predict with no rows: the forecast stored at training, after the training data's end, for every series. */
export const ForecastPredictMutation = graphql(`
  mutation ForecastPredict($modelVersionId: ID!) {
    predict(modelVersionId: $modelVersionId, rows: []) {
      intervalLevel
      forecasts {
        series
        time
        mean
        lower
        upper
      }
    }
  }
`);
