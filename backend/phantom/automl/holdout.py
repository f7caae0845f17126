"""The holdout's predictions, kept with the version so that what depends on a decision
threshold or on costs (the value domain: ``value/``) is recomputed from the same rows the
metrics were measured on, never estimated from summary figures.

Compact and bounded: binary classifiers keep (truth as 0/1, the positive class's
probability rounded to 6 digits), multiclass (truth, predicted label) as indexes into its
classes, regression (truth, prediction); at most ``MAX_ROWS`` rows (a seeded sample
beyond that). Anomaly detection keeps nothing."""

from __future__ import annotations

from typing import Any

import numpy as np

from phantom.automl.engines.base import Predictions
from phantom.automl.tasks import TaskType

MAX_ROWS = 20_000  # the runner's holdout cap: ~0.5 MB of JSON at most
DIGITS = 6


def record(task: TaskType, truth: Any, predicted: Predictions, seed: int) -> dict[str, Any] | None:
    """What ``ModelVersion.holdout_predictions`` stores; None when there is nothing."""
    if truth is None:
        return None
    actual = np.asarray(truth)
    rows = _rows(len(actual), seed)
    if task == TaskType.BINARY:
        classes = list(predicted.classes or [])
        if predicted.probabilities is None or len(classes) != 2:
            return None
        positive = classes[1]  # the column AutoGluon and H2O threshold
        return {
            "task": task.value,
            "positive_class": str(positive),
            "truth": [int(v) for v in (actual[rows] == positive)],
            "probability": [round(float(p), DIGITS) for p in predicted.probabilities[rows, 1]],
        }
    if task == TaskType.MULTICLASS and predicted.classes:
        names = [str(c) for c in predicted.classes]
        index = {name: i for i, name in enumerate(names)}
        return {
            "task": task.value,
            "classes": names,  # truth and predicted are indexes into these (-1: unknown)
            "truth": [index.get(str(v), -1) for v in actual[rows]],
            "predicted": [index.get(str(v), -1) for v in np.asarray(predicted.labels)[rows]],
        }
    if task == TaskType.REGRESSION:
        return {
            "task": task.value,
            "truth": [float(v) for v in actual[rows].astype(float)],
            "predicted": [float(v) for v in np.asarray(predicted.labels)[rows].astype(float)],
        }
    return None


def _rows(n: int, seed: int) -> np.ndarray[Any, Any]:
    if n <= MAX_ROWS:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, MAX_ROWS, replace=False))
