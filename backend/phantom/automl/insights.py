"""What a model version says about itself beyond its holdout metrics (docs/governance.md):
bootstrap intervals of those metrics, the confusion matrix at the threshold predict uses,
partial dependence of the most important features, and the reproducibility record.

``compute`` runs in the training child (``automl/runner.py``) after permutation importance,
through the saved-and-reloaded model, bounded by a deadline. Each section is independent: a
failure or the deadline costs that section (null, the reason logged), never the model.
``record`` runs on the worker when the job succeeds: it adds what the job row knows (seed,
settings, dataset hash) to what the child measured.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.base import FitOutcome, LoadedModel, Predictions, plain
from phantom.automl.tasks import Outcome, TaskType, score_all

log = logging.getLogger(__name__)
Array = np.ndarray[Any, Any]

RESAMPLES = 1_000
# fewer resamples than this give percentile "intervals" that are noise (two draws can
# bracket anything, or miss the estimate): no interval is better than a wrong one
MIN_RESAMPLES = 100
INTERVAL_SHARE = 0.4  # of the time left: the rest is for partial dependence
PDP_FEATURES = 5
PDP_GRID = 20
PDP_CATEGORIES = 12
PDP_ROWS = 500  # holdout rows each grid point is averaged over
LIBRARIES = [
    "autogluon.tabular",
    "autogluon.core",
    "lightgbm",
    "xgboost",
    "catboost",
    "scikit-learn",
    "numpy",
    "pandas",
]


def compute(
    model: LoadedModel,
    task: TaskType,
    target: str | None,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    predicted: Predictions,
    measured: Outcome | None,
    metrics: dict[str, float],
    importance: list[dict[str, Any]],
    fitted: FitOutcome,
    engine: str,
    seed: int,
    deadline: float,
) -> dict[str, Any]:
    """The result's ``insights`` (the version's, shape in docs/governance.md: sections that
    failed or ran out of time are null, the reason in the job's log) and ``fit_facts`` (what
    ``record`` needs of this process)."""
    features = holdout.drop(columns=[target]) if target is not None else holdout
    details = fitted.details
    confusion = _section("confusion matrix", lambda: confusion_matrix(task, measured, details))
    split = time.time() + max(deadline - time.time(), 0) * INTERVAL_SHARE
    intervals = _section(
        "metric intervals",
        lambda: bootstrap_intervals(task, measured, metrics, seed, split) if measured else [],
    )
    ranked = [str(item["feature"]) for item in importance]
    dependence = _section(
        "partial dependence",
        lambda: partial_dependence(model, task, features, predicted, ranked, seed, deadline),
    )
    served = fitted.served_model or fitted.best_model
    return {
        "insights": {
            "metric_intervals": intervals,
            "confusion": confusion,
            "partial_dependence": dependence,
        },
        "fit_facts": _section(
            "reproducibility",
            lambda: fit_facts(engine, fitted.best_model, served, details, train, holdout),
        ),
    }


def _section(name: str, make: Callable[[], Any]) -> Any:
    try:
        return make()
    except Exception:
        log.exception("insights: %s failed; the version has none", name)
        return None


# --- bootstrap intervals ---------------------------------------------------------------


def bootstrap_intervals(
    task: TaskType,
    measured: Outcome,
    metrics: dict[str, float],
    seed: int,
    deadline: float,
    resamples: int = RESAMPLES,
) -> list[dict[str, Any]]:
    """Percentile bootstrap 95 % intervals of each holdout metric: the holdout's rows drawn
    with replacement, ``resamples`` times (fewer when the deadline comes first; the count
    is recorded per metric, as a resample where a metric is undefined, e.g. AUC with one
    class drawn, does not count for it)."""
    rng = np.random.default_rng(seed)
    n = len(measured.y_true)
    draws: dict[str, list[float]] = {name: [] for name in metrics}
    for _ in range(resamples):
        if time.time() >= deadline:
            break
        rows = rng.integers(0, n, n)
        for name, value in score_all(task, _take(measured, rows)).items():
            if name in draws:
                draws[name].append(value)
    intervals = []
    for name, value in metrics.items():
        values = np.asarray(draws[name])
        if len(values) < min(MIN_RESAMPLES, resamples):
            log.info("insights: %s has %d bootstrap resamples; no interval", name, len(values))
            continue
        low, high = np.percentile(values, [2.5, 97.5])
        intervals.append(
            {
                "metric": name,
                "value": float(value),
                "low": float(low),
                "high": float(high),
                "resamples": len(values),
            }
        )
    return intervals


def _take(o: Outcome, rows: Array) -> Outcome:
    return Outcome(
        y_true=o.y_true[rows],
        labels=o.labels[rows],
        probabilities=None if o.probabilities is None else o.probabilities[rows],
        classes=o.classes,
        scores=None if o.scores is None else o.scores[rows],
    )


# --- confusion matrix ------------------------------------------------------------------


def confusion_matrix(
    task: TaskType, measured: Outcome | None, fit_details: dict[str, Any]
) -> dict[str, Any] | None:
    """Rows: actual, columns: predicted, over the labels predict returns (the threshold is
    the one predict applies: the engine reports it). None for regression and unlabelled
    anomaly detection."""
    if measured is None or task == TaskType.REGRESSION:
        return None
    threshold = fit_details.get("decision_threshold")
    if task == TaskType.ANOMALY_DETECTION:
        # the runner's truth is already boolean (anomalous); predict's labels too
        classes: list[Any] = [False, True]
        names = ["normal", "anomalous"]
        positive: str | None = "anomalous"
        actual = np.asarray(measured.y_true).astype(bool)
        labels = np.asarray(measured.labels).astype(bool)
    else:
        classes = list(measured.classes or [])
        names = [str(c) for c in classes]
        positive = names[1] if task == TaskType.BINARY and len(names) == 2 else None
        actual, labels = np.asarray(measured.y_true), np.asarray(measured.labels)
        if task != TaskType.BINARY:
            threshold = None  # the most probable class: no threshold
    matrix = [
        [int(np.sum((actual == truth) & (labels == guess))) for guess in classes]
        for truth in classes
    ]
    return {
        "labels": names,
        "matrix": matrix,
        "threshold": float(threshold) if threshold is not None else None,
        "positive_class": positive,
    }


# --- partial dependence ----------------------------------------------------------------


def partial_dependence(
    model: LoadedModel,
    task: TaskType,
    features: pd.DataFrame,
    predicted: Predictions,
    ranked: list[str],
    seed: int,
    deadline: float,
) -> list[dict[str, Any]]:
    """For the most important features (by permutation importance): the mean explained
    quantity over a holdout sample with the feature set to each grid value. One predict
    call per feature; features left at the deadline are skipped."""
    explained, pick = _explained(task, predicted)
    sample = features.sample(n=min(len(features), PDP_ROWS), random_state=seed)
    sample = sample.reset_index(drop=True)
    curves: list[dict[str, Any]] = []
    for column in ranked:
        if len(curves) >= PDP_FEATURES or time.time() >= deadline:
            break
        if column not in sample.columns:
            continue
        grid, kind = _grid(features[column])
        if not grid:
            continue
        copies = []
        for value in grid:
            copy = sample.copy()
            copy[column] = pd.Series([value] * len(copy), dtype=features[column].dtype)
            copies.append(copy)
        values = pick(model.predict(pd.concat(copies, ignore_index=True)))
        means = values.reshape(len(grid), len(sample)).mean(axis=1)
        curves.append(
            {
                "feature": column,
                "kind": kind,
                "explained": explained,
                "points": [
                    {"x": _json(x), "y": float(y)} for x, y in zip(grid, means, strict=True)
                ],
            }
        )
    return curves


def _explained(
    task: TaskType, predicted: Predictions
) -> tuple[str, Callable[[Predictions], Array]]:
    """What the curves' y is, and how to read it off predictions."""
    if task == TaskType.REGRESSION:
        return "predicted value", lambda p: np.asarray(p.labels, dtype=np.float64)
    if task == TaskType.ANOMALY_DETECTION:
        return "anomaly score (higher: more anomalous)", lambda p: np.asarray(p.scores)
    classes = list(predicted.classes or [])
    if task == TaskType.BINARY:
        index = 1  # the positive class, as the metrics read it
    else:  # the class predicted most often on the holdout
        labels, counts = np.unique(np.asarray(predicted.labels, dtype=object), return_counts=True)
        index = classes.index(labels[int(np.argmax(counts))])
    return (
        f"probability of {classes[index]}",
        lambda p: np.asarray(p.probabilities)[:, index],
    )


