"""SHAP values of a loaded model for some rows: what serving answers per prediction and
what training summarises per model.

Two ways, chosen per model:
- exact tree SHAP (``shap.TreeExplainer``) when the served model is one AutoGluon tree
  model (LightGBM, XGBoost, CatBoost, RandomForest, ExtraTrees, or a refit bag of one of
  them). It explains the rows as AutoGluon hands them to that model
  (``TabularPredictor.transform_features(model=...)`` then the model's own
  ``preprocess``); each generated column is credited to the request column it came from
  (the feature generator's links: ``when`` -> ``when.month``, ``when.day``...; XGBoost's
  one-hot columns ``region_0``... -> ``region``) by summing, which keeps additivity. The
  sum is checked against the model's own answer; a mismatch, an unknown model or a
  column that cannot be traced back falls back to the second way.
- otherwise a sampled model-agnostic explainer (``shap.KernelExplainer``) against the
  background sample stored at training (``phantom-background.parquet``). It is additive
  by construction: base value = mean output over the background, and the values are
  constrained to sum from it to the row's output.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.base import LoadedModel
from phantom.kit.imports import IMPORTS
from phantom.serving.rows import NUMERIC_PREFIXES, columns_of, frame

log = logging.getLogger(__name__)

TREE_MODELS = {
    "LGBModel": "log-odds",
    "XGBoostModel": "log-odds",
    "CatBoostModel": "log-odds",
    "RFModel": "probability",
    "XTModel": "probability",
}
SAMPLES = 126  # Kernel SHAP coalitions per row, each scored on every background row
TOLERANCE = 1e-3  # |base + sum - output| allowed, relative to max(1, |output|)
Array = np.ndarray[Any, Any]


def load_shap() -> Any:
    """shap, imported without the deprecation warnings its plotting imports raise
    (matplotlib's): nothing here plots. The first call imports it (3 s on a quiet host,
    10 s on a loaded one), never beside another thread's model load (kit/imports.py)."""
    if (loaded := sys.modules.get("shap")) is not None:
        return loaded
    with IMPORTS, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import shap

    return shap


class OutOfTime(Exception):
    """The deadline passed while explaining."""


@dataclass(frozen=True, slots=True)
class Subject:
    """What a version predicts: enough to say in words what a number explains."""

    task: str  # TaskType value
    target: str | None
    classes: list[Any] | None


@dataclass(frozen=True, slots=True)
class Explained:
    method: str  # "tree" | "kernel"
    explained: list[str]  # per row, in words
    base: Array  # (rows,)
    output: Array  # (rows,)
    values: Array  # (rows, features), in ``features`` order
    features: list[str]


def words(subject: Subject, scale: str, label: Any = None) -> str:
    target = subject.target or "the target"
    if subject.task == "BINARY" and subject.classes and len(subject.classes) == 2:
        return f"{scale} of {target} = {subject.classes[1]}"
    if subject.task in ("BINARY", "MULTICLASS"):
        return f"{scale} of {target} = {label} (the predicted class)"
    if subject.task == "ANOMALY_DETECTION":
        return "anomaly score (higher is more anomalous)"
    return f"predicted {target}"


@contextmanager
def _held(lock: threading.Lock | None) -> Iterator[None]:
    if lock is None:
        yield
        return
    with lock:
        yield


def explain(
    model: LoadedModel,
    subject: Subject,
    features: list[dict[str, str]],
    rows: pd.DataFrame,
    background: pd.DataFrame | None,
    deadline: float,
    lock: threading.Lock | None = None,
    samples: int = SAMPLES,
) -> Explained:
    """SHAP values for ``rows`` (typed as ``serving.rows.frame`` types them). ``lock`` is
    taken around each call into the model only, so other callers of the same model are
    not held for a whole explanation. Raises ``OutOfTime`` past ``deadline``
    (``time.monotonic()``), ``LookupError`` when only the sampled way applies and there
    is no background."""
    names = [f["name"] for f in features]
    try:
        with _held(lock):
            tree = _tree(model, subject, names, rows)
    except Exception:  # an engine detail we did not foresee: the sampled way still holds
        log.warning("tree SHAP failed; using the sampled explainer", exc_info=True)
        tree = None
    if tree is not None:
        return tree
    if background is None or background.empty:
        raise LookupError("no background sample")
    return _sampled(model, subject, features, rows, background, deadline, lock, samples)


