"""Inputs unlike anything the model learned from: flagged on every answer, never silently
scored.

At training (``automl/runner.py``) the training split's inputs are profiled: per numeric
feature its range, per categorical feature the values seen (up to ``MAX_CATEGORIES``;
beyond that no value counts as unseen), and whether it ever lacked a value. The profile
is stored in the artefact (``phantom-model.json``, key ``inputs``), so serving reads it
with the model and no database round trip. At serving, each call's checked columns are
compared with it: the numbers all at once, as one matrix against per-feature bounds
built once per loaded model (no pandas, no per-cell work), the other features one at a
time: a number outside the training range widened by ``RANGE_MARGIN`` of its width
on each side is OUT_OF_RANGE, a category never seen is UNSEEN_CATEGORY, and no value
(absent or null) for a feature training always had is MISSING. Versions trained before
the profile existed get MISSING warnings only (every feature counts as required).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from phantom.monitoring.reference import category_text_one
from phantom.serving.rows import NUMERIC_PREFIXES, Columns, Layout

PROFILE_FORMAT = 1
MAX_CATEGORIES = 1000
RANGE_MARGIN = 0.1
MAX_SHOWN = 100  # characters of a value quoted in a message
MAX_CACHED = 1024
_NO_FEATURES: dict[str, Any] = {}


def _numeric(dtype: str) -> bool:
    return dtype.startswith(NUMERIC_PREFIXES)


def input_profile(train: pd.DataFrame, features: list[dict[str, str]]) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    for feature in features:
        name = feature["name"]
        values = train[name]
        missing = int(values.isna().sum())
        if _numeric(feature["dtype"]):
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(np.float64, na_value=np.nan)
            finite = numbers[np.isfinite(numbers)]
            entry: dict[str, Any] = {"kind": "numeric", "missing": missing}
            if finite.size:
                entry.update(min=float(finite.min()), max=float(finite.max()))
            profile[name] = entry
        elif feature["dtype"].startswith("datetime"):
            profile[name] = {"kind": "datetime", "missing": missing}
        else:
            seen = sorted({category_text_one(v) for v in values.dropna().unique()})
            profile[name] = {
                "kind": "categorical",
                "missing": missing,
                "categories": seen if len(seen) <= MAX_CATEGORIES else None,
            }
    return {"format": PROFILE_FORMAT, "features": profile}


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}..."


def _warning(row: int, feature: str, kind: str, message: str) -> dict[str, Any]:
    return {"row": row, "feature": feature, "kind": kind, "message": message}


@dataclass(frozen=True, slots=True)
class _Bounds:
    """A profile's numeric checks as vectors over ``Layout.numeric``: a value below
    ``low`` or above ``high`` is OUT_OF_RANGE (infinite where training had no range), a
    missing one where ``required`` is MISSING."""

    low: np.ndarray
    high: np.ndarray
    required: np.ndarray
    ranges: list[tuple[float, float] | None]  # the training range, for the message


_bounds_cache: dict[tuple[int, int], tuple[Layout, dict[str, Any], _Bounds]] = {}


def _bounds(shape: Layout, known: dict[str, Any]) -> _Bounds:
    """Built once per (layout, profile): the loaded model holds its profile for as long
    as it serves, and this cache holds both, so their ids are not reused while cached."""
    key = (id(shape), id(known))
    found = _bounds_cache.get(key)
    if found is not None and found[0] is shape and found[1] is known:
        return found[2]
    count = len(shape.numeric)
    low, high = np.full(count, -np.inf), np.full(count, np.inf)
    required = np.ones(count, dtype=bool)
    ranges: list[tuple[float, float] | None] = [None] * count
    for j, name in enumerate(shape.numeric):
        spec = known.get(name)
        if spec and spec.get("missing"):
            required[j] = False
        if spec and spec.get("kind") == "numeric" and "min" in spec:
            lowest, highest = spec["min"], spec["max"]
            margin = RANGE_MARGIN * (highest - lowest)
            low[j], high[j] = lowest - margin, highest + margin
            ranges[j] = (lowest, highest)
    built = _Bounds(low, high, required, ranges)
    if len(_bounds_cache) >= MAX_CACHED:
        _bounds_cache.pop(next(iter(_bounds_cache)), None)
    _bounds_cache[key] = (shape, known, built)
    return built


def input_warnings(
    columns: Columns, features: list[dict[str, str]], profile: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Per row (``row``: the row's index in the call, from 0), ordered by row then
    feature."""
    known: dict[str, Any] = (profile or {}).get("features", _NO_FEATURES)
    shape = columns.layout
    found: list[tuple[int, int, dict[str, Any]]] = []
    numbers = columns.numbers
    if numbers.size:
        bounds = _bounds(shape, known)
        # one pass for the common case: every value within bounds (NaN fails both tests)
        if not ((numbers >= bounds.low) & (numbers <= bounds.high)).all():
            outside = (numbers < bounds.low) | (numbers > bounds.high)
            missing = np.isnan(numbers) & bounds.required
            for i, j in zip(*np.nonzero(outside | missing), strict=True):
                row, name = int(i), shape.numeric[j]
                order = shape.order[j]
                if missing[i, j]:
                    found.append((row, order, _missing(row, name)))
                    continue
                lowest, highest = bounds.ranges[j] or (-np.inf, np.inf)
                found.append(
                    (
                        row,
                        order,
                        _warning(
                            row,
                            name,
                            "OUT_OF_RANGE",
                            f"{name} = {numbers[i, j]:g} is far outside the training range "
                            f"[{lowest:g}, {highest:g}]: the prediction is an extrapolation.",
                        ),
                    )
                )
    order_of = {f["name"]: i for i, f in enumerate(features)} if shape.others else {}
    for name, _dtype in shape.others:
        spec = known.get(name)
        values = columns.others[name]
        order = order_of[name]
        categories = spec.get("categories") if spec else None
        if categories is not None and spec and spec.get("kind") == "categorical":
            seen = set(categories)
            for i, value in enumerate(values):
                if value is not None and category_text_one(value) not in seen:
                    found.append(
                        (
                            i,
                            order,
                            _warning(
                                i,
                                name,
                                "UNSEEN_CATEGORY",
                                f"{name} = '{_shown(value)}' never occurred in training: the "
                                "model treats it as an unknown value.",
                            ),
                        )
                    )
        if spec is None or not spec.get("missing"):
            for i, value in enumerate(values):
                if value is None:
                    found.append((i, order, _missing(i, name)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in found]


def _missing(row: int, name: str) -> dict[str, Any]:
    return _warning(
        row,
        name,
        "MISSING",
        f"No value for {name} (absent or null), which training always had: scored as missing.",
    )
