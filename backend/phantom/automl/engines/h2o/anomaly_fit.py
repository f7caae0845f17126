"""The anomaly detection fit: H2O's isolation forests, alone and averaged."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.base import FitOutcome, FitSpec, LeaderboardRow, Reporter
from phantom.automl.engines.h2o.connection import (
    download_model,
    h2o_module,
    predict_frame,
    warnings_logged,
)
from phantom.automl.engines.h2o.encoding import (
    CHECK_ROWS,
    Array,
    Feature,
    anomaly_scores,
    encode_features,
    feature_kind,
)
from phantom.automl.engines.h2o.node import FitCluster
from phantom.automl.tasks import METRICS, Outcome

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Member:
    name: str
    model_id: str
    fit_seconds: float
    train_scores: Array
    predict_seconds: float
    valid_scores: Array | None = None

    @property
    def mean(self) -> float:
        return float(np.mean(self.train_scores))

    @property
    def std(self) -> float:
        std = float(np.std(self.train_scores))
        return std if std > 0 else 1.0


def _labels_of(column: pd.Series) -> Array:
    """The label column as the metrics read it (``astype(bool)``)."""
    return np.asarray(column.to_numpy().astype(bool), dtype=bool)


def _split(n: int, labels: Array, seed: int) -> tuple[Array, Array]:
    """A stratified 80/20 split: indices to train on and to validate on."""
    rng = np.random.default_rng(seed)
    valid: list[int] = []
    for value in (False, True):
        members = np.flatnonzero(labels == value)
        rng.shuffle(members)
        valid.extend(members[: max(1, len(members) // 5)] if len(members) >= 2 else [])
    mask = np.zeros(n, dtype=bool)
    mask[valid] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def fit_anomaly(
    cluster: FitCluster, train: pd.DataFrame, spec: FitSpec, report: Reporter, started: float
) -> tuple[FitOutcome, dict[str, Any]]:
    from h2o.estimators import (
        H2OExtendedIsolationForestEstimator,
        H2OIsolationForestEstimator,
    )

    contamination = float(spec.options.get("contamination", 0.05))
    if not 0 < contamination < 0.5:
        raise ValueError("contamination must be between 0 and 0.5")
    features = [Feature(c, feature_kind(train[c])) for c in train.columns if c != spec.target]
    types = [f.h2o_type for f in features]
    fit_rows, valid_rows = np.arange(len(train)), np.arange(0)
    labels: Array | None = None
    if spec.target is not None:
        labelled = train[spec.target].notna().to_numpy()
        labels = _labels_of(train[spec.target])
        _, inner_valid = _split(int(labelled.sum()), labels[labelled], spec.seed)
        labelled_rows = np.flatnonzero(labelled)
        valid_rows = labelled_rows[inner_valid]
        fit_rows = np.setdiff1d(np.arange(len(train)), valid_rows)
    fit_part = train.iloc[fit_rows]
    fit_key = cluster.upload(encode_features(fit_part, features), types, spec.work_dir)
    valid_key = None
    if len(valid_rows):
        valid_part = train.iloc[valid_rows]
        valid_key = cluster.upload(encode_features(valid_part, features), types, spec.work_dir)
    h2o = h2o_module()
    run = uuid.uuid4().hex[:12]
    x = [f"f{i}" for i in range(len(features))]
    end = min(started + spec.time_limit_seconds, spec.deadline)
    candidates: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("IsolationForest", lambda s: H2OIsolationForestEstimator(**s)),
        (
            "ExtendedIsolationForest",
            lambda s: H2OExtendedIsolationForestEstimator(
                extension_level=max(len(features) - 1, 0), **s
            ),
        ),
    ]
    members: list[_Member] = []
    rows: list[LeaderboardRow] = []
    valid_labels = labels[valid_rows] if labels is not None and len(valid_rows) else None
    with warnings_logged():
        for name, build in candidates:
            remaining = end - time.time()
            if members and remaining < members[0].fit_seconds:  # about as long again
                log.info("h2o: no time left for %s", name)
                break
            model_id = f"phantom_{name.lower()}_{run}"
            params: dict[str, Any] = {"model_id": model_id, "seed": spec.seed}
            if name == "IsolationForest":  # the extended one has no time limit (and is quick)
                params["max_runtime_secs"] = max(int(remaining), 1)
            model = build(params)
            cluster.created.append(model_id)
            began = time.monotonic()
            model.train(x=x, training_frame=h2o.get_frame(fit_key))
            fitted = time.monotonic() - began
            began = time.monotonic()
            scores = anomaly_scores(predict_frame(cluster.connection, model_id, fit_key))
            member = _Member(name, model_id, fitted, scores, time.monotonic() - began)
            if valid_key is not None:
                member.valid_scores = anomaly_scores(
                    predict_frame(cluster.connection, model_id, valid_key)
                )
            members.append(member)
            rows = _anomaly_board(members, valid_labels, spec.metric, contamination)
            score = next(r.score_validation for r in rows if r.model_name == name)
            scored = f" ({spec.metric} {score:.4g})" if score is not None else ""
            report(f"Trained {name}{scored}", rows)
        if not members:
            raise RuntimeError("no isolation forest finished before the deadline")
        chosen = [m for m in members if m.name in rows[0].model_name.split("+")]
        for member in chosen:
            path = spec.model_dir / f"{member.name}.bin"
            download_model(cluster.connection, member.model_id, path)
    combined = _combine(chosen, [m.train_scores for m in chosen])
    threshold = float(np.quantile(combined, 1 - contamination))
    meta = {
        "features": [[f.name, f.kind] for f in features],
        "threshold": threshold,
        "contamination": contamination,
        "members": [
            {
                "file": f"{m.name}.bin",
                "model_id": m.model_id,
                "keys": [m.model_id],
                "mean": m.mean,
                "std": m.std,
            }
            for m in chosen
        ],
        "check": [float(v) for v in combined[:CHECK_ROWS]],
        "check_rows": [int(i) for i in fit_rows[:CHECK_ROWS]],
    }
    details = {
        "leader": rows[0].model_name,
        "threshold": threshold,
        "contamination": contamination,
        "validation_rows": len(valid_rows),
        "decision_threshold": threshold,  # on the combined score: above it, anomalous
        "hyperparameters": {m.name: {"seed": spec.seed} for m in chosen},
    }
    return FitOutcome(leaderboard=rows, best_model=rows[0].model_name, details=details), meta


def _combine(members: Sequence[_Member], scores: Sequence[Array]) -> Array:
    """Each member's scores standardised on its training scores, then averaged."""
    scaled = [(s - m.mean) / m.std for m, s in zip(members, scores, strict=True)]
    return np.asarray(np.mean(np.vstack(scaled), axis=0), dtype=np.float64)


