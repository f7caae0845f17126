"""The SKLEARN engine (HistGradientBoosting) on real fits in this process, small data and
seconds each; then one job end to end through the real API and worker processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.base import DataError, FitOutcome, FitSpec, LeaderboardRow
from phantom.automl.engines.sklearn import LINEAR, MODELS, SklearnEngine
from phantom.automl.leaderboard import plain_model_name
from phantom.automl.tasks import METRICS, Outcome, TaskType
from tests.automl.conftest import worker
from tests.automl.support import (
    PREDICT,
    TERMINAL,
    breast_cancer,
    diabetes,
    iris,
    post,
    start,
    upload_frame,
    wait_for,
)
from tests.support.fixtures import TenantFixture


def spec_for(
    tmp: Path, task: TaskType, target: str | None, metric: str, seconds: float = 60, seed: int = 0
) -> FitSpec:
    model_dir, work_dir = tmp / "model", tmp / "work"
    model_dir.mkdir(parents=True)
    work_dir.mkdir(parents=True)
    return FitSpec(
        task=task,
        target=target,
        metric=metric,
        time_limit_seconds=seconds,
        deadline=time.time() + seconds,
        num_cpus=1,
        memory_limit_mb=1024,
        seed=seed,
        model_dir=model_dir,
        work_dir=work_dir,
    )


def split(frame: pd.DataFrame, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = int(len(frame) * 0.75)
    return frame.iloc[order[:cut]].reset_index(drop=True), frame.iloc[order[cut:]]


def fit(
    frame: pd.DataFrame, spec: FitSpec
) -> tuple[FitOutcome, list[tuple[str, list[LeaderboardRow]]]]:
    reports: list[tuple[str, list[LeaderboardRow]]] = []
    outcome = SklearnEngine().fit(frame, spec, lambda m, b: reports.append((m, list(b))))
    return outcome, reports


def mixed(rows: int = 800, seed: int = 0) -> pd.DataFrame:
    """Numbers with gaps, a category, a date and a boolean, all carrying signal."""
    rng = np.random.default_rng(seed)
    amount = rng.normal(0, 1, rows)
    channel = rng.choice(["web", "app", "branch"], rows)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")
    member = rng.random(rows) < 0.5
    signal = amount + (channel == "web") * 1.5 + (day.month > 6) * 1.0 + member * 0.5
    frame = pd.DataFrame(
        {
            "amount": amount,
            "channel": channel,
            "day": day,
            "member": member,
            "noise": rng.random(rows),
        }
    )
    frame.loc[frame.index[::9], "amount"] = np.nan
    frame.loc[frame.index[::11], "channel"] = None
    frame["churned"] = np.where(signal + rng.normal(0, 0.5, rows) > 1.2, "yes", "no")
    return frame


def odd_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values everywhere, a category never seen, an extra column."""
    odd = frame.head(6).copy()
    odd.loc[odd.index[0], "amount"] = np.nan
    odd.loc[odd.index[1], "channel"] = "carrier pigeon"
    odd.loc[odd.index[2], "channel"] = None
    odd.loc[odd.index[3], "day"] = pd.NaT
    odd.loc[odd.index[4], ["amount", "channel", "day", "noise"]] = [np.nan, None, pd.NaT, np.nan]
    odd["unexpected"] = 1
    return odd


def test_binary_with_mixed_columns_predicts_original_classes_and_copes_with_odd_rows(
    tmp_path: Path,
) -> None:
    train, holdout = split(mixed())
    spec = spec_for(tmp_path, TaskType.BINARY, "churned", "roc_auc")
    outcome, reports = fit(train, spec)
    # several configurations, best validation AUC first, each reported as it finished
    names = [r.model_name for r in outcome.leaderboard]
    assert sorted(names) == sorted(MODELS)
    scores = [r.score_validation for r in outcome.leaderboard]
    assert all(s is not None and 0.5 < s <= 1 for s in scores), scores
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert outcome.best_model == names[0]
    assert [len(board) for _, board in reports] == [1, 2, 3, 4]
    assert reports[0][0].startswith("Trained HistGradientBoosting (roc_auc ")
    assert plain_model_name("HistGradientBoostingSmall").startswith("Histogram gradient boosting")
    # loaded in another engine instance: the original class values, positive second
    model = SklearnEngine().load(spec.model_dir, num_cpus=1)
    features = holdout.drop(columns=["churned"])
    predicted = model.predict(features)
    assert predicted.classes == ["no", "yes"]
    assert predicted.probabilities is not None
    np.testing.assert_allclose(predicted.probabilities.sum(axis=1), 1.0)
    assert set(predicted.labels) <= {"no", "yes"}
    np.testing.assert_array_equal(
        predicted.labels, np.where(predicted.probabilities[:, 1] > 0.5, "yes", "no")
    )
    truth = holdout["churned"].to_numpy()
    measured = Outcome(truth, predicted.labels, predicted.probabilities, predicted.classes, None)
    assert METRICS["roc_auc"].compute(measured) > 0.85
    odd = model.predict(odd_rows(features))
    assert odd.probabilities is not None
    assert np.isfinite(odd.probabilities).all()
    assert len(odd.labels) == 6
    assert len(model.predict(features.head(0)).labels) == 0


