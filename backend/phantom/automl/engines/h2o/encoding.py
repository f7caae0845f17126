"""Columns and classes encoded the same way at fit and at predict time, and the metadata
file a model directory holds.

Binary classification: our labels come from the probabilities (``p1 >= 0.5``), not from
H2O's max-F1 threshold; target values go to H2O as ordered codes (``c0``, ``c1``, ...) so the
probability columns follow ``classes`` and ``classes[1]`` is H2O's positive class; feature
columns go as ``f0``, ``f1``, ... so no column name can break H2O's CSV parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

META_FILE = "h2o.json"
META_FORMAT = 1
CHECK_ROWS = 20  # training rows whose fit-time predictions are kept to verify a load

Array = np.ndarray[Any, Any]


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    kind: str  # "numeric", "bool", "datetime" (sent as epoch ms) or "enum" (as text)

    @property
    def h2o_type(self) -> str:
        return "Enum" if self.kind == "enum" else "Numeric"


def feature_kind(column: pd.Series) -> str:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "enum"


_BOOLS = {True: 1.0, False: 0.0, "True": 1.0, "False": 0.0, "true": 1.0, "false": 0.0}


def encode_features(frame: pd.DataFrame, features: Sequence[Feature]) -> pd.DataFrame:
    """Columns ``f0``, ``f1``, ... as H2O will parse them; a missing column is all-missing,
    a value that does not fit its column's kind is missing."""
    columns: dict[str, pd.Series] = {}
    for i, feature in enumerate(features):
        if feature.name not in frame.columns:
            columns[f"f{i}"] = pd.Series(np.nan, index=frame.index, dtype="float64")
            continue
        column = frame[feature.name]
        if feature.kind == "numeric":
            values = pd.to_numeric(column, errors="coerce").astype("float64")
        elif feature.kind == "bool":
            values = column.astype(object).map(lambda v: _BOOLS.get(v, np.nan)).astype("float64")
        elif feature.kind == "datetime":
            stamps = pd.to_datetime(column, errors="coerce", utc=True)
            values = (stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(milliseconds=1)
        else:
            missing = column.isna().to_numpy()
            values = column.astype(object).map(str)
            values[missing] = None
        columns[f"f{i}"] = values
    return pd.DataFrame(columns, index=frame.index)


def plain(value: Any) -> Any:
    """A class value as JSON keeps it (numpy scalars become Python ones)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def classes_of(target: pd.Series) -> list[Any]:
    values = list(pd.unique(target.dropna()))
    try:
        return [plain(v) for v in sorted(values)]
    except TypeError:  # mixed types: first appearance
        return [plain(v) for v in values]


def class_codes(classes: Sequence[Any]) -> list[str]:
    """``c0``, ``c1``, ... zero-padded, so H2O's sorted domain keeps our order."""
    width = len(str(max(len(classes) - 1, 0)))
    return [f"c{i:0{width}d}" for i in range(len(classes))]


def label_array(values: Sequence[Any]) -> Array:
    array = np.asarray(values)
    if array.dtype.kind in "biuf":
        return array
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def anomaly_scores(predicted: pd.DataFrame) -> Array:
    """Higher is more anomalous: the negated mean path length (shorter paths isolate
    outliers), the one output both isolation forests share."""
    return -np.asarray(predicted["mean_length"], dtype=np.float64)