# --- exact tree SHAP ---------------------------------------------------------------------


def _served_tree(model: LoadedModel) -> tuple[Any, Any, str, str] | None:
    """(predictor, tree model, its name, its scale) when the served model is a tree model."""
    predictor = getattr(model, "predictor", None)
    if predictor is None:
        return None
    name = str(predictor.model_best)
    trainer = predictor._trainer  # no public accessor
    inner = trainer.load_model(name)
    bases = list(getattr(inner, "base_model_names", None) or [])
    if "WeightedEnsemble" in type(inner).__name__ and len(bases) == 1:
        # an "ensemble" of one model (a zoo of one, or one model won every weight)
        # answers what that model answers; the check against the served answer holds it
        name = str(bases[0])
        inner = trainer.load_model(name)
    children = getattr(inner, "models", None)
    if children is not None and hasattr(inner, "load_child"):
        if len(children) != 1:  # a bag of k fold models averages probabilities
            return None
        inner = inner.load_child(children[0])
    scale = TREE_MODELS.get(type(inner).__name__)
    if scale is None:
        return None
    return predictor, inner, name, scale


def _columns_of(inner: Any, prepared: Any) -> list[str]:
    """The internal feature each column the tree sees comes from."""
    generator = getattr(inner, "_ohe_generator", None)
    if generator is not None:  # XGBoost: one-hot columns "<category feature>_<i>" first
        cats, others = list(generator.cat_cols), set(generator.other_cols)
        columns = []
        for column in generator.get_feature_names():
            if column in others:
                columns.append(column)
                continue
            owner = next((c for c in cats if column.startswith(f"{c}_")), None)
            if owner is None:
                raise LookupError(column)
            columns.append(owner)
        return columns
    if isinstance(prepared, pd.DataFrame):
        return [str(c) for c in prepared.columns]
    return [str(c) for c in inner._features_internal]


def _origins(predictor: Any) -> dict[str, str]:
    """Generated feature -> the request column it was made from (AutoGluon's links)."""
    links = predictor._learner.feature_generator.get_feature_links()
    return {out: source for source, outs in links.items() for out in outs}


def _tree(
    model: LoadedModel, subject: Subject, names: list[str], rows: pd.DataFrame
) -> Explained | None:
    found = _served_tree(model)
    if found is None:
        return None
    predictor, inner, name, scale = found
    shap = load_shap()
    internal = predictor.transform_features(rows, model=name)
    prepared = inner.preprocess(internal)
    result = shap.TreeExplainer(inner.model)(prepared)
    columns = _columns_of(inner, prepared)
    origins = _origins(predictor)
    position = {n: i for i, n in enumerate(names)}
    values: Array = np.asarray(result.values, dtype=np.float64)
    base: Array = np.asarray(result.base_values, dtype=np.float64)
    if values.shape[1] != len(columns):
        return None
    # credit each generated column to its request column (sums keep additivity)
    credit = np.zeros((len(columns), len(names)))
    for j, column in enumerate(columns):
        source = origins.get(column, column)
        if source not in position:
            return None
        credit[j, position[source]] = 1.0
    if values.ndim == 3:  # (rows, columns, classes)
        per_feature = np.einsum("rck,cf->rfk", values, credit)
    else:
        per_feature = values @ credit
    if base.ndim == 2 and base.shape[1] == 1:
        base = base[:, 0]
    return _tree_outputs(predictor, name, subject, scale, rows, per_feature, base, names)


