"""Never below the baseline (automl/baseline.py): the rule on real fitted models' holdout
answers, the training child's ``run`` with an AutoGluon model zoo that must lose (a forest
of stumps on an XOR-shaped signal), and a job through GraphQL serving the baseline."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from phantom.automl import baseline, runs
from phantom.automl import supervisor as supervisor_module
from phantom.automl.engines import get_engine
from phantom.automl.engines.base import FitOutcome, LeaderboardRow
from phantom.automl.engines.sklearn import ARTIFACT, SklearnEngine
from phantom.automl.leaderboard import plain_model_name
from phantom.automl.supervisor import supervise
from phantom.automl.tasks import Outcome, TaskType
from tests.automl.support import post, run_in_process, start, upload_frame
from tests.support.fixtures import TenantFixture

ROWS = 1_000
# AutoGluon's random forest of stumps: blind to an XOR signal (one split at a time)
STUMPS = {"RF": {"n_estimators": 10, "max_depth": 1}}


def xor(rows: int = ROWS, seed: int = 5) -> pd.DataFrame:
    """The label is the sign of ``a * b`` (noisy): trees find it, a line or a stump cannot."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(-1, 1, rows), rng.uniform(-1, 1, rows)
    positive = (a * b > 0) ^ (rng.random(rows) < 0.05)
    return pd.DataFrame(
        {
            "a": a.round(4),
            "b": b.round(4),
            "noise": rng.normal(0, 1, rows).round(4),
            "label": np.where(positive, "yes", "no"),
        }
    )


# --- the rule, on real fitted models ------------------------------------------------------


