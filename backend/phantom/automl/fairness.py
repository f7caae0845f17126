"""Fairness on the holdout, computed in the training child (``automl/runner.py``) through
the saved-and-reloaded model, with fairlearn's ``MetricFrame`` and disparity functions.

Per protected attribute: per group, its holdout size and what the model did for it
(classifiers: selection rate, true and false positive rates, accuracy; regression: mean
absolute error and mean prediction), then disparities between the groups large enough to
judge. Groups below ``min_rows`` holdout rows are reported, marked ``too_small``, and left
out of the disparities: a rate over a handful of rows is noise, not evidence.

"Selected" means predicted positive: the positive class (``classes[1]``, as the metrics
use it) for binary tasks, "anomalous" for anomaly detection; for multiclass tasks each
class in turn, one-vs-rest (disparities per class, per-group accuracy). The four-fifths
rule flags a selection-rate ratio (lowest group over highest) below 0.8. Regression
disparities are reported, never flagged: there is no accepted threshold to apply.

A failure costs the report, never the model: an attribute that cannot be evaluated gets
an entry saying why (``summary``) with no groups, and nothing here raises."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.base import Predictions, anomaly_truth
from phantom.automl.tasks import TaskType

log = logging.getLogger(__name__)

FOUR_FIFTHS = 0.8  # EEOC Uniform Guidelines, 29 CFR 1607.4(D)
MISSING = "(missing)"
Array = np.ndarray[Any, Any]


def evaluate(
    attributes: pd.DataFrame,
    excluded: set[str],
    task: TaskType,
    truth: pd.Series | None,
    predicted: Predictions,
    min_rows: int,
    deadline: float,
) -> list[dict[str, Any]]:
    """One report per column of ``attributes`` (the holdout's protected attributes, rows
    aligned with ``predicted``); an attribute reached after ``deadline`` is not evaluated."""
    reports = []
    for name in attributes.columns:
        aside = name in excluded
        if time.time() >= deadline:
            reports.append(_unevaluated(name, aside, "the training's time ran out"))
            continue
        try:
            groups = _group_labels(attributes[name])
            reports.append(
                {"attribute": name, "excluded_from_features": aside}
                | _report(task, groups, truth, predicted, min_rows)
            )
        except Exception as error:
            log.exception("fairness of %r failed", name)
            reports.append(_unevaluated(name, aside, f"{type(error).__name__}: {error}"[:300]))
    return reports


def _unevaluated(name: str, aside: bool, why: str) -> dict[str, Any]:
    return {
        "attribute": name,
        "excluded_from_features": aside,
        "flagged": False,
        "summary": f"Not evaluated: {why}.",
        "groups": [],
        "disparities": [],
    }


def _group_labels(column: pd.Series) -> Array:
    return np.asarray([MISSING if pd.isna(v) else str(v) for v in column], dtype=object)


def _report(
    task: TaskType,
    groups: Array,
    truth: pd.Series | None,
    predicted: Predictions,
    min_rows: int,
) -> dict[str, Any]:
    sizes = pd.Series(groups).value_counts()
    judged = np.isin(groups, sizes[sizes >= min_rows].index)
    if task == TaskType.REGRESSION:
        rows, disparities = _regression(groups, judged, truth, predicted)
    elif task == TaskType.MULTICLASS:
        rows, disparities = _multiclass(groups, judged, truth, predicted)
    else:
        rows, disparities = _binary(task, groups, judged, truth, predicted)
    group_rows = [
        {**_EMPTY_GROUP, **rows.get(g, {}), "group": g, "size": int(n), "too_small": n < min_rows}
        for g, n in sizes.sort_index().items()
    ]
    flagged = any(d["flagged"] for d in disparities)
    return {
        "flagged": flagged,
        "summary": _summary(task, group_rows, disparities, min_rows),
        "groups": group_rows,
        "disparities": disparities,
    }


_EMPTY_GROUP: dict[str, Any] = {
    "selection_rate": None,
    "true_positive_rate": None,
    "false_positive_rate": None,
    "accuracy": None,
    "error": None,
    "mean_prediction": None,
}


# --- per-group rates -------------------------------------------------------------------


def _rate(mask: Array, of: Array) -> float:
    return float(np.mean(of[mask])) if mask.any() else float("nan")


def _tpr(y_true: Array, y_pred: Array) -> float:
    """NaN (reported as null) for a group with no actual positive, not fairlearn's 0."""
    return _rate(y_true.astype(bool), y_pred.astype(bool))


