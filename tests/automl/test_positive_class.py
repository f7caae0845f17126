"""``positiveClass`` in the engines and the runner: the chosen class is ``classes[1]``, so
probabilities, the threshold, the metrics, the confusion matrix and the stored holdout all
refer to it. Real fits in this process (the API's side: test_sklearn_engine.py and
test_start_validation.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines import get_engine
from phantom.automl.engines.base import DataError, FitSpec, class_named, positive_last
from phantom.automl.engines.sklearn import SklearnEngine
from phantom.automl.tasks import METRICS, Outcome, TaskType
from tests.automl.support import run_in_process


def labelled(rows: int = 600, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0, 1, rows), rng.normal(0, 1, rows)
    yes = (a + 0.5 * b + rng.normal(0, 0.7, rows)) > 0.3
    return pd.DataFrame({"a": a.round(4), "b": b.round(4), "answer": np.where(yes, "yes", "no")})


def sklearn_spec(tmp: Path, positive: Any) -> FitSpec:
    (tmp / "model").mkdir(parents=True)
    (tmp / "work").mkdir(parents=True)
    return FitSpec(
        task=TaskType.BINARY,
        target="answer",
        metric="roc_auc",
        time_limit_seconds=30,
        deadline=time.time() + 30,
        num_cpus=1,
        memory_limit_mb=1024,
        seed=0,
        model_dir=tmp / "model",
        work_dir=tmp / "work",
        positive_class=positive,
    )


def test_the_sklearn_engine_answers_the_chosen_class_second(tmp_path: Path) -> None:
    frame = labelled()
    engine = SklearnEngine()
    engine.fit(frame, sklearn_spec(tmp_path / "default", None), lambda m, b: None)
    engine.fit(frame, sklearn_spec(tmp_path / "chosen", "no"), lambda m, b: None)
    features = frame.drop(columns=["answer"]).head(50)
    default = engine.load(tmp_path / "default" / "model", 1).predict(features)
    chosen = engine.load(tmp_path / "chosen" / "model", 1).predict(features)
    assert default.classes == ["no", "yes"]
    assert chosen.classes == ["yes", "no"]
    assert default.probabilities is not None
    assert chosen.probabilities is not None
    np.testing.assert_allclose(chosen.probabilities, default.probabilities[:, ::-1])
    assert chosen.labels.tolist() == default.labels.tolist()  # > 0.5 either way
    empty = engine.load(tmp_path / "chosen" / "model", 1).predict(features.head(0))
    assert empty.classes == ["yes", "no"]


def test_log_loss_reads_the_columns_by_class_not_by_position() -> None:
    truth = np.array(["no", "yes", "yes", "no"])
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.9, 0.1]])
    metric = METRICS["log_loss"].compute
    sorted_order = metric(Outcome(truth, truth, proba, ["no", "yes"], None))
    flipped = metric(Outcome(truth, truth, proba[:, ::-1], ["yes", "no"], None))
    assert flipped == pytest.approx(sorted_order)
    assert sorted_order < 0.5


def test_a_class_is_found_by_its_text() -> None:
    assert class_named(pd.Series([True, False, True]), "False") is False
    assert class_named(pd.Series([0.0, 1.0, None]), "1") == 1.0  # ints read with gaps
    assert class_named(pd.Series([0, 1]), "0") == 0
    with pytest.raises(DataError, match="no class 'maybe'"):
        class_named(pd.Series(["yes", "no"]), "maybe")
    assert positive_last(["no", "yes"], "no") == ["yes", "no"]
    assert positive_last(["no", "yes"], None) == ["no", "yes"]
    assert positive_last(["a", "b", "c"], "a") == ["a", "b", "c"]  # binary only


def test_autogluon_and_the_runner_refer_to_the_chosen_class(tmp_path: Path) -> None:
    # when: the training child runs AutoGluon (and the baseline) with "no" as positive
    messages = run_in_process(
        tmp_path,
        labelled(),
        "answer",
        {"a": "NUMERIC", "b": "NUMERIC"},
        {"GBM": {"num_boost_round": 30}},
        positive_class="no",
    )
    result = messages[-1]
    # then: the version's classes put it second (AutoGluon's model serves; the baseline's
    # leaderboard rows are there too, fitted the same way)
    assert result["engine"] == "autogluon"
    assert result["classes"] == ["yes", "no"]
    holdout = result["holdout_predictions"]
    assert holdout["positive_class"] == "no"
    assert result["insights"]["confusion"]["positive_class"] == "no"
    assert result["insights"]["confusion"]["labels"] == ["yes", "no"]
    # the stored holdout (truth: is it "no"; probability of "no") reproduces the metric
    from sklearn.metrics import roc_auc_score

    auc = roc_auc_score(holdout["truth"], holdout["probability"])
    assert auc == pytest.approx(result["metrics"]["roc_auc"], abs=0.02)
    assert auc > 0.8  # a probability of "yes" would rank "no" last: an AUC near 0.2
    # and the saved model answers "no" exactly when its probability passes the threshold
    model = get_engine(result["engine"]).load(tmp_path / "model", 1)
    try:
        predicted = model.predict(labelled(80, seed=9).drop(columns=["answer"]))
    finally:
        model.close()
    assert predicted.classes == ["yes", "no"]
    assert predicted.probabilities is not None
    threshold = result["insights"]["confusion"]["threshold"] or 0.5
    expected = np.where(predicted.probabilities[:, 1] > threshold, "no", "yes")
    assert predicted.labels.tolist() == expected.tolist()