def _anomaly_board(
    members: Sequence[_Member], valid_labels: Array | None, metric: str, contamination: float
) -> list[LeaderboardRow]:
    """One row per member and one for their average; with validation labels, best first by
    the metric, else the average first (nothing to choose by)."""
    groups: list[list[_Member]] = [[m] for m in members]
    if len(members) > 1:
        groups.insert(0, list(members))
    rows = []
    for group in groups:
        score = None
        if valid_labels is not None and len(np.unique(valid_labels)) == 2:
            valid = _combine(group, [m.valid_scores for m in group if m.valid_scores is not None])
            train = _combine(group, [m.train_scores for m in group])
            threshold = float(np.quantile(train, 1 - contamination))
            outcome = Outcome(valid_labels, valid > threshold, None, None, valid)
            with contextlib.suppress(ValueError, ZeroDivisionError):
                score = METRICS[metric].compute(outcome)
        rows.append(
            LeaderboardRow(
                model_name="+".join(m.name for m in group),
                score_validation=score,
                fit_time_seconds=sum(m.fit_seconds for m in group),
                predict_time_seconds=sum(m.predict_seconds for m in group),
            )
        )
    if valid_labels is not None and all(r.score_validation is not None for r in rows):
        sign = -1.0 if METRICS[metric].higher_is_better else 1.0
        rows.sort(key=lambda r: sign * (r.score_validation or 0.0))
    return rows
