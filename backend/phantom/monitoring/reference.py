"""The reference a model version is monitored against, and the binning both sides share.

Computed once at training (``automl/runner.py``, in the child process: numpy and pandas
only) from the training split and the holdout's predictions, stored as JSON on the model
version. Production windows count rows into the *same* bins (``count_feature``,
``count_predictions``), so drift is a comparison of two count vectors and windows merge by
addition; raw rows are never read again.

Bins of a numeric feature: interior edges ``e1 < ... < ek`` from the training deciles
(deduplicated), bins ``(-inf, e1], (e1, e2], ..., (ek, +inf)`` (open-ended first and last,
so production values outside the training range still land somewhere), plus a missing
count. Categories: the ≤ 20 most frequent training values, then one "other" bin, plus
missing. Booleans are two categories. Datetimes are skipped (a timestamp drifts by
construction).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

REFERENCE_FORMAT = 1
QUANTILE_BINS = 10
MAX_CATEGORIES = 20
MAX_CATEGORY_CHARS = 200  # longer values (free text) count as "other": the reference stays small
PROBABILITY_BINS = 20  # fixed width 0.05 on [0, 1]: mergeable, and fine enough for CBPE
PROBABILITY_EDGES = [round(i / PROBABILITY_BINS, 4) for i in range(1, PROBABILITY_BINS)]
CALIBRATION_MIN_ROWS = 10  # a holdout bin with fewer rows keeps the model's own probability
OTHER = "__other__"

NUMERIC, CATEGORICAL, SKIPPED = "numeric", "categorical", "skipped"


def _is_numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series)) and not pd.api.types.is_bool_dtype(series)


def _is_datetime(series: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_any_dtype(series))


def quantile_edges(values: np.ndarray[Any, Any], bins: int = QUANTILE_BINS) -> list[float]:
    """Interior edges at the deciles, deduplicated (a feature with few distinct values has
    fewer bins rather than empty ones). Edges are observed values (inverted CDF, no
    interpolation), so a value seen in training sits on an edge, never between two."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return []
    edges = np.quantile(finite, [i / bins for i in range(1, bins)], method="inverted_cdf")
    return [float(e) for e in np.unique(edges)]


def category_text_one(value: Any) -> str:
    """Categories compare as text (JSON keeps no other type): booleans as true/false,
    whole floats as integers (a class 1 read back from JSON as 1.0 is still "1")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def category_text(values: pd.Series) -> pd.Series:
    return values.map(category_text_one)


def count_numeric(values: pd.Series, edges: list[float]) -> tuple[list[int], int]:
    """Counts per bin (len(edges) + 1) and the missing count; vectorised."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    present = np.isfinite(numbers)
    index = np.searchsorted(np.asarray(edges, dtype=np.float64), numbers[present], side="left")
    counts = np.bincount(index, minlength=len(edges) + 1)
    return [int(c) for c in counts], int((~present).sum())