def _grid(column: pd.Series) -> tuple[list[Any], str]:
    """Numbers: up to ``PDP_GRID`` quantiles (5 % to 95 %), distinct; anything else but
    dates: the most frequent values."""
    present = column.dropna()
    if present.empty or pd.api.types.is_datetime64_any_dtype(column):
        return [], ""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        points = np.quantile(present.astype(np.float64), np.linspace(0.05, 0.95, PDP_GRID))
        if pd.api.types.is_integer_dtype(column):
            points = np.round(points)
        return [v.item() for v in np.unique(points).astype(column.dtype)], "numeric"
    top = present.value_counts().index[:PDP_CATEGORIES]
    return list(top), "categorical"


def _json(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


# --- reproducibility -------------------------------------------------------------------


def fit_facts(
    engine: str,
    best_model: str,
    served_model: str,
    fit_details: dict[str, Any],
    train: pd.DataFrame,
    holdout: pd.DataFrame,
) -> dict[str, Any]:
    """What only the child knows of the run: library versions, the models, the best
    model's hyperparameters, the preset, and which rows were held out."""
    libraries = {name: _version(name) for name in LIBRARIES}
    if engine == "h2o":
        libraries["h2o"] = _version("h2o")
    libraries["python"] = platform.python_version()
    return {
        "libraries": libraries,
        "preset": fit_details.get("presets"),
        "best_model": best_model,
        "served_model": served_model,
        "hyperparameters": plain(fit_details.get("hyperparameters") or {}),
        "train_rows": len(train),
        "holdout_rows": len(holdout),
        "holdout_hash": frame_hash(holdout),
    }


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def frame_hash(frame: pd.DataFrame) -> str:
    """The rows' content in order: equal for the same split of the same data."""
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return "sha256:" + hashlib.sha256(hashed.tobytes()).hexdigest()


def record(job: Any, result: dict[str, Any]) -> dict[str, Any] | None:
    """The job's reproducibility record (shape in docs/governance.md): the job's settings
    and the child's facts. None for a result without facts (an older runner)."""
    facts = result.get("fit_facts")
    if not facts:
        return None
    return {
        "seed": job.seed,
        "engine": result["engine"],
        "preset": facts.get("preset"),
        "time_budget_seconds": job.time_budget_seconds,
        "libraries": facts["libraries"],
        "best_model": facts["best_model"],
        "served_model": facts["served_model"],
        "hyperparameters": facts["hyperparameters"],
        "dataset_content_hash": job.dataset_content_hash,
        "excluded_columns": list(job.excluded_columns),
        "protected_attributes": list(job.protected_attributes or []),
        "serving_choice": job.serving_choice,
        "task_type": job.task_type,
        "metric": job.metric,
        "target": job.target,
        "split": {
            "train_rows": facts["train_rows"],
            "holdout_rows": facts["holdout_rows"],
            "holdout_hash": facts["holdout_hash"],
        },
    }
