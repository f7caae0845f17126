"""Rows as callers send them, checked against a version's input schema.

A call's rows are checked here, on the event loop, without pandas: the numeric features
become one float64 matrix (rows x features) in one numpy conversion once their cells are
checked by type, every other feature a list. Building a DataFrame costs a fraction of a
millisecond, so it is built once per engine call for the whole micro-batch (``frame``),
not once per call; per-feature numpy work on a one-row call costs more than the model
(docs/benchmarks.md), hence the matrix."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
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
MAX_LAYOUTS = 1024
_PLAIN_NUMBERS = {int, float, type(None)}
EARLIEST = pd.Timestamp("1678-01-01")  # what a datetime64[ns] column can hold
LATEST = pd.Timestamp("2262-04-11")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a version's features sit in a call's ``Columns``."""

    numeric: tuple[str, ...]  # the numeric features, in the version's order
    position: dict[str, int]  # numeric feature -> its column in ``Columns.numbers``
    others: tuple[tuple[str, str], ...]  # (name, dtype) of every other feature
    order: tuple[int, ...]  # numeric column j is feature ``order[j]`` of the version
    names: frozenset[str]
    numeric_cells: Callable[[dict[str, Any]], tuple[Any, ...]]  # a full row's numbers
    other_cells: Callable[[dict[str, Any]], tuple[Any, ...]]  # KeyError if one is absent


@dataclass(frozen=True, slots=True, eq=False)
class Columns:
    """One call's rows, checked: ``numbers[row, j]`` is numeric feature
    ``layout.numeric[j]`` (NaN: missing); ``others[name]`` one value per row."""

    layout: Layout
    numbers: np.ndarray
    others: dict[str, list[Any]]
    count: int

    def __getitem__(self, name: str) -> np.ndarray | list[Any]:
        j = self.layout.position.get(name)
        return self.numbers[:, j] if j is not None else self.others[name]


_layouts: dict[int, tuple[list[dict[str, str]], Layout]] = {}


def layout(features: list[dict[str, str]]) -> Layout:
    """A features list's layout, built once per list: versions are cached per process, so
    their lists live long, and the cache keeps each list it names, so an id is never
    reused while cached."""
    found = _layouts.get(id(features))
    if found is not None and found[0] is features:
        return found[1]
    numeric = [(i, f["name"]) for i, f in enumerate(features) if _is_numeric(f["dtype"])]
    names = {name for _, name in numeric}
    built = Layout(
        numeric=tuple(name for _, name in numeric),
        position={name: j for j, (_, name) in enumerate(numeric)},
        others=tuple((f["name"], f["dtype"]) for f in features if f["name"] not in names),
        order=tuple(i for i, _ in numeric),
        names=frozenset(f["name"] for f in features),
        numeric_cells=_getter(tuple(name for _, name in numeric)),
        other_cells=_getter(tuple(f["name"] for f in features if f["name"] not in names)),
    )
    if len(_layouts) >= MAX_LAYOUTS:
        _layouts.pop(next(iter(_layouts)), None)
    _layouts[id(features)] = (features, built)
    return built


