"""What serving hands to monitoring, and what monitoring hands to alerts.

Serving scores; monitoring keeps what was scored (the prediction log, in batches off the
request path) and turns it into per-window aggregates, drift and performance; alerts turn
those figures into alerts and webhooks. Imports go one way: serving -> monitoring ->
alerts -> webhooks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True, slots=True)
class ServedRequest:
    """One scoring call as its caller saw it (the latency and error rate are per call)."""

    at: datetime  # when the call arrived (UTC)
    latency_ms: float
    rows: int
    failed: bool  # the engine failed: its rows were not scored (a 4xx input error is not)


@dataclass(frozen=True, slots=True)
class LoggedBatch:
    """Rows of one model version scored by one process, flushed to the log together."""

    tenant_id: uuid.UUID
    model_version_id: uuid.UUID
    batch_id: uuid.UUID
    prediction_ids: list[str]  # UUIDv7, as answered to the caller
    times: list[datetime]  # per row: when it was scored (UTC)
    features: pd.DataFrame  # per row: the model's feature columns, as scored
    labels: list[Any]  # per row: the class, the number, or (anomaly) True/False
    probabilities: np.ndarray | None  # rows x classes (classifiers)
    classes: list[str] | None
    scores: list[float] | None  # anomaly scores
    requests: list[ServedRequest]  # the calls these rows came in (and failed calls)


class SignalKind(StrEnum):
    FEATURE_DRIFT = "FEATURE_DRIFT"  # value: PSI of ``feature``
    PREDICTION_DRIFT = "PREDICTION_DRIFT"  # value: PSI of the predictions
    ERROR_RATE = "ERROR_RATE"  # value: failed calls / calls
    LATENCY_P99 = "LATENCY_P99"  # value: milliseconds
    PERFORMANCE = "PERFORMANCE"  # value: the realized metric named in ``metric``
    ESTIMATED_PERFORMANCE = "ESTIMATED_PERFORMANCE"  # value: the estimated metric


@dataclass(frozen=True, slots=True)
class Signal:
    """One figure of one window of one model version, for the alert rules to judge."""

    kind: SignalKind
    value: float
    window_start: datetime
    window: str  # "HOUR" or "DAY"
    feature: str | None = None
    metric: str | None = None
    reference: float | None = None  # the training-time value, where one exists


@dataclass(frozen=True, slots=True)
class LoggedPrediction:
    """One row of the prediction log, found by its prediction id (to join an outcome)."""

    prediction_id: uuid.UUID
    at: datetime
    label: Any
    probabilities: dict[str, float] | None
    score: float | None
