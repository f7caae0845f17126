"""Scoring all-numeric rows as one matrix, when the engine can do it exactly as its
``predict`` would (``ScoresMatrices``): for a served LightGBM model, AutoGluon's pandas
pipeline around the booster cost ~10x the booster on a micro-batch (docs/benchmarks.md).

A matrix scorer is used only once its answers matched ``predict``'s at load, on the
training sample stored with the model (``ModelExtras.background``), the same rows with
every other value missing, and a row with every value missing: the same labels, classes,
probabilities and values, to the last bit. If the artefact has no sample, a value is not a
plain number, or anything differs, the model is served through ``predict`` as before."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from phantom.automl.engines.base import LoadedModel, MatrixScorer, Predictions, ScoresMatrices
from phantom.serving.rows import Columns, layout

log = logging.getLogger(__name__)
SAMPLE_ROWS = 256


def stacked(parts: list[Columns]) -> np.ndarray:
    """The micro-batch's numeric features: one matrix, in the version's order."""
    return parts[0].numbers if len(parts) == 1 else np.concatenate([p.numbers for p in parts])


def verified_matrix_scorer(
    model: LoadedModel, features: list[dict[str, str]], sample: pd.DataFrame | None
) -> MatrixScorer | None:
    """The model's matrix scorer if every feature is numeric and it answers as
    ``predict`` does on ``sample``; else None (logged)."""
    shape = layout(features)
    if shape.others or not shape.numeric or not isinstance(model, ScoresMatrices):
        return None
    if any(feature["dtype"] != "float64" for feature in features):
        return None  # the engine casts what comes in to its training dtype (float32, ints)
    if sample is None or not set(shape.numeric) <= set(sample.columns) or sample.empty:
        return None
    try:
        scorer = model.matrix_scorer(shape.numeric)
        if scorer is None:
            return None
        known = sample[list(shape.numeric)].head(SAMPLE_ROWS).to_numpy(dtype=np.float64)
        holes = known.copy()
        holes[(np.indices(holes.shape).sum(axis=0) % 2).astype(bool)] = np.nan
        matrix = np.vstack([known, holes, np.full((1, known.shape[1]), np.nan)])
        expected = model.predict(pd.DataFrame(matrix, columns=list(shape.numeric), copy=True))
        got = scorer(np.ascontiguousarray(matrix))
    except Exception:
        log.warning(
            "the matrix scorer could not be checked; scoring through predict", exc_info=True
        )
        return None
    if not same(expected, got):
        log.warning("the matrix scorer differs from predict; scoring through predict")
        return None
    return scorer


def same(expected: Predictions, got: Predictions) -> bool:
    """The same answer, to the last bit (NaN where NaN)."""
    return expected.classes == got.classes and all(
        _equal(a, b)
        for a, b in (
            (expected.labels, got.labels),
            (expected.probabilities, got.probabilities),
            (expected.scores, got.scores),
        )
    )


def _equal(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