def answers(model: Any, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Outcome:
    proba = model.predict_proba(x)
    classes = list(model.classes_)
    return Outcome(y, np.asarray(classes)[proba.argmax(axis=1)], proba, classes, None)


@pytest.fixture(scope="module")
def fitted_answers() -> dict[str, Outcome]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    data = xor(1_400)
    x, y = data[["a", "b", "noise"]].to_numpy(), data["label"].to_numpy()
    fit_x, fit_y, x_hold, y_hold = x[:1_000], y[:1_000], x[1_000:], y[1_000:]
    linear = LogisticRegression().fit(fit_x, fit_y)
    trees = HistGradientBoostingClassifier(random_state=0).fit(fit_x, fit_y)
    other_trees = HistGradientBoostingClassifier(random_state=0, learning_rate=0.09)
    other_trees.fit(fit_x, fit_y)
    return {
        "linear": answers(linear, x_hold, y_hold),
        "trees": answers(trees, x_hold, y_hold),
        "other_trees": answers(other_trees, x_hold, y_hold),
    }


def test_a_measurably_worse_main_model_gives_way_to_the_baseline(
    fitted_answers: dict[str, Outcome],
) -> None:
    verdict = baseline.judge("roc_auc", fitted_answers["linear"], fitted_answers["trees"], 0)
    assert verdict.baseline_serves
    assert verdict.baseline_score is not None
    assert verdict.main_score is not None
    assert verdict.baseline_score > 0.9 > 0.7 > verdict.main_score
    assert verdict.p_value is not None
    assert verdict.p_value < 0.05


def test_equal_scores_keep_the_main_model(fitted_answers: dict[str, Outcome]) -> None:
    trees = fitted_answers["trees"]
    verdict = baseline.judge("roc_auc", trees, trees, 0)
    assert not verdict.baseline_serves
    assert verdict.p_value is None  # not better: nothing to test
    # and a main model better than the baseline stays, whatever the metric's direction
    for metric in ("roc_auc", "log_loss", "accuracy"):
        assert not baseline.judge(metric, trees, fitted_answers["linear"], 0).baseline_serves


def test_a_difference_within_noise_keeps_the_main_model(
    fitted_answers: dict[str, Outcome],
) -> None:
    first, second = fitted_answers["trees"], fitted_answers["other_trees"]
    # whichever of two near-equal boosters is the baseline, nothing is swapped
    for main, other in ((first, second), (second, first)):
        verdict = baseline.judge("roc_auc", main, other, 0)
        assert not verdict.baseline_serves, verdict
        if verdict.p_value is not None:
            assert verdict.p_value >= 0.05


def test_a_score_undefined_on_the_holdout_keeps_the_main_model(
    fitted_answers: dict[str, Outcome],
) -> None:
    one_class = fitted_answers["trees"]
    rows = np.flatnonzero(one_class.y_true == "yes")
    only_yes = Outcome(
        one_class.y_true[rows],
        one_class.labels[rows],
        one_class.probabilities[rows],  # type: ignore[index]
        one_class.classes,
        None,
    )
    verdict = baseline.judge("roc_auc", only_yes, only_yes, 0)
    assert (verdict.baseline_serves, verdict.main_score) == (False, None)


def test_only_supervised_jobs_of_other_engines_fit_a_baseline() -> None:
    assert baseline.applies("autogluon", TaskType.BINARY)
    assert baseline.applies("h2o", TaskType.REGRESSION)
    assert baseline.applies("h2o", TaskType.MULTICLASS)
    assert not baseline.applies("sklearn", TaskType.BINARY)
    assert not baseline.applies("anomaly", TaskType.ANOMALY_DETECTION)
    assert not baseline.applies("h2o", TaskType.ANOMALY_DETECTION)
    assert baseline.slice_seconds(10) == pytest.approx(1.5)
    assert baseline.slice_seconds(600) == baseline.MAX_SECONDS


# --- the training child's run --------------------------------------------------------------


def run_here(work: Path, frame: pd.DataFrame) -> dict[str, Any]:
    """The child's ``run`` in this process: AutoGluon with a forest of stumps only."""
    messages = run_in_process(
        work, frame, "label", {"a": "NUMERIC", "b": "NUMERIC", "noise": "NUMERIC"}, STUMPS
    )
    result: dict[str, Any] = messages[-1]
    result["progress"] = messages[:-1]
    return result


@pytest.mark.slow
def test_the_baseline_serves_when_the_main_engine_is_measurably_worse(tmp_path: Path) -> None:
    result = run_here(tmp_path, xor())
    # then: the version is the baseline's: engine, artefact and figures
    assert result["engine"] == "sklearn"
    rows = {r["model_name"]: r for r in result["leaderboard"]}
    served = [name for name, row in rows.items() if row["served"]]
    assert served == [result["serving"]["model"]] == [result["best_model"]]
    assert served[0].startswith(baseline.PREFIX + "HistGradientBoosting"), served
    # both engines' models are on the leaderboard, each compared one with its holdout score
    main = [name for name in rows if not name.startswith(baseline.PREFIX)]
    assert any(name.startswith("RandomForest") for name in main), list(rows)
    assert rows[served[0]]["score_holdout"] == pytest.approx(result["metrics"]["roc_auc"])
    compared = [rows[name]["score_holdout"] for name in main if rows[name]["score_holdout"]]
    assert compared
    assert max(compared) < result["metrics"]["roc_auc"]
    reason = result["serving"]["reason"]
    assert reason.startswith(
        "The scikit-learn baseline scored better on the holdout than AutoGluon's served model "
    ), reason
    # (the stumps, or AutoGluon's ensemble over them: fit-to-serve times them)
    assert reason.split("served model ")[1].split(" ")[0] in main, reason
    assert result["details"]["baseline"]["served"] is True
    # the artefact directory holds the baseline's model alone, and loads as the registry will
    model_dir = tmp_path / "model"
    assert (model_dir / ARTIFACT).exists()
    assert json.loads((model_dir / "phantom-model.json").read_text())["engine"] == "sklearn"
    assert not any(p.name.startswith("learner") or p.name == "models" for p in model_dir.iterdir())
    model = get_engine("sklearn").load(model_dir, num_cpus=1)
    predicted = model.predict(pd.DataFrame({"a": [0.8, 0.8], "b": [0.8, -0.8], "noise": [0, 0]}))
    assert list(predicted.labels) == ["yes", "no"]
    # and the baseline's rows showed while it trained, before the main engine's
    first = result["progress"][0]
    assert first["message"].startswith(baseline.PREFIX), first


@pytest.mark.slow
def test_a_failing_baseline_never_fails_the_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError("fault injected into the baseline's fit")

    monkeypatch.setattr(SklearnEngine, "fit", broken)
    result = run_here(tmp_path, xor(400))
    # the main engine's model serves, and the reason says the comparison is missing
    assert result["engine"] == "autogluon"
    assert not any(r["model_name"].startswith(baseline.PREFIX) for r in result["leaderboard"])
    assert result["serving"]["reason"].endswith(
        "; no comparison with the scikit-learn baseline: it failed (MemoryError, in the job's log)"
    )
    assert result["details"]["baseline"] == {"error": "MemoryError"}


# --- a job through GraphQL -----------------------------------------------------------------

SERVED = """
query Job($id: ID!) {
  trainingJob(id: $id) {
    status error engine message
    leaderboard { modelName scoreValidation scoreHoldout served }
    metrics { name value }
    modelVersion { id engine bestModelName servingModel servingReason }
  }
}
"""
PREDICT = """
mutation Predict($id: ID!, $rows: JSON!) { predict(modelVersionId: $id, rows: $rows) {
  predictions } }
"""


@pytest.mark.slow
async def test_a_job_serves_the_baseline_and_shows_both_engines_on_the_leaderboard(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: an AutoGluon job whose model zoo is a forest of stumps only (the test hook)
    patched = supervisor_module.settings.model_copy(
        update={"TRAINING_TEST_HYPERPARAMETERS": STUMPS}
    )
    monkeypatch.setattr(supervisor_module, "settings", patched)
    dataset_id = await upload_frame(client, tenant.bearer, xor(), "XOR")
    body = await start(
        client, tenant.bearer, datasetId=dataset_id, target="label", timeBudgetSeconds=30
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    # when: it trains, as the worker's actor does
    claim = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claim is not None
    await supervise(claim)
    found = await post(client, tenant.bearer, SERVED, {"id": job_id})
    assert "errors" not in found, found
    job = found["data"]["trainingJob"]
    # then: both engines' models are on the leaderboard and the baseline serves
    assert job["status"] == "SUCCEEDED", job["error"]
    names = [r["modelName"] for r in job["leaderboard"]]
    assert any(n.startswith(baseline.PREFIX) for n in names), names
    assert any(n.startswith("RandomForest") for n in names), names
    served = [r["modelName"] for r in job["leaderboard"] if r["served"]]
    version = job["modelVersion"]
    assert job["engine"] == "AUTOGLUON"
    assert version["engine"] == "sklearn"
    assert served == [version["servingModel"]]
    assert version["servingModel"].startswith(baseline.PREFIX)
    assert "baseline scored better on the holdout than AutoGluon's" in version["servingReason"]
    assert job["message"].startswith("Done: serving Baseline: Histogram gradient boosting")
    # and the version predicts through the baseline's model
    rows = [{"a": 0.7, "b": 0.7, "noise": 0.0}, {"a": -0.7, "b": 0.7, "noise": 0.0}]
    answer = await post(client, tenant.bearer, PREDICT, {"id": version["id"], "rows": rows})
    assert "errors" not in answer, answer
    assert answer["data"]["predict"]["predictions"] == ["yes", "no"]


def test_the_baseline_adopted_replaces_the_artefact_and_keeps_the_main_model_aside(
    tmp_path: Path,
) -> None:
    model_dir, base_dir, aside = tmp_path / "model", tmp_path / "base", tmp_path / "aside"
    (model_dir / "models").mkdir(parents=True)
    (model_dir / "predictor.pkl").write_text("main")
    base_dir.mkdir()
    (base_dir / ARTIFACT).write_text("baseline")
    fitted = baseline.renamed(
        FitOutcome(
            leaderboard=[LeaderboardRow("HistGradientBoosting", 0.9, 1.0, 0.1)],
            best_model="HistGradientBoosting",
        )
    )
    baseline.adopt(baseline.Baseline(fitted, base_dir), model_dir, aside)
    assert sorted(p.name for p in model_dir.iterdir()) == [ARTIFACT]
    assert sorted(p.name for p in aside.iterdir()) == ["models", "predictor.pkl"]
    assert fitted.best_model == "Baseline: HistGradientBoosting"
    assert [r.model_name for r in fitted.leaderboard] == ["Baseline: HistGradientBoosting"]
    assert plain_model_name("Baseline: HistGradientBoostingSmall") == (
        "Baseline: Histogram gradient boosting (small trees)"
    )
