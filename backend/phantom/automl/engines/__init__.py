"""The engines by name. Imports are lazy: AutoGluon and H2O are heavy, and H2O is an
optional extra; "sklearn" (HistGradientBoosting) needs only scikit-learn; "forecast"
(statsforecast) serves FORECASTING."""

from __future__ import annotations

from phantom.automl.engines.base import Engine


def get_engine(name: str) -> Engine:
    if name == "autogluon":
        from phantom.automl.engines.autogluon import AutoGluonEngine

        return AutoGluonEngine()
    if name == "h2o":
        from phantom.automl.engines.h2o import H2OEngine  # type: ignore[import-not-found,unused-ignore]

        engine: Engine = H2OEngine()
        return engine
    if name == "anomaly":
        from phantom.automl.engines.anomaly import AnomalyEngine

        return AnomalyEngine()
    if name == "sklearn":
        from phantom.automl.engines.sklearn import SklearnEngine

        return SklearnEngine()
    if name == "forecast":
        from phantom.automl.engines.forecast import ForecastEngine

        return ForecastEngine()
    raise ValueError(f"unknown engine {name!r}")
