"""Inputs unlike anything the model learned from: flagged on every answer, never silently
scored.

At training (``automl/runner.py``) the training split's inputs are profiled: per numeric
feature its range, per categorical feature the values seen (up to ``MAX_CATEGORIES``;
beyond that no value counts as unseen), and whether it ever lacked a value. The profile
is stored in the artefact (``phantom-model.json``, key ``inputs``), so serving reads it
with the model and no database round trip. At serving, each call's checked columns are
compared with it, one feature at a time with numpy (no pandas, no per-cell work for
numbers): a number outside the training range widened by ``RANGE_MARGIN`` of its width
on each side is OUT_OF_RANGE, a category never seen is UNSEEN_CATEGORY, and no value
(absent or null) for a feature training always had is MISSING. Versions trained before
the profile existed get MISSING warnings only (every feature counts as required).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from phantom.monitoring.reference import category_text_one
from phantom.serving.rows import NUMERIC_PREFIXES, Columns

PROFILE_FORMAT = 1
MAX_CATEGORIES = 1000
RANGE_MARGIN = 0.1
MAX_SHOWN = 100  # characters of a value quoted in a message


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


def input_warnings(
    columns: Columns, features: list[dict[str, str]], profile: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Per row (``row``: the row's index in the call, from 0), ordered by row then
    feature."""
    known = (profile or {}).get("features", {})
    found: list[tuple[int, int, dict[str, Any]]] = []
    for order, feature in enumerate(features):
        name = feature["name"]
        spec = known.get(name)
        values = columns[name]
        if _numeric(feature["dtype"]):
            numbers = np.asarray(values, dtype=np.float64)
            missing = np.isnan(numbers)
            if spec and spec.get("kind") == "numeric" and "min" in spec:
                low, high = spec["min"], spec["max"]
                margin = RANGE_MARGIN * (high - low)
                outside = np.nonzero((numbers < low - margin) | (numbers > high + margin))[0]
                for i in outside.tolist():
                    found.append(
                        (
                            i,
                            order,
                            _warning(
                                i,
                                name,
                                "OUT_OF_RANGE",
                                f"{name} = {numbers[i]:g} is far outside the training range "
                                f"[{low:g}, {high:g}]: the prediction is an extrapolation.",
                            ),
                        )
                    )
        else:
            missing = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
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
            for i in np.nonzero(missing)[0].tolist():
                found.append(
                    (
                        i,
                        order,
                        _warning(
                            i,
                            name,
                            "MISSING",
                            f"No value for {name} (absent or null), which training always had: "
                            "scored as missing.",
                        ),
                    )
                )
    found.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in found]