def test_boolean_target_keeps_booleans(tmp_path: Path) -> None:
    frame = breast_cancer().drop(columns=["patient_id"])
    frame["benign"] = frame.pop("diagnosis") == "benign"
    spec = spec_for(tmp_path, TaskType.BINARY, "benign", "f1")
    fit(frame, spec)
    predicted = SklearnEngine().load(spec.model_dir, 1).predict(frame.drop(columns=["benign"]))
    assert predicted.classes == [False, True]
    assert predicted.labels.dtype == bool
    assert (predicted.labels == frame["benign"]).mean() > 0.9


def test_multiclass_reports_log_loss_in_its_own_units(tmp_path: Path) -> None:
    train, holdout = split(iris())
    spec = spec_for(tmp_path, TaskType.MULTICLASS, "species", "log_loss")
    outcome, _ = fit(train, spec)
    scores = [r.score_validation for r in outcome.leaderboard]
    assert all(s is not None and 0 <= s < 1 for s in scores), scores
    assert scores == sorted(scores)  # type: ignore[type-var]  # lower is better: best first
    predicted = SklearnEngine().load(spec.model_dir, 1).predict(holdout.drop(columns=["species"]))
    assert predicted.classes == ["setosa", "versicolor", "virginica"]
    assert predicted.probabilities is not None
    assert predicted.probabilities.shape == (len(holdout), 3)
    assert (predicted.labels == holdout["species"].to_numpy()).mean() > 0.85


def test_regression_reports_rmse_and_predicts_numbers_with_gaps(tmp_path: Path) -> None:
    frame = diabetes()
    frame.loc[frame.index[::5], "bmi"] = np.nan
    train, holdout = split(frame)
    spec = spec_for(tmp_path, TaskType.REGRESSION, "progression", "rmse")
    outcome, _ = fit(train, spec)
    best = outcome.leaderboard[0].score_validation
    assert best is not None
    assert 30 < best < 80  # RMSE in the target's units, not negated
    predicted = (
        SklearnEngine().load(spec.model_dir, 1).predict(holdout.drop(columns=["progression"]))
    )
    assert predicted.probabilities is None
    assert predicted.classes is None
    assert predicted.labels.dtype == np.float64
    rmse = float(np.sqrt(np.mean((predicted.labels - holdout["progression"].to_numpy()) ** 2)))
    assert rmse < 70, rmse  # the mean alone: ~77


def test_a_category_with_more_values_than_bins_still_fits(tmp_path: Path) -> None:
    """HistGradientBoosting takes at most 255 categories per column: rarer values share one."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"city": [f"city {i}" for i in rng.integers(0, 600, 3000)]})
    frame["x"] = rng.normal(0, 1, len(frame))
    frame["y"] = frame["x"] * 3 + rng.normal(0, 1, len(frame))
    spec = spec_for(tmp_path, TaskType.REGRESSION, "y", "r2")
    outcome, _ = fit(frame, spec)
    best = outcome.leaderboard[0].score_validation
    assert best is not None
    assert best > 0.8
    odd = pd.DataFrame({"city": ["city 1", "nowhere", None], "x": [0.0, 1.0, None]})
    predicted = SklearnEngine().load(spec.model_dir, 1).predict(odd)
    assert np.isfinite(predicted.labels).all()


def linear(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    """A target that is a line in its numbers plus a shift per category, with noise: what
    trees approximate in steps (diabetes is close to this)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (rows, 6))
    region = rng.choice(["north", "south", "east", "west"], rows)
    shift = pd.Series(region).map({"north": 0.0, "south": 2.0, "east": -1.0, "west": 1.0})
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(6)])
    frame["region"] = region
    frame["y"] = x @ np.array([3.0, -2.0, 1.5, 1.0, 0.5, 0.0]) + shift + rng.normal(0, 1, rows)
    frame.loc[frame.index[::13], "x0"] = np.nan
    return frame


