"""Forecasting test data: clearly seasonal monthly series with a trend and noise, where a
seasonal statistical model should beat seasonal naive (the trend alone moves each value
a year on), and the operations a chart and integrators use."""

from __future__ import annotations

import numpy as np
import pandas as pd

VERSION_FORECAST = """
query Version($id: ID!) {
  modelVersion(id: $id) {
    id taskType engine metric metrics { name value } servingModel servingReason
    features { name type }
    forecast {
      timeColumn seriesIdColumn horizon intervalLevel frequency seasonLength seriesCount
      backtestWindows trainingEnd mase wql seasonalNaiveMase seasonalNaiveWql chosen
      candidates { modelName mase wql seconds seriesLeftOut seriesChosen }
      history(series: "store-1") { series points { time value } }
    }
  }
}
"""
PREDICT_FORECAST = """
mutation Predict($id: ID!, $rows: JSON!) {
  predict(modelVersionId: $id, rows: $rows) {
    modelVersionId predictionIds predictions intervalLevel
    forecasts { series time mean lower upper }
  }
}
"""


def seasonal(
    series: int = 2,
    points: int = 60,
    frequency: str = "MS",
    seed: int = 0,
    noise: float = 1.0,
) -> pd.DataFrame:
    """Long data: month (ISO text), store, sales; a yearly cycle of amplitude 10, a trend
    of 0.4 a month, Gaussian noise."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2018-01-01", periods=points, freq=frequency)
    frames = []
    for s in range(series):
        t = np.arange(points)
        y = 50 + 10 * s + 10 * np.sin(2 * np.pi * t / 12 + s) + 0.4 * t
        frames.append(
            pd.DataFrame(
                {
                    "month": times.strftime("%Y-%m-%d"),
                    "store": f"store-{s}",
                    "sales": (y + rng.normal(0, noise, points)).round(3),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