def _getter(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """``itemgetter`` that always answers a tuple (it answers the bare value for one name),
    and raises TypeError for anything but an object (a row that is a list or text)."""
    if len(names) > 1:
        return itemgetter(*names)

    def cells(row: dict[str, Any]) -> tuple[Any, ...]:
        if type(row) is not dict:
            raise TypeError("not an object")
        return tuple(row[name] for name in names)

    return cells


def _is_numeric(dtype: str) -> bool:
    return dtype.startswith(NUMERIC_PREFIXES)


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


def _numbers(cells: list[tuple[Any, ...]], names: tuple[str, ...]) -> np.ndarray:
    """The numeric features as one matrix (a tuple of ``cells`` per row). The common case
    (ints, finite floats, nulls) is checked by type and converted by numpy in one go;
    anything else goes cell by cell, feature by feature, for the message."""
    if set(map(type, chain.from_iterable(cells))) <= _PLAIN_NUMBERS:
        try:
            numbers = np.array(cells, dtype=np.float64)  # None is NaN
        except OverflowError:  # an integer beyond float's range
            pass
        else:
            magnitude = np.abs(numbers)
            # one pass for the common case: nothing missing (NaN fails it), nothing too large
            if not numbers.size or magnitude.max() <= MAX_MAGNITUDE:
                return numbers
            if not (magnitude > MAX_MAGNITUDE).any() and _nan_only_for_null(numbers, cells):
                return numbers
    checked = np.empty((len(cells), len(names)), np.float64)
    for j, name in enumerate(names):
        for i, row in enumerate(cells):
            number = _number(row[j], name, i + 1)
            checked[i, j] = math.nan if number is None else number
    return checked


def _nan_only_for_null(numbers: np.ndarray, cells: list[tuple[Any, ...]]) -> bool:
    """Null cells became NaN, as they should; a NaN sent as a number must not pass."""
    missing = np.isnan(numbers)
    if not missing.any():
        return True
    rows, columns = np.nonzero(missing)
    return all(cells[i][j] is None for i, j in zip(rows.tolist(), columns.tolist(), strict=True))


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
    """The rows checked, and their number. Missing features are missing values (every
    engine handles them); an unknown column is refused, since a misspelt feature would
    otherwise be silently ignored."""
    if not isinstance(rows, list) or not rows:
        raise BadUserInput('rows must be a non-empty list of objects: [{"column": value}].')
    if len(rows) > settings.PREDICT_MAX_ROWS:
        raise BadUserInput(
            f"At most {settings.PREDICT_MAX_ROWS} rows per call; got {len(rows)}. Use batch "
            "scoring for more."
        )
    shape = layout(features)
    numeric = shape.numeric
    try:  # the common case: every row an object of every feature, nothing else
        cells = [shape.numeric_cells(row) for row in rows]
        if shape.others:  # every feature in every row: then the count means no other key
            for row in rows:
                shape.other_cells(row)
        complete = sum(map(len, rows)) == len(rows) * len(shape.names)
    except (KeyError, TypeError, IndexError):
        complete = False
    if not complete:
        _check_shape(rows, shape.names)
        cells = [tuple(row.get(name) for name in numeric) for row in rows]
    numbers = _numbers(cells, numeric)
    others = {
        name: [_other(row.get(name), dtype, name, i) for i, row in enumerate(rows, start=1)]
        for name, dtype in shape.others
    }
    return Columns(shape, numbers, others, len(rows)), len(rows)


def _check_shape(rows: list[Any], known: frozenset[str]) -> None:
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise BadUserInput(f"Row {index} must be an object of column: value.")
        if not row.keys() <= known:
            unknown = next(k for k in row if k not in known)
            raise BadUserInput(
                f"Row {index} has unknown column '{str(unknown)[:100]}'; the model's "
                f"features are: {', '.join(sorted(known))[:2000]}."
            )


def columns_of(values: dict[str, Any], features: list[dict[str, str]], count: int) -> Columns:
    """``Columns`` from one already-typed sequence per feature (numbers as floats, NaN
    missing; others as ``rows_to_columns`` makes them): for tables the product itself
    typed (explanations' backgrounds and perturbations), not callers' rows."""
    shape = layout(features)
    numbers = np.empty((count, len(shape.numeric)), np.float64)
    for j, name in enumerate(shape.numeric):
        numbers[:, j] = values[name]
    others = {name: list(values[name]) for name, _ in shape.others}
    return Columns(shape, numbers, others, count)


def frame(parts: list[Columns], features: list[dict[str, str]]) -> pd.DataFrame:
    """One DataFrame of every call's columns, typed as the model was trained."""
    shape = layout(features)
    numbers = parts[0].numbers if len(parts) == 1 else np.concatenate([p.numbers for p in parts])
    if not shape.others:  # all numeric: one block, in the version's order
        return pd.DataFrame(numbers, columns=list(shape.numeric), copy=True)
    data: dict[str, Any] = {}
    for feature in features:
        name, dtype = feature["name"], feature["dtype"]
        j = shape.position.get(name)
        if j is not None:
            data[name] = numbers[:, j]
            continue
        values = (
            parts[0].others[name] if len(parts) == 1 else [v for p in parts for v in p.others[name]]
        )
        if dtype.startswith("datetime"):
            data[name] = pd.to_datetime(
                pd.Series(values, dtype="object"), utc="UTC" in dtype or "tz" in dtype
            )
        else:
            data[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data)