def _tree_outputs(
    predictor: Any,
    name: str,
    subject: Subject,
    scale: str,
    rows: pd.DataFrame,
    values: Array,
    base: Array,
    names: list[str],
) -> Explained | None:
    """Pick the explained output and check it against the model's own answer."""
    n = len(rows)
    if subject.task == "REGRESSION":
        predicted = np.asarray(predictor.predict(rows, as_pandas=False), np.float64)
        if values.ndim != 2:
            return None
        base = np.broadcast_to(base, (n,)).astype(np.float64)
        return _checked("tree", [words(subject, "")] * n, base, values, predicted, names)
    proba = predictor.predict_proba(rows, as_multiclass=True)  # what serving answers
    p = proba.to_numpy(dtype=np.float64)
    classes = list(proba.columns)
    if values.ndim == 2:  # one output: the positive class (binary)
        if len(classes) != 2:
            return None
        expected = _logit(p[:, 1]) if scale == "log-odds" else p[:, 1]
        base = np.broadcast_to(base, (n,)).astype(np.float64)
        text = [words(subject, scale)] * n
        return _checked("tree", text, base, values, expected, names)
    if values.shape[2] != len(classes):
        return None
    totals = np.broadcast_to(base, (n, len(classes))) + values.sum(axis=1)
    shown = totals if scale == "probability" else _softmax(totals)
    if not np.allclose(shown, p, atol=TOLERANCE):
        log.warning("tree SHAP does not add up to %s's answer; using the sampled explainer", name)
        return None
    scale_text = "probability" if scale == "probability" else "raw score (before softmax)"
    if len(classes) == 2 and subject.task == "BINARY":
        pick = np.ones(n, dtype=np.int64)  # the positive class, as for two-output models
        text = [words(subject, scale_text)] * n
    else:
        pick = np.argmax(p, axis=1)
        text = [words(subject, scale_text, classes[k]) for k in pick]
    index = np.arange(n)
    picked = values[index, :, pick]
    picked_base = np.broadcast_to(base, (n, len(classes)))[index, pick]
    return Explained("tree", text, picked_base, totals[index, pick], picked, names)


def _checked(
    method: str, text: list[str], base: Array, values: Array, expected: Array, names: list[str]
) -> Explained | None:
    total = base + values.sum(axis=1)
    if not np.all(np.abs(total - expected) <= TOLERANCE * np.maximum(1.0, np.abs(expected))):
        log.warning("tree SHAP does not add up to the model's answer; using the sampled one")
        return None
    return Explained(method, text, base, total, values, names)


def _logit(p: Array) -> Array:
    clipped = np.clip(p, 1e-15, 1 - 1e-15)
    result: Array = np.log(clipped / (1 - clipped))
    return result


def _softmax(z: Array) -> Array:
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    result: Array = shifted / shifted.sum(axis=1, keepdims=True)
    return result


# --- the sampled, model-agnostic way ---------------------------------------------------


class _Codec:
    """Rows as numbers for shap's masker (which mixes rows and background cell by cell):
    numeric features as they are, any other value as its index in a table of the values
    seen in the rows and the background."""

    def __init__(self, features: list[dict[str, str]], frames: list[pd.DataFrame]) -> None:
        self.features = features
        self.numeric = [f["dtype"].startswith(NUMERIC_PREFIXES) for f in features]
        self.values: dict[str, list[Any]] = {}
        for feature, numeric in zip(features, self.numeric, strict=True):
            if not numeric:
                seen: dict[Any, None] = {}
                for part in frames:
                    for value in part[feature["name"]].tolist():
                        seen.setdefault(_plain(value), None)
                self.values[feature["name"]] = list(seen)
        self.codes = {n: {v: i for i, v in enumerate(vs)} for n, vs in self.values.items()}

    def encode(self, rows: pd.DataFrame) -> Array:
        columns = []
        for feature, numeric in zip(self.features, self.numeric, strict=True):
            name = feature["name"]
            if numeric:
                columns.append(rows[name].to_numpy(dtype=np.float64, na_value=np.nan))
            else:
                codes = self.codes[name]
                columns.append(np.array([codes[_plain(v)] for v in rows[name].tolist()], float))
        return np.column_stack(columns)

    def decode(self, matrix: Array) -> pd.DataFrame:
        columns: dict[str, Any] = {}
        for j, (feature, numeric) in enumerate(zip(self.features, self.numeric, strict=True)):
            name = feature["name"]
            if numeric:
                columns[name] = matrix[:, j]
            else:
                values = self.values[name]
                columns[name] = [values[int(c)] for c in matrix[:, j]]
        return frame([columns_of(columns, self.features, len(matrix))], self.features)