def _fpr(y_true: Array, y_pred: Array) -> float:
    return _rate(~y_true.astype(bool), y_pred.astype(bool))


def _accuracy(y_true: Array, y_pred: Array) -> float:
    return float(np.mean(y_true == y_pred))


def _selection(y_true: Array, y_pred: Array) -> float:
    return float(np.mean(y_pred.astype(bool)))


def _mae(y_true: Array, y_pred: Array) -> float:
    return float(np.mean(np.abs(y_true.astype(float) - y_pred.astype(float))))


def _mean_prediction(y_true: Array, y_pred: Array) -> float:
    return float(np.mean(y_pred.astype(float)))


def _by_group(
    metrics: dict[str, Callable[[Array, Array], float]], y_true: Array, y_pred: Array, groups: Array
) -> dict[str, dict[str, float | None]]:
    from fairlearn.metrics import MetricFrame

    frame = MetricFrame(
        metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=pd.Series(groups)
    ).by_group
    return {
        str(group): {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
        for group, row in frame.iterrows()
    }


def _measure(
    measure: str,
    value: float | None,
    threshold: float | None = None,
    positive_class: str | None = None,
) -> dict[str, Any]:
    value = None if value is None or not np.isfinite(value) else float(value)
    flagged = threshold is not None and value is not None and value < threshold
    return {
        "measure": measure,
        "value": value,
        "threshold": threshold,
        "flagged": flagged,
        "positive_class": positive_class,
    }


# --- by task -------------------------------------------------------------------------------


Rows = dict[str, dict[str, float | None]]


def _binary(
    task: TaskType, groups: Array, judged: Array, truth: pd.Series | None, predicted: Predictions
) -> tuple[Rows, list[dict[str, Any]]]:
    if task == TaskType.ANOMALY_DETECTION:
        positive: str | None = "anomalous"
        y_pred = np.asarray(predicted.labels).astype(bool)
        y_true = anomaly_truth(truth)[0] if truth is not None else None
    else:
        classes = predicted.classes or []
        positive = str(classes[1])
        y_pred = np.asarray(predicted.labels) == classes[1]
        y_true = np.asarray(truth) == classes[1] if truth is not None else None
    metrics: dict[str, Callable[[Array, Array], float]] = {"selection_rate": _selection}
    if y_true is not None:
        metrics |= {"true_positive_rate": _tpr, "false_positive_rate": _fpr, "accuracy": _accuracy}
    rows = _by_group(metrics, y_true if y_true is not None else y_pred, y_pred, groups)
    return rows, _selection_disparities(y_true, y_pred, groups, judged, positive)


def _selection_disparities(
    y_true: Array | None, y_pred: Array, groups: Array, judged: Array, positive: str | None
) -> list[dict[str, Any]]:
    from fairlearn.metrics import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
    )

    names = ["demographic_parity_difference", "demographic_parity_ratio"]
    if y_true is not None:
        names.append("equalized_odds_difference")
    if len(set(groups[judged])) < 2:
        return [_measure(n, None, FOUR_FIFTHS if n.endswith("ratio") else None) for n in names]
    yt = (y_true if y_true is not None else y_pred)[judged]
    yp, sf = y_pred[judged].astype(int), groups[judged]
    yt = yt.astype(int)
    found = [
        _measure(names[0], demographic_parity_difference(yt, yp, sensitive_features=sf), None),
        _measure(names[1], demographic_parity_ratio(yt, yp, sensitive_features=sf), FOUR_FIFTHS),
    ]
    if y_true is not None:
        found.append(_measure(names[2], equalized_odds_difference(yt, yp, sensitive_features=sf)))
    return [{**d, "positive_class": positive} for d in found]