def test_a_linear_target_is_served_by_the_linear_model_which_copes_with_odd_rows(
    tmp_path: Path,
) -> None:
    """On a small linear target the regularised linear model validates better than every
    tree ensemble, serves, and answers rows with gaps, unseen categories and an extra
    column; dropping it from the candidates makes the served model measurably worse."""
    train, holdout = split(linear())
    spec = spec_for(tmp_path, TaskType.REGRESSION, "y", "rmse")
    outcome, _ = fit(train, spec)
    assert outcome.best_model == LINEAR, outcome.leaderboard
    assert outcome.details["iterations"] is None
    model = SklearnEngine().load(spec.model_dir, 1)
    features = holdout.drop(columns=["y"])
    rmse = float(np.sqrt(np.mean((model.predict(features).labels - holdout["y"]) ** 2)))
    trees = min(r.score_validation or np.inf for r in outcome.leaderboard[1:])
    assert rmse < 1.4 < trees, (rmse, trees)  # the noise is 1.0
    odd = features.head(4).copy()
    odd.loc[odd.index[0], ["x0", "x1"]] = np.nan
    odd.loc[odd.index[1], "region"] = "nowhere"
    odd.loc[odd.index[2], "region"] = None
    odd["unexpected"] = 1
    assert np.isfinite(model.predict(odd).labels).all()


def test_the_linear_classifier_answers_calibrated_classes(tmp_path: Path) -> None:
    frame = linear(600)
    frame["y"] = np.where(frame["y"] > 0, "up", "down")
    train, holdout = split(frame)
    spec = spec_for(tmp_path, TaskType.BINARY, "y", "roc_auc")
    outcome, _ = fit(train, spec)
    assert LINEAR in [r.model_name for r in outcome.leaderboard]
    assert outcome.best_model == LINEAR, outcome.leaderboard
    predicted = SklearnEngine().load(spec.model_dir, 1).predict(holdout.drop(columns=["y"]))
    assert predicted.classes == ["down", "up"]
    assert predicted.probabilities is not None
    np.testing.assert_allclose(predicted.probabilities.sum(axis=1), 1.0)
    assert (predicted.labels == holdout["y"].to_numpy()).mean() > 0.85


def test_the_linear_model_is_skipped_when_its_design_would_be_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import phantom.automl.engines.sklearn as engine

    monkeypatch.setattr(engine, "LINEAR_MAX_WORK", 1.0)
    outcome, _ = fit(linear(), spec_for(tmp_path, TaskType.REGRESSION, "y", "rmse"))
    assert LINEAR not in [r.model_name for r in outcome.leaderboard]
    assert len(outcome.leaderboard) == len(MODELS) - 1


def test_a_class_too_rare_to_cross_validate_or_a_failing_linear_fit_skips_only_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The linear model is an extra candidate: a class with one training row (no folds
    for its penalty's cross-validation) or a failure of its fit leaves the boosted models."""
    import phantom.automl.engines.sklearn as engine

    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (200, 3))
    y = np.where(x[:, 0] > 0, "up", "down")
    y[0] = "rare"  # one row: no fold of a cross-validation could hold it twice
    assert engine._fit_linear(TaskType.MULTICLASS, [False] * 3, x, y) is None
    y[1] = "rare"  # two rows: two folds
    assert engine._fit_linear(TaskType.MULTICLASS, [False] * 3, x, y) is not None

    def broken(*args: Any) -> Any:
        raise FloatingPointError("fault injected into the linear fit")

    monkeypatch.setattr(engine, "_linear", broken)
    outcome, _ = fit(linear(), spec_for(tmp_path / "broken", TaskType.REGRESSION, "y", "rmse"))
    assert LINEAR not in [r.model_name for r in outcome.leaderboard]
    assert len(outcome.leaderboard) == len(MODELS) - 1


def test_the_same_seed_fits_the_same_model(tmp_path: Path) -> None:
    frame = mixed(400)
    answers: list[Any] = []
    for run in ("a", "b"):
        spec = spec_for(tmp_path / run, TaskType.BINARY, "churned", "roc_auc", seed=7)
        outcome, _ = fit(frame, spec)
        model = SklearnEngine().load(spec.model_dir, 1)
        answers.append(
            (
                [(r.model_name, r.score_validation) for r in outcome.leaderboard],
                model.predict(frame.drop(columns=["churned"])).probabilities,
            )
        )
    assert answers[0][0] == answers[1][0]
    np.testing.assert_array_equal(answers[0][1], answers[1][1])


