"""What every engine implements, so the job layer, evaluation and serving never care which
engine trained a model.

An engine runs inside the training child process (``automl/runner.py``): it fits on the
training split within ``FitSpec.time_limit_seconds`` (stopping further models at
``FitSpec.deadline``), reports each finished model, saves what prediction needs under
``FitSpec.model_dir``, and can load that directory again in any process (``load``).
Holdout metrics and feature importance are computed by the runner through the loaded
model, the same way for every engine.

``FitSpec.holdout`` is never trained on: an engine may only use it after the fit to
choose which of its fitted models serves (``automl/fit_to_serve.py``), and says which in
``FitOutcome.served_model``. Engines that do not choose serve their ``best_model``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from phantom.automl.tasks import TaskType


class DataError(Exception):
    """The data cannot be trained on as asked: the job fails with this message, unretried
    (raised by the runner and by engines alike)."""


def anomaly_truth(labels: pd.Series) -> tuple[np.ndarray[Any, Any], Any]:
    """The label's minority value marks anomalies (fraud, failure, outlier...): one rule
    for the anomaly engine's validation and the runner's holdout metrics."""
    counts = labels.value_counts()
    if len(counts) != 2:
        raise DataError(
            f"The label column for anomaly detection must have exactly two values; it has "
            f"{len(counts)}."
        )
    anomalous = counts.index[-1]
    return np.asarray(labels == anomalous), anomalous


def plain(value: Any, depth: int = 0) -> Any:
    """Engine facts (hyperparameters) as JSON: numbers, text, lists and objects; anything
    else (a class, a function) as its text."""
    if depth > 8:
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class FitSpec:
    task: TaskType  # never AUTO
    target: str | None  # None only for anomaly detection without a label
    metric: str  # one of ``tasks.METRICS`` valid for the task
    time_limit_seconds: float  # the engine's own (soft) limit for the whole fit
    deadline: float  # ``time.time()`` after which no further model may start
    num_cpus: int
    memory_limit_mb: int
    seed: int
    model_dir: Path  # empty directory: what prediction needs; archived after the fit
    work_dir: Path  # scratch space for the fit, deleted afterwards
    options: dict[str, Any] = field(default_factory=dict)  # engine-specific settings
    # the runner's holdout (features and target): for choosing what serves, never fitting
    holdout: pd.DataFrame | None = None
    # binary: the class (a value of the target, as typed in it) that ``classes[1]`` must be;
    # None: the engine's default, the second of the sorted classes
    positive_class: Any = None


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    model_name: str
    score_validation: float | None  # in the metric's own units (RMSE as RMSE, not negated)
    fit_time_seconds: float | None
    predict_time_seconds: float | None
    # measured after the fit (``automl/fit_to_serve.py``), None where not measured
    score_holdout: float | None = None  # in the metric's own units
    predict_ms_per_row: float | None = None  # median of one-row calls
    rows_per_second: float | None = None  # throughput of one large-batch call
    served: bool = False  # the model the version serves


@dataclass(frozen=True, slots=True)
class FitOutcome:
    leaderboard: list[LeaderboardRow]  # best first
    best_model: str
    details: dict[str, Any] = field(default_factory=dict)  # engine facts worth keeping
    served_model: str | None = None  # None: ``best_model`` serves, nothing was chosen
    serving_reason: str | None = None  # one sentence: why ``served_model`` serves


class Reporter(Protocol):
    """Progress out of the fit: called from the engine's thread as models finish."""

    def __call__(self, message: str, leaderboard: list[LeaderboardRow]) -> None: ...


@dataclass(frozen=True, slots=True)
class Predictions:
    """``labels``: classes (the original values of ``classes``) for classifiers, numbers for
    regression, booleans (anomalous or not) for anomaly detection. ``probabilities``:
    one column per entry of ``classes``, rows summing to 1. ``scores``: anomaly score per
    row, higher is more anomalous."""

    labels: np.ndarray[Any, Any]
    probabilities: np.ndarray[Any, Any] | None = None
    classes: list[Any] | None = None
    scores: np.ndarray[Any, Any] | None = None


def class_named(values: pd.Series, name: str) -> Any:
    """The target's value whose text is ``name`` (``positiveClass`` is text; the column may
    hold numbers or booleans). A whole float also answers to its integer text ("1" for
    1.0: an integer column with missing values reads as floats)."""
    for value in pd.unique(values.dropna()):
        native = value.item() if isinstance(value, np.generic) else value
        if str(native) == name:
            return native
        if isinstance(native, float) and native.is_integer() and str(int(native)) == name:
            return native
    raise DataError(f"The target has no class '{name[:100]}'.")


def positive_last(classes: list[Any], positive: Any) -> list[Any]:
    """Two classes ordered so that ``positive`` is ``classes[1]``, the class every
    probability, threshold and metric of a binary model refers to (unchanged when
    ``positive`` is None or not one of them)."""
    if positive is None or len(classes) != 2 or positive not in classes:
        return list(classes)
    return [c for c in classes if c != positive] + [positive]


def thresholded(predicted: Predictions, threshold: float | None) -> Predictions:
    """A binary classifier's labels at a serving threshold (``setServingThreshold``): the
    positive class (``classes[1]``) where its probability is strictly above it, as
    AutoGluon applies its own. ``None``, or no two-class probabilities: unchanged."""
    classes = predicted.classes
    if threshold is None or predicted.probabilities is None or not classes or len(classes) != 2:
        return predicted
    positive = predicted.probabilities[:, 1] > threshold
    labels = np.where(positive, classes[1], classes[0]).astype(predicted.labels.dtype)
    return replace(predicted, labels=labels)


class LoadedModel(Protocol):
    def predict(self, frame: pd.DataFrame) -> Predictions:
        """Score rows whose columns are the training features (missing values allowed)."""
        ...

    def close(self) -> None:
        """Free what the model holds (memory, a cluster-side frame)."""
        ...


MatrixScorer = Callable[[np.ndarray], Predictions]
"""Scores rows given as one float64 matrix (NaN: missing), bypassing pandas."""


@runtime_checkable
class ScoresMatrices(Protocol):
    """A loaded model that can score all-numeric rows as a matrix (serving/fastpath.py)."""

    def matrix_scorer(self, columns: Sequence[str]) -> MatrixScorer | None:
        """A scorer of matrices whose columns are ``columns``, or None when this model
        cannot score them exactly as ``predict`` would."""
        ...


class Engine(Protocol):
    name: str  # stored on the model version: "autogluon", "h2o", "anomaly", "sklearn"
    # seconds the job needs around the fit itself (starting a Java node to fit, another to
    # score the holdout): kept out of the engine's time limit so the budget holds
    reserve_seconds: float

    def fit(self, train: pd.DataFrame, spec: FitSpec, report: Reporter) -> FitOutcome: ...

    def load(self, model_dir: Path, num_cpus: int) -> LoadedModel: ...