def _multiclass(
    groups: Array, judged: Array, truth: pd.Series | None, predicted: Predictions
) -> tuple[Rows, list[dict[str, Any]]]:
    labels = np.asarray(predicted.labels)
    y_true = np.asarray(truth) if truth is not None else labels
    rows = _by_group({"accuracy": _accuracy}, y_true, labels, groups)
    disparities = []
    for value in predicted.classes or []:
        disparities += _selection_disparities(
            y_true == value if truth is not None else None,
            labels == value,
            groups,
            judged,
            str(value),
        )
    return rows, disparities


def _regression(
    groups: Array, judged: Array, truth: pd.Series | None, predicted: Predictions
) -> tuple[Rows, list[dict[str, Any]]]:
    y_pred = np.asarray(predicted.labels, dtype=float)
    y_true = np.asarray(truth, dtype=float) if truth is not None else y_pred
    rows = _by_group({"error": _mae, "mean_prediction": _mean_prediction}, y_true, y_pred, groups)
    judged_rows = [rows[g] for g in sorted(set(groups[judged]))]
    if len(judged_rows) < 2:
        return rows, [
            _measure("mean_prediction_difference", None),
            _measure("error_difference", None),
        ]
    means = [float(r["mean_prediction"] or 0.0) for r in judged_rows]
    errors = [float(r["error"] or 0.0) for r in judged_rows]
    return rows, [
        _measure("mean_prediction_difference", max(means) - min(means)),
        _measure("error_difference", max(errors) - min(errors)),
    ]


# --- the sentence a person reads first ---------------------------------------------------


def _summary(
    task: TaskType, groups: list[dict[str, Any]], disparities: list[dict[str, Any]], min_rows: int
) -> str:
    small = [g["group"] for g in groups if g["too_small"]]
    parts = []
    judged = [g for g in groups if not g["too_small"]]
    if len(judged) < 2:
        parts.append(f"Not judged: fewer than two groups have at least {min_rows} holdout rows.")
    elif task == TaskType.REGRESSION:
        parts.append("Regression: disparities are reported, not judged (no accepted threshold).")
    else:
        parts.append(_four_fifths(task, judged, disparities))
    if small:
        parts.append(
            f"{len(small)} group{'s' if len(small) != 1 else ''} too small to judge "
            f"(< {min_rows} holdout rows): {', '.join(small[:5])}"
            + (", ..." if len(small) > 5 else "")
            + "."
        )
    return " ".join(parts)


def _four_fifths(
    task: TaskType, judged: list[dict[str, Any]], disparities: list[dict[str, Any]]
) -> str:
    ratios = [
        d
        for d in disparities
        if d["measure"] == "demographic_parity_ratio" and d["value"] is not None
    ]
    if not ratios:
        return "No selection-rate ratio could be computed."
    worst = min(ratios, key=lambda d: d["value"])
    verdict = "Flagged" if worst["flagged"] else "Not flagged"
    which = f" for class '{worst['positive_class']}'" if task == TaskType.MULTICLASS else ""
    text = (
        f"{verdict} by the four-fifths rule: the lowest selection-rate ratio{which} is "
        f"{worst['value']:.2f} (threshold {FOUR_FIFTHS})."
    )
    if task != TaskType.MULTICLASS:
        rated = [g for g in judged if g["selection_rate"] is not None]
        low = min(rated, key=lambda g: g["selection_rate"])
        high = max(rated, key=lambda g: g["selection_rate"])
        text += (
            f" Lowest: '{low['group']}' ({low['selection_rate']:.2f}); highest: "
            f"'{high['group']}' ({high['selection_rate']:.2f})."
        )
    return text