def smooth(rows: int = 3000) -> pd.DataFrame:
    """A noiseless target that boosting keeps improving on for hundreds of iterations."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.uniform(-2, 2, (rows, 3)), columns=["a", "b", "c"])
    frame["y"] = frame["a"] * frame["b"] + np.sin(3 * frame["c"])
    return frame


def test_a_fit_past_its_deadline_ends_with_one_short_model(tmp_path: Path) -> None:
    """The first configuration always finishes, cut after its first chunk of boosting;
    nothing else starts after the deadline."""
    # given: with time, the first configuration boosts past one chunk
    roomy = spec_for(tmp_path / "roomy", TaskType.REGRESSION, "y", "rmse")
    fitted, _ = fit(smooth(), roomy)
    unbounded = SklearnEngine().load(roomy.model_dir, 1)
    assert unbounded.estimator.n_iter_ > 50
    # and, with time left, the chosen model was fitted again on every row, validation's
    assert fitted.details["refit_on_all_rows"] is True
    assert not unbounded.estimator.early_stopping
    assert unbounded.estimator.n_iter_ == fitted.details["iterations"]
    # when: the fit starts after its deadline
    late = spec_for(tmp_path / "late", TaskType.REGRESSION, "y", "rmse", seconds=-1)
    outcome, reports = fit(smooth(), late)
    # then: one model, one chunk of 50 iterations, saved and usable
    assert [r.model_name for r in outcome.leaderboard] == ["HistGradientBoosting"]
    assert len(reports) == 1
    assert outcome.details["iterations"] == 50
    assert outcome.details["refit_on_all_rows"] is False  # no time left for it
    cut = SklearnEngine().load(late.model_dir, 1)
    assert len(cut.predict(smooth(10).drop(columns=["y"])).labels) == 10


def test_anomaly_detection_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    spec = spec_for(tmp_path, TaskType.ANOMALY_DETECTION, None, "roc_auc")
    with pytest.raises(DataError, match="anomaly detection choose AUTOGLUON or H2O"):
        fit(mixed(100).drop(columns=["churned"]), spec)


# --------------------------------------------------------------------------------------
# End to end: GraphQL start, the worker's training child, the registry, REST predict
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workers(log_dir: Path) -> Iterator[None]:
    with worker(log_dir / "worker.log"):
        yield


@pytest.mark.slow
async def test_a_sklearn_job_trains_registers_and_predicts_through_the_api(
    http: httpx.AsyncClient, workers: None, tenant: TenantFixture
) -> None:
    # given: a dataset with an id column and a text label
    data = breast_cancer()
    dataset_id = await upload_frame(http, tenant.bearer, data, "Biopsies for scikit-learn")
    # when: a SKLEARN job runs
    body = await start(
        http,
        tenant.bearer,
        datasetId=dataset_id,
        target="diagnosis",
        timeBudgetSeconds=20,
        engine="SKLEARN",
    )
    assert "errors" not in body, body
    assert body["data"]["startTraining"]["engine"] == "SKLEARN"
    ended = await wait_for(http, tenant.bearer, body["data"]["startTraining"]["id"], TERMINAL)
    # then: it succeeded with the configurations its time allowed (the first always)
    assert ended["status"] == "SUCCEEDED", ended["error"]
    assert ended["engine"] == "SKLEARN"
    names = {r["modelName"] for r in ended["leaderboard"]}
    assert "HistGradientBoosting" in names, names
    assert names <= set(MODELS), names
    assert all(r["scoreValidation"] > 0.9 for r in ended["leaderboard"])
    assert {m["name"]: m["value"] for m in ended["metrics"]}["roc_auc"] > 0.9
    version = ended["modelVersion"]
    assert (version["engine"], version["classes"]) == ("sklearn", ["benign", "malignant"])
    assert version["bestModelName"] == ended["leaderboard"][0]["modelName"]
    # and it predicts through GraphQL and REST alike, also a row with a gap
    rows = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in data.drop(columns=["patient_id", "diagnosis"]).head(5).to_dict("records")
    ]
    rows[0]["mean_radius"] = None
    graph = await post(http, tenant.bearer, PREDICT, {"id": version["id"], "rows": rows})
    assert "errors" not in graph, graph
    rest = await http.post(
        f"/api/v1/models/{version['id']}/predict", json={"rows": rows}, headers=tenant.bearer
    )
    assert rest.status_code == 200, rest.text
    answer = rest.json()
    assert answer["predictions"] == graph["data"]["predict"]["predictions"]
    assert all(p in ("benign", "malignant") for p in answer["predictions"])
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in answer["probabilities"])
    truth = data["diagnosis"].head(5).tolist()
    assert sum(p == t for p, t in zip(answer["predictions"], truth, strict=True)) >= 4


VERSION = """
query Version($id: ID!) {
  modelVersion(id: $id) { id classes positiveClass metrics { name value } }
}
"""
THRESHOLD = """
mutation Threshold($id: ID!, $threshold: Float!) {
  setServingThreshold(modelVersionId: $id, threshold: $threshold) { id servingThreshold }
}
"""
PREDICT_POSITIVE = """
mutation Predict($id: ID!, $rows: JSON!) {
  predict(modelVersionId: $id, rows: $rows) { predictions probabilities positiveClass }
}
"""


async def _trained(
    http: httpx.AsyncClient, tenant: TenantFixture, dataset_id: str, **extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    body = await start(
        http,
        tenant.bearer,
        datasetId=dataset_id,
        target="diagnosis",
        timeBudgetSeconds=30,  # room for every configuration: both fits are the same
        engine="SKLEARN",
        **extra,
    )
    assert "errors" not in body, body
    ended = await wait_for(http, tenant.bearer, body["data"]["startTraining"]["id"], TERMINAL)
    assert ended["status"] == "SUCCEEDED", ended["error"]
    version = await post(http, tenant.bearer, VERSION, {"id": ended["modelVersion"]["id"]})
    assert "errors" not in version, version
    return ended, version["data"]["modelVersion"]


@pytest.mark.slow
async def test_a_chosen_positive_class_is_what_probabilities_and_metrics_refer_to(
    http: httpx.AsyncClient, workers: None, tenant: TenantFixture
) -> None:
    # given: the same data and seed trained twice, by default and with the first class
    data = breast_cancer()
    dataset_id = await upload_frame(http, tenant.bearer, data, "Biopsies, both ways")
    _, default = await _trained(http, tenant, dataset_id)
    _job, chosen = await _trained(http, tenant, dataset_id, positiveClass="benign")
    # then: the default is the second of the sorted classes; the choice is recorded
    assert (default["classes"], default["positiveClass"]) == (["benign", "malignant"], "malignant")
    assert (chosen["classes"], chosen["positiveClass"]) == (["malignant", "benign"], "benign")
    # the same model underneath: the same probability per class, the positive one differs
    rows = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in data.drop(columns=["patient_id", "diagnosis"]).head(40).to_dict("records")
    ]
    answers = {}
    for name, version in (("default", default), ("chosen", chosen)):
        graph = await post(
            http, tenant.bearer, PREDICT_POSITIVE, {"id": version["id"], "rows": rows}
        )
        assert "errors" not in graph, graph
        answers[name] = graph["data"]["predict"]
    assert answers["default"]["positiveClass"] == "malignant"
    assert answers["chosen"]["positiveClass"] == "benign"
    for mine, theirs in zip(
        answers["chosen"]["probabilities"], answers["default"]["probabilities"], strict=True
    ):
        assert abs(sum(mine.values()) - 1) < 1e-6
        assert mine == pytest.approx(theirs, abs=1e-9)
    # the metrics follow the positive class: recall of benign is not recall of malignant
    default_metrics = {m["name"]: m["value"] for m in default["metrics"]}
    chosen_metrics = {m["name"]: m["value"] for m in chosen["metrics"]}
    assert chosen_metrics["roc_auc"] == pytest.approx(default_metrics["roc_auc"], abs=1e-9)
    assert chosen_metrics["recall"] != pytest.approx(default_metrics["recall"], abs=1e-9)
    # and a serving threshold applies to the chosen class's probability
    threshold = await post(http, tenant.bearer, THRESHOLD, {"id": chosen["id"], "threshold": 0.9})
    assert "errors" not in threshold, threshold
    graph = await post(http, tenant.bearer, PREDICT_POSITIVE, {"id": chosen["id"], "rows": rows})
    assert "errors" not in graph, graph
    answer = graph["data"]["predict"]
    expected = ["benign" if p["benign"] > 0.9 else "malignant" for p in answer["probabilities"]]
    assert answer["predictions"] == expected
    assert "benign" in expected
    assert "malignant" in expected
