"""Anomaly detection with an IsolationForest-family ensemble (scikit-learn).

Members differ in what they isolate on: a standard isolation forest, one with feature
bagging (half the features per tree, for anomalies visible in few columns), one with
larger subsamples (denser data), and a local outlier factor on a subsample (density, not
isolation). Each member's scores are turned into training-set percentiles so they are
comparable, and the ensemble averages them: higher is more anomalous. Rows above the
training scores' (1 - contamination) quantile are flagged; contamination is the label's
anomaly rate when a label column is given, else 5 %.
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
    name: str
    estimator: Any
    reference: Array  # sorted training scores: turns raw scores into percentiles

    def percentile(self, x: Array) -> Array:
        raw = -np.asarray(self.estimator.score_samples(x))  # sklearn: higher = more normal
        ranks: Array = np.searchsorted(self.reference, raw, side="right")
        return ranks / len(self.reference)


@dataclass
class AnomalyModel:
    preprocessor: Any
    members: list[_Member]
    threshold: float
    features: list[str]

    def score(self, frame: pd.DataFrame) -> Array:
        x = self.preprocessor.transform(frame[self.features])
        scores: Array = np.mean([m.percentile(x) for m in self.members], axis=0)
        return scores

    def predict(self, frame: pd.DataFrame) -> Predictions:
        scores = self.score(frame)
        return Predictions(labels=scores > self.threshold, scores=scores)

    def close(self) -> None:
        pass


def _candidates(n_rows: int, n_features: int, seed: int) -> list[tuple[str, Any, int | None]]:
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor

    return [
        ("IsolationForest", IsolationForest(n_estimators=200, random_state=seed), None),
        (
            "IsolationForest_FeatureBagging",
            IsolationForest(
                n_estimators=300, max_features=0.5 if n_features > 1 else 1.0, random_state=seed + 1
            ),
            None,
        ),
        (
            "IsolationForest_LargeSamples",
            IsolationForest(n_estimators=200, max_samples=min(1024, n_rows), random_state=seed + 2),
            None,
        ),
        (
            "LocalOutlierFactor",
            LocalOutlierFactor(n_neighbors=min(35, max(n_rows - 1, 1)), novelty=True),
            LOF_MAX_ROWS,
        ),
    ]


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
        members: list[_Member] = []
        board: list[LeaderboardRow] = []
        for name, estimator, max_rows in _candidates(len(x), x.shape[1], spec.seed):
            if members and time.time() >= spec.deadline:
                break
            started = time.time()
            rows = (
                x
                if max_rows is None or len(x) <= max_rows
                else x[rng.choice(len(x), max_rows, replace=False)]
            )
            estimator.fit(rows)
            fit_time = time.time() - started
            member = _Member(name, estimator, np.sort(-estimator.score_samples(x_all)))
            members.append(member)
            score = None
            started = time.time()
            if validation is not None and label is not None:
                v_truth, _ = anomaly_truth(validation[label])
                v_x = preprocessor.transform(validation[features])
                score = float(roc_auc_score(v_truth, member.percentile(v_x)))
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