def _plain(value: Any) -> Any:
    """One key per value: every kind of missing (None, NaN, NaT) is None; a time with a
    zone is the same instant without one (as ``serving.rows`` reads times)."""
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        return value.tz_convert("UTC").tz_localize(None)
    return value


def typed(table: pd.DataFrame, features: list[dict[str, str]]) -> pd.DataFrame:
    """A stored table (the background, the holdout) typed as serving types a call's rows,
    so the model and the explainer see one representation."""
    columns: dict[str, Any] = {}
    for feature in features:
        name = feature["name"]
        if feature["dtype"].startswith(NUMERIC_PREFIXES):
            columns[name] = pd.to_numeric(table[name], errors="coerce").to_numpy(
                np.float64, na_value=np.nan
            )
        else:
            columns[name] = [_plain(v) for v in table[name].tolist()]
    return frame([columns_of(columns, features, len(table))], features)


def _output(subject: Subject, model: LoadedModel, table: pd.DataFrame) -> Array:
    predicted = model.predict(table)
    if subject.task == "ANOMALY_DETECTION":
        return np.asarray(predicted.scores, dtype=np.float64)
    if predicted.probabilities is not None:
        probabilities: Array = np.asarray(predicted.probabilities, dtype=np.float64)
        return probabilities
    return np.asarray(predicted.labels, dtype=np.float64)


def _sampled(
    model: LoadedModel,
    subject: Subject,
    features: list[dict[str, str]],
    rows: pd.DataFrame,
    background: pd.DataFrame,
    deadline: float,
    lock: threading.Lock | None,
    samples: int,
) -> Explained:
    shap = load_shap()
    codec = _Codec(features, [rows, background])

    def f(matrix: Array) -> Array:
        if time.monotonic() >= deadline:
            raise OutOfTime
        table = codec.decode(np.asarray(matrix))
        with _held(lock):
            return _output(subject, model, table)

    x, reference = codec.encode(rows), codec.encode(background)
    # Kernel SHAP (not shap's Permutation explainer: its numba kernels took 20-40 s to
    # compile on a loaded host, in every process's first explanation). It is additive by
    # construction (the weighted regression is constrained to sum to f(x) - E f), and
    # exact when the coalitions are all enumerated (2^M - 2 of them: up to 7 features
    # within the default sample count).
    explainer = shap.KernelExplainer(f, reference, link="identity")
    count = len(features)
    nsamples = max(2 * count + 2, min(2 ** min(count, 30) - 2, samples))
    base_all = np.asarray(explainer.expected_value, dtype=np.float64)
    values_all, bases_all = [], []
    for i in range(len(x)):  # row by row: the deadline is checked between rows too
        if time.monotonic() >= deadline:
            raise OutOfTime
        result = explainer.shap_values(x[i : i + 1], nsamples=nsamples, l1_reg=False, silent=True)
        values_all.append(np.asarray(result, dtype=np.float64)[0])
        bases_all.append(base_all)
    values, bases = np.stack(values_all), np.stack(bases_all)
    names = [f["name"] for f in features]
    n = len(rows)
    if values.ndim == 2:  # one output: regression, anomaly score
        return Explained(
            "kernel", [words(subject, "")] * n, bases, bases + values.sum(1), values, names
        )
    classes = subject.classes or list(range(values.shape[2]))
    if subject.task == "BINARY" and values.shape[2] == 2:
        pick = np.ones(n, dtype=np.int64)
    else:
        totals = bases + values.sum(axis=1)
        pick = np.argmax(totals, axis=1)
    index = np.arange(n)
    picked, base = values[index, :, pick], bases[index, pick]
    text = [words(subject, "probability", classes[k] if k < len(classes) else k) for k in pick]
    return Explained("kernel", text, base, base + picked.sum(axis=1), picked, names)


def deadline_in(seconds: float) -> float:
    return time.monotonic() + seconds if math.isfinite(seconds) else math.inf
