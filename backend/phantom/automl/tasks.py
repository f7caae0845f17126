"""Task types and metrics: which metrics a task accepts, which is the default, which way is
better, and how each is computed on a holdout (one implementation for every engine)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from phantom.datasets.profiling import TaskType

__all__ = ["DEFAULT_METRIC", "METRICS", "Metric", "TaskType", "metrics_for", "score_all"]

Array = np.ndarray[Any, Any]
T = TypeVar("T")
BINARY, MULTICLASS = TaskType.BINARY, TaskType.MULTICLASS
REGRESSION, ANOMALY = TaskType.REGRESSION, TaskType.ANOMALY_DETECTION
FORECASTING = TaskType.FORECASTING


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a metric looks at: true values and the model's answers on the holdout.
    For binary tasks ``positive`` is ``classes[1]``; for anomaly detection the truth is
    a boolean (anomalous) and ``scores`` rank rows."""

    y_true: Array
    labels: Array
    probabilities: Array | None
    classes: list[Any] | None
    scores: Array | None


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    tasks: frozenset[TaskType]
    higher_is_better: bool
    description: str
    compute: Callable[[Outcome], float]


def need(value: T | None, what: str) -> T:
    """A metric asked of an outcome without what it needs is undefined here (ValueError:
    ``score_all`` leaves it out)."""
    if value is None:
        raise ValueError(f"this metric needs {what}")
    return value


def _positive_proba(o: Outcome) -> Array:
    return need(o.probabilities, "probabilities")[:, 1]


def _is_positive(o: Outcome) -> Array:
    return np.asarray(o.y_true == need(o.classes, "classes")[1])


def _roc_auc(o: Outcome) -> float:
    from sklearn.metrics import roc_auc_score

    if o.scores is not None:  # anomaly detection: does the score rank anomalies first?
        return float(roc_auc_score(o.y_true.astype(bool), o.scores))
    return float(roc_auc_score(_is_positive(o), _positive_proba(o)))


def _average_precision(o: Outcome) -> float:
    from sklearn.metrics import average_precision_score

    if o.scores is not None:
        return float(average_precision_score(o.y_true.astype(bool), o.scores))
    return float(average_precision_score(_is_positive(o), _positive_proba(o)))


def _log_loss(o: Outcome) -> float:
    from sklearn.metrics import log_loss

    p = np.clip(need(o.probabilities, "probabilities").astype(np.float64), 1e-15, 1.0)
    p = p / p.sum(axis=1, keepdims=True)
    classes = need(o.classes, "classes")
    # scikit-learn reads the columns in sorted class order; a chosen positive class can
    # put a binary model's classes out of it
    try:
        order = sorted(range(len(classes)), key=lambda i: classes[i])
    except TypeError:  # mixed types: as given
        order = list(range(len(classes)))
    return float(log_loss(o.y_true, p[:, order], labels=[classes[i] for i in order]))


def _accuracy(o: Outcome) -> float:
    if o.scores is not None:
        return float(np.mean(o.y_true.astype(bool) == o.labels.astype(bool)))
    return float(np.mean(o.y_true == o.labels))


def _balanced_accuracy(o: Outcome) -> float:
    from sklearn.metrics import balanced_accuracy_score

    return float(balanced_accuracy_score(o.y_true, o.labels))


def _binary(name: str) -> Callable[[Outcome], float]:
    def compute(o: Outcome) -> float:
        from sklearn import metrics

        function = getattr(metrics, f"{name}_score")
        if o.scores is not None:
            return float(function(o.y_true.astype(bool), o.labels.astype(bool), zero_division=0))
        positive = need(o.classes, "classes")[1]
        return float(function(o.y_true, o.labels, pos_label=positive, zero_division=0))

    return compute


def _f1_macro(o: Outcome) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(o.y_true, o.labels, average="macro", zero_division=0))


def _rmse(o: Outcome) -> float:
    return float(np.sqrt(np.mean((o.y_true.astype(float) - o.labels.astype(float)) ** 2)))


def _mae(o: Outcome) -> float:
    return float(np.mean(np.abs(o.y_true.astype(float) - o.labels.astype(float))))


def _r2(o: Outcome) -> float:
    from sklearn.metrics import r2_score

    return float(r2_score(o.y_true.astype(float), o.labels.astype(float)))


def _backtested(o: Outcome) -> float:
    """Forecasting's metrics are computed over rolling backtest windows by the engine
    (``engines/forecast.py``), not on a row holdout: undefined here."""
    raise ValueError("computed by the forecasting backtest")


def _metric(
    name: str, tasks: set[TaskType], higher: bool, description: str, f: Callable[[Outcome], float]
) -> tuple[str, Metric]:
    return name, Metric(name, frozenset(tasks), higher, description, f)


METRICS: dict[str, Metric] = dict(
    [
        _metric("roc_auc", {BINARY, ANOMALY}, True, "Area under the ROC curve.", _roc_auc),
        _metric(
            "average_precision",
            {BINARY, ANOMALY},
            True,
            "Area under the precision-recall curve (rare positives).",
            _average_precision,
        ),
        _metric(
            "log_loss",
            {BINARY, MULTICLASS},
            False,
            "Cross-entropy of the probabilities.",
            _log_loss,
        ),
        _metric(
            "accuracy", {BINARY, MULTICLASS, ANOMALY}, True, "Share of correct labels.", _accuracy
        ),
        _metric(
            "balanced_accuracy",
            {BINARY, MULTICLASS},
            True,
            "Mean recall per class (imbalanced classes).",
            _balanced_accuracy,
        ),
        _metric("f1", {BINARY, ANOMALY}, True, "F1 of the positive class.", _binary("f1")),
        _metric(
            "precision",
            {BINARY, ANOMALY},
            True,
            "Precision of the positive class.",
            _binary("precision"),
        ),
        _metric(
            "recall", {BINARY, ANOMALY}, True, "Recall of the positive class.", _binary("recall")
        ),
        _metric("f1_macro", {MULTICLASS}, True, "F1 averaged over classes.", _f1_macro),
        _metric("rmse", {REGRESSION}, False, "Root mean squared error.", _rmse),
        _metric("mae", {REGRESSION}, False, "Mean absolute error.", _mae),
        _metric("r2", {REGRESSION}, True, "Coefficient of determination.", _r2),
        _metric(
            "mase",
            {FORECASTING},
            False,
            "Mean absolute scaled error: forecast error over the seasonal naive in-sample "
            "error (below 1 beats it).",
            _backtested,
        ),
        _metric(
            "wql",
            {FORECASTING},
            False,
            "Weighted quantile loss of the interval's bounds and the median (0 is perfect).",
            _backtested,
        ),
    ]
)

DEFAULT_METRIC = {
    BINARY: "roc_auc",
    MULTICLASS: "log_loss",  # the product shows probabilities: optimise them (research note)
    REGRESSION: "rmse",
    ANOMALY: "roc_auc",  # used only when a label column is given
    FORECASTING: "mase",
}


def metrics_for(task: TaskType) -> list[Metric]:
    return [m for m in METRICS.values() if task in m.tasks]


def score_all(task: TaskType, outcome: Outcome) -> dict[str, float]:
    """Every metric of the task that can be computed on this holdout (a metric that is
    undefined here, e.g. AUC with one class present, is left out rather than guessed)."""
    scores: dict[str, float] = {}
    for metric in metrics_for(task):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # scikit-learn warns when a metric is undefined
            try:
                value = metric.compute(outcome)
            except (ValueError, ZeroDivisionError, Warning):
                continue
        if np.isfinite(value):
            scores[metric.name] = value
    return scores
