"""Columns as numbers for the scikit-learn engines (anomaly detection, HistGradientBoosting):
one way to read each kind of column, so both engines treat a dataset alike.

Numbers stay numbers, dates become epoch seconds, and everything else (text, booleans,
categories) becomes ordinal codes learned at fit time; values never seen at fit time get
one code of their own. What differs is only what the estimator accepts: an
IsolationForest needs every value filled (medians, and -1 for unseen values), while
HistGradientBoosting takes missing values natively (NaN, also for unseen values) and
learns the codes as categories (``Encoded.categorical``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

Array = np.ndarray[Any, Any]
MISSING_TEXT = "\x00missing"  # a missing category value is a category of its own


@dataclass(frozen=True, slots=True)
class Encoded:
    transformer: Any  # an unfitted ColumnTransformer: numbers, then dates, then the rest
    categorical: list[bool]  # per output column: ordinal codes of a category


def kinds(frame: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """(numeric, dates, other) columns; booleans count as categories, not numbers."""
    numeric = [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    other = [c for c in frame.columns if c not in numeric and c not in dates]
    return numeric, dates, other


def encoder(frame: pd.DataFrame, *, impute: bool, max_categories: int | None = None) -> Encoded:
    """The columns of ``frame`` as numbers. ``impute``: fill missing numbers and dates with
    the median and code unseen categories -1 (estimators that refuse NaN); otherwise keep
    NaN and code unseen categories NaN (missing, to HistGradientBoosting).
    ``max_categories``: more distinct values than this share one "infrequent" code."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder

    numeric, dates, other = kinds(frame)
    parts: list[tuple[str, Any, list[str]]] = []
    if numeric:
        numbers = SimpleImputer(strategy="median") if impute else FunctionTransformer(as_numbers)
        parts.append(("numeric", numbers, numeric))
    if dates:
        seconds = FunctionTransformer(epoch_seconds)
        if impute:
            seconds = make_pipeline(seconds, SimpleImputer(strategy="median"))
        parts.append(("dates", seconds, dates))
    if other:
        codes = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=-1 if impute else np.nan,
            encoded_missing_value=-2 if impute else np.nan,
            max_categories=max_categories,
        )
        parts.append(("other", make_pipeline(FunctionTransformer(as_text), codes), other))
    categorical = [False] * (len(numeric) + len(dates)) + [True] * len(other)
    return Encoded(ColumnTransformer(parts, remainder="drop"), categorical)


def as_numbers(frame: pd.DataFrame) -> Array:
    """Floats with NaN for missing (nullable integers' NA too; text that is no number)."""
    return np.column_stack(
        [pd.to_numeric(frame[c], errors="coerce").astype("float64") for c in frame.columns]
    )


def epoch_seconds(frame: pd.DataFrame) -> Array:
    """Seconds since 1970 (UTC), NaN where missing, whatever the column's time unit."""
    epoch = pd.Timestamp(0, tz="UTC")
    return np.column_stack(
        [
            (pd.to_datetime(frame[c], errors="coerce", utc=True) - epoch) / pd.Timedelta(seconds=1)
            for c in frame.columns
        ]
    ).astype(float)


def as_text(frame: pd.DataFrame) -> Array:
    text: Array = frame.astype("string").fillna(MISSING_TEXT).to_numpy(dtype=object)
    return text
