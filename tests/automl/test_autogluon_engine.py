"""The AutoGluon engine's own promises, on a real fit in this process."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from phantom.automl.engines.autogluon import AutoGluonEngine
from phantom.automl.engines.base import FitSpec, LeaderboardRow
from phantom.automl.leaderboard import plain_model_name
from phantom.automl.tasks import TaskType
from tests.automl.support import breast_cancer

pytestmark = pytest.mark.slow


def test_a_fit_that_starts_after_its_deadline_still_ends_with_one_model(tmp_path: Path) -> None:
    """A loaded host can spend a small budget on start-up alone (importing AutoGluon): the
    first model must still be trained, and no other model started after it."""
    # given: the deadline already passed when the fit starts
    train = breast_cancer().drop(columns=["patient_id"])
    spec = FitSpec(
        task=TaskType.BINARY,
        target="diagnosis",
        metric="roc_auc",
        time_limit_seconds=10,  # medium_quality: no bagging, no refit
        deadline=time.time() - 1,
        num_cpus=1,
        memory_limit_mb=2048,
        seed=0,
        model_dir=tmp_path / "model",
        work_dir=tmp_path / "work",
    )
    spec.model_dir.mkdir()
    spec.work_dir.mkdir()
    reports: list[tuple[str, list[LeaderboardRow]]] = []
    # when
    outcome = AutoGluonEngine().fit(train, spec, lambda m, b: reports.append((m, b)))
    # then: one model of the model zoo (and at most the ensemble over it), saved and loadable
    base = [r.model_name for r in outcome.leaderboard if "Ensemble" not in r.model_name]
    assert len(base) == 1, [r.model_name for r in outcome.leaderboard]
    assert reports[0][0].startswith(f"Trained {plain_model_name(base[0])}")
    model = AutoGluonEngine().load(spec.model_dir, num_cpus=1)
    try:
        predicted = model.predict(train.drop(columns=["diagnosis"]).head(5))
    finally:
        model.close()
    assert predicted.classes == ["benign", "malignant"]


@pytest.mark.parametrize(
    ("task", "threshold"), [("binary", None), ("binary", 0.3), ("multiclass", None)]
)
def test_served_answers_equal_autogluons_own(
    tmp_path: Path, task: str, threshold: float | None
) -> None:
    """Serving reads probabilities as numpy and picks labels itself (the pandas answer
    cost more than the model): labels and probabilities must be AutoGluon's own, at its
    decision threshold, calibrated or not."""
    from autogluon.tabular import TabularPredictor
    from sklearn.datasets import load_iris

    from phantom.automl.engines.autogluon import AutoGluonModel

    if task == "binary":
        data = breast_cancer().drop(columns=["patient_id"])
        target = "diagnosis"
    else:
        data = load_iris(as_frame=True).frame
        data["target"] = data["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
        target = "target"
    predictor = TabularPredictor(label=target, path=str(tmp_path), verbosity=0).fit(
        data, hyperparameters={"GBM": {"num_boost_round": 30}}, num_cpus=1
    )
    if threshold is not None:
        predictor.set_decision_threshold(threshold)
    rows = data.drop(columns=[target])
    served = AutoGluonModel(predictor, TaskType.BINARY if task == "binary" else TaskType.MULTICLASS)
    answer = served.predict(rows)
    own = predictor.predict_proba(rows, as_multiclass=True)
    assert answer.classes == list(own.columns)
    assert answer.probabilities is not None
    assert (answer.probabilities == own.to_numpy()).all()
    assert answer.labels.tolist() == predictor.predict(rows).tolist()
    if threshold is not None:  # the calibrated threshold changed some labels
        assert answer.labels.tolist() != predictor.predict(rows, decision_threshold=0.5).tolist()
