"""Anomaly detection with an ensemble of two isolation forests and a local outlier factor
(scikit-learn).

Members differ in what they catch: a standard isolation forest (256-row subsamples: global
anomalies, and clusters of anomalies that larger samples would mask), one with 1,024-row
subsamples (denser data), and a local outlier factor (density: anomalies that are only
unusual next to their neighbours) on standardised columns, fitted on the distinct rows of a
subsample (duplicated rows, common in telemetry, make LOF's densities infinite).

Each member's raw score is standardised with the mean and standard deviation of its scores
on the training rows, and the ensemble averages them: higher is more anomalous. A member
that is sure (far in its tail) thus outweighs one that is not. The first version averaged
training-set percentiles instead, which gives every member the same spread whatever its
evidence: a member that cannot see the anomalies (LOF on clustered anomalies) then pulls
them back into the crowd (bench/anomaly_quality.py, docs/benchmarks.md). Both transforms
are fixed at fit time, so a row's score never depends on the other rows of a call.

Rows above the training scores' (1 - contamination) quantile are flagged; contamination is
the label's anomaly rate when a label column is given, else 5 %.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from phantom.automl.engines.base import (
    FitOutcome,
    FitSpec,
    LeaderboardRow,
    Predictions,
    Reporter,
    anomaly_truth,
    plain,
)
from phantom.automl.engines.columns import as_text, encoder, epoch_seconds

DEFAULT_CONTAMINATION = 0.05
LOF_MAX_ROWS = 5_000
ARTIFACT = "anomaly.joblib"
Array = np.ndarray[Any, Any]


def _preprocessor(frame: pd.DataFrame) -> Any:
    """Numbers as they are (median for missing), dates as epoch seconds, everything else
    as ordinal codes with unseen values mapped to one code."""
    return encoder(frame, impute=True).transformer


# models saved before ``columns.py`` name these functions here (pickled transformers)
_epoch_seconds = epoch_seconds
_as_text = as_text


@dataclass
class _Member:
    """A member of a model saved before standardised scores (2026-12): its score is the
    training-set percentile. Kept so that those models load and score as they did."""

    name: str
    estimator: Any
    reference: Array  # sorted training scores: turns raw scores into percentiles

    def score(self, x: Array) -> Array:
        raw = -np.asarray(self.estimator.score_samples(x))  # sklearn: higher = more normal
        ranks: Array = np.searchsorted(self.reference, raw, side="right")
        return ranks / len(self.reference)


@dataclass
class _StandardisedMember:
    name: str
    estimator: Any
    mean: float  # of the member's raw scores on the training rows
    scale: float  # their standard deviation (1 when constant)

    def score(self, x: Array) -> Array:
        raw = -np.asarray(self.estimator.score_samples(x))  # sklearn: higher = more normal
        standardised: Array = (raw - self.mean) / self.scale
        return standardised


@dataclass
class AnomalyModel:
    preprocessor: Any
    members: list[_StandardisedMember] | list[_Member]
    threshold: float
    features: list[str]

    def score(self, frame: pd.DataFrame) -> Array:
        x = self.preprocessor.transform(frame[self.features])
        scores: Array = np.mean([m.score(x) for m in self.members], axis=0)
        return scores

    def predict(self, frame: pd.DataFrame) -> Predictions:
        scores = self.score(frame)
        return Predictions(labels=scores > self.threshold, scores=scores)

    def close(self) -> None:
        pass


def _candidates(n_rows: int, seed: int) -> list[tuple[str, Any]]:
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return [
        ("IsolationForest", IsolationForest(n_estimators=200, random_state=seed)),
        (
            "IsolationForest_LargeSamples",
            IsolationForest(n_estimators=200, max_samples=min(1024, n_rows), random_state=seed + 1),
        ),
        (
            "LocalOutlierFactor",
            make_pipeline(StandardScaler(), LocalOutlierFactor(n_neighbors=35, novelty=True)),
        ),
    ]


def _lof_rows(x: Array, rng: np.random.Generator) -> Array | None:
    """At most LOF_MAX_ROWS distinct rows (a duplicate is its own neighbour at distance 0,
    which makes densities infinite); None when too few are distinct for a density."""
    rows = x if len(x) <= LOF_MAX_ROWS else x[rng.choice(len(x), LOF_MAX_ROWS, replace=False)]
    distinct: Array = np.unique(rows, axis=0)
    return distinct if len(distinct) > 2 else None


class AnomalyEngine:
    name = "anomaly"
    reserve_seconds = 0.0  # nothing to start

    def fit(self, train: pd.DataFrame, spec: FitSpec, report: Reporter) -> FitOutcome:
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import train_test_split

        label = spec.target
        features = [c for c in train.columns if c != label]
        truth: Array | None = None
        contamination = float(spec.options.get("contamination", DEFAULT_CONTAMINATION))
        fit_frame, validation = train, None
        if label is not None:
            truth, _ = anomaly_truth(train[label])
            contamination = float(truth.mean())
            fit_frame, validation = train_test_split(
                train, test_size=0.25, random_state=spec.seed, stratify=truth
            )
        preprocessor = _preprocessor(fit_frame[features])
        x = preprocessor.fit_transform(fit_frame[features])
        x_all = preprocessor.transform(train[features])
        rng = np.random.default_rng(spec.seed)
        members: list[_StandardisedMember] = []
        board: list[LeaderboardRow] = []
        for name, estimator in _candidates(len(x), spec.seed):
            if members and time.time() >= spec.deadline:
                break
            rows: Array | None = x
            if name == "LocalOutlierFactor":
                rows = _lof_rows(x, rng)
                if rows is None:
                    continue
                estimator[-1].set_params(n_neighbors=min(35, len(rows) - 1))
            started = time.time()
            estimator.fit(rows)
            fit_time = time.time() - started
            reference = -np.asarray(estimator.score_samples(x_all))
            member = _StandardisedMember(
                name, estimator, float(reference.mean()), float(reference.std()) or 1.0
            )
            members.append(member)
            score = None
            started = time.time()
            if validation is not None and label is not None:
                v_truth, _ = anomaly_truth(validation[label])
                v_x = preprocessor.transform(validation[features])
                score = float(roc_auc_score(v_truth, member.score(v_x)))
            board.append(LeaderboardRow(name, score, fit_time, time.time() - started))
            report(f"Trained {name}" + (f" (roc_auc {score:.4g})" if score else ""), _ranked(board))
        model = AnomalyModel(preprocessor, members, 1.0, features)
        ensemble_score = None
        if validation is not None and label is not None:
            v_truth, _ = anomaly_truth(validation[label])
            ensemble_score = float(roc_auc_score(v_truth, model.score(validation)))
        board.append(
            LeaderboardRow(
                "Ensemble", ensemble_score, sum(r.fit_time_seconds or 0 for r in board), None
            )
        )
        # refit the preprocessing on all training rows is not needed: the members'
        # reference scores already cover them; the threshold comes from all of them
        model.threshold = float(np.quantile(model.score(train), 1 - contamination))
        joblib.dump(model, spec.model_dir / ARTIFACT)
        board = _ranked(board)
        return FitOutcome(
            leaderboard=board,
            best_model="Ensemble",
            details={
                "contamination": contamination,
                "members": [m.name for m in members],
                "combination": "mean of the members' scores standardised on the training rows",
                "decision_threshold": model.threshold,  # on the score: above it, anomalous
                "hyperparameters": plain({m.name: m.estimator.get_params() for m in members}),
            },
        )

    def load(self, model_dir: Path, num_cpus: int) -> AnomalyModel:
        model: AnomalyModel = joblib.load(model_dir / ARTIFACT)
        return model


def _ranked(board: list[LeaderboardRow]) -> list[LeaderboardRow]:
    """Ensemble first when unlabelled (nothing to rank by), else by validation AUC."""
    if all(r.score_validation is None for r in board):
        return sorted(board, key=lambda r: r.model_name != "Ensemble")
    return sorted(board, key=lambda r: -(r.score_validation or 0.0))
