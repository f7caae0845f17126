"""Rows as callers send them, checked against a version's input schema.

A call's rows are checked and converted cell by cell into plain per-feature columns here,
on the event loop, without pandas: building a DataFrame costs about a millisecond, so it
is built once per engine call for the whole micro-batch (``frame``), not once per call."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from phantom.config import settings
from phantom.kit.errors import BadUserInput

MAX_TEXT = 10_000
# the engines compute in 32-bit floats (scikit-learn's trees, LightGBM, XGBoost): a larger
# number becomes infinity there and fails the whole micro-batch it shares with others
MAX_MAGNITUDE = float(np.finfo(np.float32).max)
NUMERIC_PREFIXES = ("int", "uint", "float", "Int", "UInt", "Float")
Columns = dict[str, list[Any] | np.ndarray]  # numbers: float64 arrays (None is NaN)
EARLIEST = pd.Timestamp("1678-01-01")  # what a datetime64[ns] column can hold
LATEST = pd.Timestamp("2262-04-11")


def _bad(row: int, column: str, what: str) -> BadUserInput:
    return BadUserInput(f"Row {row}, column '{column[:100]}': {what}")


def _number(value: Any, name: str, row: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _bad(row, name, "expected a number, got true/false.")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond float's range
            raise _bad(row, name, "expected a finite number.") from None
    elif isinstance(value, dict | list):
        raise _bad(row, name, "expected a single value, got an object or a list.")
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise _bad(row, name, f"expected a number, got '{str(value)[:50]}'.") from None
    if not math.isfinite(number):
        raise _bad(row, name, "expected a finite number.")
    if abs(number) > MAX_MAGNITUDE:
        raise _bad(
            row, name, f"expected a number between -{MAX_MAGNITUDE:.4g} and {MAX_MAGNITUDE:.4g}."
        )
    return number


def _numbers(values: list[Any], name: str) -> np.ndarray:
    """A numeric column. The common case (ints, finite floats, nulls) is checked by type
    and converted by numpy in one go; anything else goes cell by cell, for the message."""
    for value in values:
        kind = type(value)
        if kind is float:
            if value - value != 0:  # NaN or infinity
                break
        elif kind is not int and value is not None:
            break
    else:
        try:
            numbers = np.array(values, dtype=np.float64)
        except OverflowError:
            pass
        else:
            if not (np.abs(numbers) > MAX_MAGNITUDE).any():
                return numbers
    return np.array([_number(v, name, i) for i, v in enumerate(values, start=1)], np.float64)


def _other(value: Any, dtype: str, name: str, row: int) -> Any:
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise _bad(row, name, "expected a single value, got an object or a list.")
    if dtype in ("bool", "boolean"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise _bad(row, name, f"expected true or false, got '{str(value)[:50]}'.")
    if dtype.startswith("datetime"):
        try:
            stamp = pd.Timestamp(str(value))
        except (ValueError, TypeError):
            raise _bad(row, name, f"expected an ISO 8601 date, got '{str(value)[:50]}'.") from None
        # one kind of value per column: a time with an offset becomes the same instant in
        # UTC, without one (``frame`` reads naive times as UTC for tz-aware features).
        # Mixed, the calls of one micro-batch or one log flush could not share a frame.
        if stamp is not pd.NaT and stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        if stamp is not pd.NaT and not EARLIEST <= stamp <= LATEST:
            # the engines take nanosecond times: refused here, not by the shared batch
            raise _bad(row, name, f"expected a date between {EARLIEST.year} and {LATEST.year}.")
        return stamp
    text = str(value)
    if len(text) > MAX_TEXT:
        raise _bad(row, name, f"text longer than {MAX_TEXT} characters.")
    if not text.isascii():
        try:  # a lone surrogate ("\ud800", which Python's json accepts) is not Unicode
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise _bad(row, name, "expected valid Unicode text (no lone surrogates).") from None
    return text


def rows_to_columns(rows: object, features: list[dict[str, str]]) -> tuple[Columns, int]:
    """The rows as one list per feature, and their number. Missing features are missing
    values (every engine handles them); an unknown column is refused, since a misspelt
    feature would otherwise be silently ignored."""
    if not isinstance(rows, list) or not rows:
        raise BadUserInput('rows must be a non-empty list of objects: [{"column": value}].')
    if len(rows) > settings.PREDICT_MAX_ROWS:
        raise BadUserInput(
            f"At most {settings.PREDICT_MAX_ROWS} rows per call; got {len(rows)}. Use batch "
            "scoring for more."
        )
    names = [f["name"] for f in features]
    known = set(names)
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise BadUserInput(f"Row {index} must be an object of column: value.")
        if not row.keys() <= known:
            unknown = next(k for k in row if k not in known)
            raise BadUserInput(
                f"Row {index} has unknown column '{str(unknown)[:100]}'; the model's "
                f"features are: {', '.join(sorted(known))[:2000]}."
            )
    columns: Columns = {}
    for feature in features:
        name, dtype = feature["name"], feature["dtype"]
        values = [row.get(name) for row in rows]
        if dtype.startswith(NUMERIC_PREFIXES):
            columns[name] = _numbers(values, name)
        else:
            columns[name] = [_other(v, dtype, name, i) for i, v in enumerate(values, start=1)]
    return columns, len(rows)


def frame(parts: list[Columns], features: list[dict[str, str]]) -> pd.DataFrame:
    """One DataFrame of every call's columns, typed as the model was trained."""
    data: dict[str, Any] = {}
    for feature in features:
        name, dtype = feature["name"], feature["dtype"]
        if dtype.startswith(NUMERIC_PREFIXES):
            data[name] = np.concatenate([np.asarray(p[name], np.float64) for p in parts])
            continue
        values = parts[0][name] if len(parts) == 1 else [v for p in parts for v in p[name]]
        if dtype.startswith("datetime"):
            data[name] = pd.to_datetime(
                pd.Series(values, dtype="object"), utc="UTC" in dtype or "tz" in dtype
            )
        else:
            data[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data)
