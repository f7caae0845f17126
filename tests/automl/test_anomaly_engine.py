"""The scikit-learn anomaly engine (``engines/anomaly.py``), in process: what monitoring and
thresholds rely on (a row's score does not depend on its batch; farther out scores higher;
the threshold flags the contamination share), models saved by the first version still
load and score, and the quality goal of issue 17 on generated data with fixed seeds
(bench/anomaly_quality.py has the full table)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from bench.anomaly_quality import LABEL, local_outliers, shuttle_like_dups
from phantom.automl.engines.anomaly import (
    ARTIFACT,
    AnomalyEngine,
    AnomalyModel,
    _Member,
)
from phantom.automl.engines.base import FitOutcome, FitSpec, LeaderboardRow
from phantom.automl.tasks import TaskType


def fit(
    frame: pd.DataFrame, root: Path, target: str | None = None, **options: Any
) -> tuple[AnomalyModel, FitOutcome]:
    root.mkdir(parents=True, exist_ok=True)
    spec = FitSpec(
        task=TaskType.ANOMALY_DETECTION,
        target=target,
        metric="roc_auc",
        time_limit_seconds=120,
        deadline=time.time() + 120,
        num_cpus=1,
        memory_limit_mb=2048,
        seed=0,
        model_dir=root,
        work_dir=root,
        options=options,
    )

    def report(message: str, leaderboard: list[LeaderboardRow]) -> None:
        pass

    engine = AnomalyEngine()
    outcome = engine.fit(frame, spec, report)
    return engine.load(root, 1), outcome


def payments(rows: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Numbers, a category, and exact duplicates (a tenth of the rows repeat others)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "amount": np.round(rng.lognormal(3.5, 0.5, rows), 0),
            "hour": rng.integers(8, 20, rows).astype(float),
            "channel": rng.choice(["web", "app", "pos"], rows),
        }
    )
    frame.iloc[: rows // 10] = frame.iloc[rows // 10 : 2 * (rows // 10)].to_numpy()
    return frame


def test_a_rows_score_does_not_depend_on_the_other_rows_of_the_call(tmp_path: Path) -> None:
    model, _ = fit(payments(), tmp_path)
    batch = payments(300, seed=1)
    together = model.score(batch)
    alone = np.array([model.score(batch.iloc[[i]])[0] for i in range(0, 300, 7)])
    reversed_ = model.score(batch.iloc[::-1])[::-1]
    np.testing.assert_array_equal(together[::7], alone)
    np.testing.assert_array_equal(together, reversed_)
    # and with a batch of extreme rows beside them, nothing moves
    extreme = pd.DataFrame({"amount": [1e6] * 50, "hour": [3.0] * 50, "channel": ["fax"] * 50})
    mixed = model.score(pd.concat([batch, extreme], ignore_index=True))
    np.testing.assert_array_equal(mixed[:300], together)


def test_the_score_rises_as_a_row_moves_away_from_the_data(tmp_path: Path) -> None:
    model, _ = fit(payments(), tmp_path)
    typical = float(np.exp(3.5))
    amounts = typical * np.array([1, 2, 4, 8, 16, 64, 256])
    probes = pd.DataFrame({"amount": amounts, "hour": 14.0, "channel": "web"})
    scores = model.score(probes)
    assert np.all(np.diff(scores) >= 0), scores
    assert scores[-1] > scores[0] + 1.0, scores  # standardised units: far out is far up
    assert np.isfinite(scores).all()


def test_the_threshold_flags_the_contamination_share_of_the_training_rows(
    tmp_path: Path,
) -> None:
    frame = payments()
    model, outcome = fit(frame, tmp_path, contamination=0.1)
    flagged = model.predict(frame).labels
    assert flagged.mean() == pytest.approx(0.1, abs=0.01)
    assert outcome.details["decision_threshold"] == model.threshold
    assert outcome.details["members"] == [
        "IsolationForest",
        "IsolationForest_LargeSamples",
        "LocalOutlierFactor",
    ]


def test_constant_and_tiny_data_still_fit_and_score(tmp_path: Path) -> None:
    constant = pd.DataFrame({"a": [1.0] * 30, "b": ["x"] * 30})
    model, outcome = fit(constant, tmp_path / "constant")
    assert np.isfinite(model.score(constant)).all()
    # LOF needs a few distinct rows for a density: without them it is left out
    assert "LocalOutlierFactor" not in outcome.details["members"]


def test_a_model_saved_by_the_first_version_loads_and_scores_percentiles(
    tmp_path: Path,
) -> None:
    """Models saved before standardised scores hold percentile members; they keep their
    scores (in [0, 1]) and so their thresholds."""
    frame = payments()
    model, _ = fit(frame, tmp_path / "new")
    x = model.preprocessor.transform(frame[model.features])
    old_members = [
        _Member(m.name, m.estimator, np.sort(-m.estimator.score_samples(x))) for m in model.members
    ]
    old = AnomalyModel(model.preprocessor, old_members, 0.9, model.features)
    (tmp_path / "old").mkdir()
    joblib.dump(old, tmp_path / "old" / ARTIFACT)
    loaded = AnomalyEngine().load(tmp_path / "old", 1)
    scores = loaded.score(frame)
    assert scores.min() >= 0
    assert scores.max() <= 1
    assert loaded.predict(frame).labels.mean() == pytest.approx((scores > 0.9).mean())


def held_out_auc(frame: pd.DataFrame, root: Path, seed: int) -> tuple[float, float]:
    """(product, IsolationForest()) ROC AUC on 30 % held out; the label never a feature."""
    train, test = train_test_split(frame, test_size=0.3, random_state=seed, stratify=frame[LABEL])
    features = [c for c in frame.columns if c != LABEL]
    model, _ = fit(train, root / str(seed), target=LABEL)
    product = roc_auc_score(test[LABEL], model.score(test[features]))
    forest = IsolationForest(random_state=seed).fit(train[features].to_numpy())
    baseline = roc_auc_score(test[LABEL], -forest.score_samples(test[features].to_numpy()))
    return float(product), float(baseline)


def test_clustered_anomalies_among_duplicates_are_found_as_well_as_by_isolation_forest(
    tmp_path: Path,
) -> None:
    """The failure of issue 17: anomalies forming a cluster of their own (LOF sees a dense
    crowd) in integer data with many duplicates. The first ensemble lost 0.05 AUC to
    IsolationForest() here (bench table); the goal allows 0.005 on the mean over splits
    (IsolationForest() alone varies by 0.04 between seeds here)."""
    frame = shuttle_like_dups()
    pairs = [held_out_auc(frame, tmp_path, seed) for seed in (0, 1, 2)]
    product, baseline = np.mean(pairs, axis=0)
    assert product >= baseline - 0.005, pairs


def test_local_anomalies_are_found_far_better_than_by_isolation_forest(tmp_path: Path) -> None:
    """Anomalies only unusual next to their own cluster: IsolationForest() scores ~0.81,
    the ensemble ~0.93 (bench table). A margin of 0.05 cannot be luck over two seeds."""
    frame = local_outliers()
    for seed in (0, 1):
        product, baseline = held_out_auc(frame, tmp_path, seed)
        assert product >= baseline + 0.05, (seed, product, baseline)