def count_categorical(values: pd.Series, categories: list[str]) -> tuple[list[int], int]:
    """Counts per known category then "other" (len(categories) + 1), and missing. Each
    distinct value is turned into text once (``factorize``), not each row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    position = {c: i for i, c in enumerate(categories)}
    mapped = np.array(
        [position.get(category_text_one(u), len(categories)) for u in uniques], dtype=np.int64
    )
    present = codes[codes >= 0]
    counts = np.bincount(mapped[present], minlength=len(categories) + 1)
    return [int(c) for c in counts], int((codes < 0).sum())


def count_feature(spec: dict[str, Any], values: pd.Series) -> tuple[list[int], int]:
    if spec["kind"] == NUMERIC:
        return count_numeric(values, spec["edges"])
    return count_categorical(values, spec["categories"])


def feature_reference(name: str, values: pd.Series, importance: float | None) -> dict[str, Any]:
    if _is_datetime(values):
        return {"name": name, "kind": SKIPPED, "reason": "datetime", "importance": importance}
    if _is_numeric(values):
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        edges = quantile_edges(numbers)
        counts, missing = count_numeric(values, edges)
        return {
            "name": name,
            "kind": NUMERIC,
            "edges": edges,
            "counts": counts,
            "missing": missing,
            "importance": importance,
        }
    text = category_text(values.dropna())
    frequent = [str(c) for c in text.value_counts().index if len(str(c)) <= MAX_CATEGORY_CHARS]
    categories = frequent[:MAX_CATEGORIES]
    counts, missing = count_categorical(values, categories)
    return {
        "name": name,
        "kind": CATEGORICAL,
        "categories": categories,
        "counts": counts,
        "missing": missing,
        "importance": importance,
    }


# --- predictions ------------------------------------------------------------------------


def prediction_kind(task: str, classes: list[Any] | None) -> str:
    if task == "BINARY" and classes is not None and len(classes) == 2:
        return "probability"  # of classes[1], the positive class
    if task in ("BINARY", "MULTICLASS"):
        return "class"
    if task == "ANOMALY_DETECTION":
        return "score"
    return "value"


def count_predictions(
    spec: dict[str, Any],
    labels: np.ndarray[Any, Any] | list[Any],
    probabilities: np.ndarray[Any, Any] | None,
    scores: np.ndarray[Any, Any] | list[float] | None,
) -> dict[str, Any]:
    """The prediction distribution of some rows in the reference's bins, with what CBPE
    needs: per probability bin the sum of the probabilities (their mean is exact after
    merging), and for classes the sum of the top probability (expected accuracy)."""
    kind = spec["kind"]
    if kind == "probability":
        if probabilities is None:
            raise ValueError("a binary classifier's rows need probabilities")
        p = np.asarray(probabilities, dtype=np.float64)[:, 1]
        present = np.isfinite(p)
        index = np.searchsorted(np.asarray(PROBABILITY_EDGES), p[present], side="left")
        binned = np.bincount(index, minlength=PROBABILITY_BINS)
        sums = np.bincount(index, weights=p[present], minlength=PROBABILITY_BINS)
        return {
            "counts": [int(c) for c in binned],
            "sums": [float(s) for s in sums],
            "missing": int((~present).sum()),
        }
    if kind == "class":
        classes, missing = count_categorical(
            pd.Series(list(labels), dtype=object), spec["categories"]
        )
        confidence = 0.0
        if probabilities is not None and len(probabilities):
            confidence = float(np.nanmax(np.asarray(probabilities, dtype=np.float64), axis=1).sum())
        return {"counts": classes, "missing": missing, "confidence": confidence}
    values = scores if kind == "score" else labels
    numbers, missing = count_numeric(pd.Series(np.asarray(values, dtype=np.float64)), spec["edges"])
    return {"counts": numbers, "missing": missing}


def prediction_reference(
    task: str,
    classes: list[Any] | None,
    labels: np.ndarray[Any, Any],
    probabilities: np.ndarray[Any, Any] | None,
    scores: np.ndarray[Any, Any] | None,
    truth: np.ndarray[Any, Any] | None,
) -> dict[str, Any]:
    """The holdout's predictions in the bins production predictions will be counted in;
    for binary classifiers also the holdout's observed positive rate per probability bin
    (CBPE's calibration: what a probability of 0.8 turned out to mean on unseen rows)."""
    kind = prediction_kind(task, classes)
    spec: dict[str, Any] = {"kind": kind}
    if kind == "probability":
        spec["edges"] = PROBABILITY_EDGES
        spec["classes"] = [category_text_one(c) for c in classes or []]
    elif kind == "class":
        spec["categories"] = [category_text_one(c) for c in classes or []][: MAX_CATEGORIES * 5]
    else:
        values = scores if kind == "score" else labels
        spec["edges"] = quantile_edges(np.asarray(values, dtype=np.float64))
    spec.update(count_predictions(spec, labels, probabilities, scores))
    if kind == "probability" and truth is not None and probabilities is not None:
        p = np.asarray(probabilities, dtype=np.float64)[:, 1]
        positive = np.asarray(category_text(pd.Series(list(truth), dtype=object))) == str(
            spec["classes"][1]
        )
        index = np.searchsorted(np.asarray(PROBABILITY_EDGES), p, side="left")
        spec["positives"] = [
            int(c) for c in np.bincount(index, weights=positive, minlength=PROBABILITY_BINS)
        ]
    return spec


def build_reference(
    train: pd.DataFrame,
    features: list[str],
    importance: list[dict[str, Any]],
    task: str,
    classes: list[Any] | None,
    labels: np.ndarray[Any, Any],
    probabilities: np.ndarray[Any, Any] | None,
    scores: np.ndarray[Any, Any] | None,
    truth: np.ndarray[Any, Any] | None,
) -> dict[str, Any]:
    """The whole reference: per feature its bins and training counts (with its permutation
    importance), and the holdout's prediction distribution."""
    importances = {item["feature"]: item["importance"] for item in importance}
    return {
        "format": REFERENCE_FORMAT,
        "rows": len(train),
        "features": [
            feature_reference(name, train[name], importances.get(name)) for name in features
        ],
        "predictions": prediction_reference(task, classes, labels, probabilities, scores, truth),
    }
