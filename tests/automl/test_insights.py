"""A version's insights (bootstrap intervals, confusion matrix, partial dependence), its
reproducibility record, and retrainFromJob: on real fits in the training child, read
through GraphQL."""

from __future__ import annotations

import importlib.metadata
import itertools
import math
import platform
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from phantom.automl import runs
from phantom.automl.insights import RESAMPLES, bootstrap_intervals
from phantom.automl.supervisor import supervise
from phantom.automl.tasks import Outcome, TaskType, score_all
from tests.audit.support import add_member
from tests.automl.support import run_in_process, start, transactions, upload_frame
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql

VERSION_INSIGHTS = """
query($id: ID!) {
  trainingJob(id: $id) {
    id status errorCode error seed metrics { name value }
    featureImportance { feature importance }
    reproducibility { seed engine preset timeBudgetSeconds bestModel servedModel
      hyperparameters datasetContentHash excludedColumns servingChoice taskType metric target
      libraries { name version } split { trainRows holdoutRows holdoutHash } }
    modelVersion {
      id classes metrics { name value }
      metricIntervals { metric value low high resamples }
      confusionMatrix { labels matrix threshold positiveClass }
      partialDependence { feature kind explained points { x y } }
      reproducibility { seed engine preset timeBudgetSeconds bestModel servedModel
        hyperparameters datasetContentHash excludedColumns servingChoice taskType metric
        target libraries { name version } split { trainRows holdoutRows holdoutHash } }
    }
  }
}
"""
RETRAIN = "mutation($id: ID!) { retrainFromJob(jobId: $id) { id status seed } }"
DELETE = "mutation($id: ID!) { deleteDataset(id: $id) }"
AUDIT = """query($filter: AuditEventFilter) {
  auditEvents(first: 20, filter: $filter) { edges { node { action resourceId details } } } }"""
ROWS = 400
# a 10 s budget leaves a loaded host no time after the fit (the hard bound, 1.25 x budget
# + 30 s, comes first): 30 s fits in AutoGluon's medium_quality and leaves ~10 s
BUDGET = 30


def planted(rows: int = ROWS, seed: int = 7) -> pd.DataFrame:
    """Churn rises with ``tenure_gap`` (a logistic curve); the other columns are noise."""
    rng = np.random.default_rng(seed)
    gap = rng.uniform(0, 10, rows)
    churned = rng.random(rows) < 1 / (1 + np.exp(-1.5 * (gap - 5)))
    return pd.DataFrame(
        {
            "tenure_gap": gap.round(3),
            "noise": rng.normal(0, 1, rows).round(3),
            "plan": rng.choice(["basic", "plus", "pro"], rows),
            "churned": np.where(churned, "yes", "no"),
        }
    )


async def train(tenant: TenantFixture, job_id: str) -> None:
    """The ``automl.train`` actor's body: claim, then the real child process."""
    claim = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claim is not None, "the job was claimed by someone else"
    await supervise(claim)


async def read(client: httpx.AsyncClient, tenant: TenantFixture, job_id: str) -> dict[str, Any]:
    body = await gql(client, VERSION_INSIGHTS, {"id": job_id}, tenant.bearer)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["trainingJob"]
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    return found


@dataclass
class Trained:
    tenant: TenantFixture
    first: dict[str, Any]  # FIT_TO_SERVE: a fast model serves, leaving time for insights
    best: dict[str, Any]  # BEST_SCORE: the leaderboard's best serves, whatever the timings
    again: dict[str, Any]  # retrained from ``best``
    seconds: list[float]  # each fit, wall clock


async def start_and_train(
    client: httpx.AsyncClient, tenant: TenantFixture, dataset_id: str, serving: str
) -> tuple[str, float]:
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset_id,
        target="churned",
        timeBudgetSeconds=BUDGET,
        servingChoice=serving,
    )
    assert "errors" not in body, body
    job_id: str = body["data"]["startTraining"]["id"]
    began = time.monotonic()
    await train(tenant, job_id)
    return job_id, time.monotonic() - began


@pytest.fixture(scope="module")
async def trained(app: Any) -> Trained:
    tenant = await create_tenant("Insights Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset_id = await upload_frame(client, tenant.bearer, planted(), "Churn")
        first_id, first_seconds = await start_and_train(client, tenant, dataset_id, "FIT_TO_SERVE")
        # FIT_TO_SERVE chooses by latency measured on this loaded host, which differs from
        # run to run: the retrain is compared on BEST_SCORE (docs/governance.md)
        best_id, best_seconds = await start_and_train(client, tenant, dataset_id, "BEST_SCORE")
        body = await gql(client, RETRAIN, {"id": best_id}, tenant.bearer)
        assert "errors" not in body, body
        again_id = body["data"]["retrainFromJob"]["id"]
        began = time.monotonic()
        await train(tenant, again_id)
        seconds = [first_seconds, best_seconds, time.monotonic() - began]
        first = await read(client, tenant, first_id)
        best, again = await read(client, tenant, best_id), await read(client, tenant, again_id)
    return Trained(tenant, first, best, again, seconds)


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The training child's own ``run`` in this process, with AutoGluon on a fixed model zoo
    (the engine's ``hyperparameters`` option) so the fit takes seconds and leaves the
    insights their time on a loaded host; its ``result`` message."""
    messages = run_in_process(
        tmp_path_factory.mktemp("direct"),
        planted(),
        "churned",
        {"tenure_gap": "NUMERIC", "noise": "NUMERIC", "plan": "CATEGORICAL"},
        {"GBM": {}, "RF": {}},
    )
    return messages[-1]


# --- bootstrap intervals, on their own ---------------------------------------------------


def scored_holdout(rows: int) -> Outcome:
    """A real classifier's answers on rows it never saw (scikit-learn's logistic
    regression on a planted signal)."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, (rows + 500, 2))
    y = np.where(rng.random(rows + 500) < 1 / (1 + np.exp(-2 * x[:, 0])), "yes", "no")
    model = LogisticRegression().fit(x[:500], y[:500])
    proba = model.predict_proba(x[500:])
    return Outcome(y[500:], model.predict(x[500:]), proba, list(model.classes_), None)


def test_intervals_contain_the_estimate_and_narrow_with_more_rows() -> None:
    widths: dict[int, dict[str, float]] = {}
    for rows in (150, 1500):
        # given: a holdout of this size and its metrics
        measured = scored_holdout(rows)
        metrics = score_all(TaskType.BINARY, measured)
        # when
        intervals = bootstrap_intervals(
            TaskType.BINARY, measured, metrics, seed=0, deadline=math.inf, resamples=300
        )
        # then: every metric has an interval around its whole-holdout value
        assert {i["metric"] for i in intervals} == set(metrics)
        for interval in intervals:
            assert interval["low"] <= interval["value"] <= interval["high"], interval
            assert interval["resamples"] == 300
            assert interval["value"] == metrics[interval["metric"]]
        widths[rows] = {i["metric"]: i["high"] - i["low"] for i in intervals}
    # and: ten times the rows, narrower intervals (about 1/sqrt(10) as wide)
    for metric, wide in widths[150].items():
        assert widths[1500][metric] < 0.6 * wide, (metric, wide, widths[1500][metric])


def test_the_same_seed_draws_the_same_intervals_and_the_deadline_stops_early() -> None:
    measured = scored_holdout(300)
    metrics = score_all(TaskType.BINARY, measured)
    once = bootstrap_intervals(TaskType.BINARY, measured, metrics, 5, math.inf, resamples=50)
    again = bootstrap_intervals(TaskType.BINARY, measured, metrics, 5, math.inf, resamples=50)
    assert once == again
    # a deadline already passed: no resample, so no interval rather than a made-up one
    assert bootstrap_intervals(TaskType.BINARY, measured, metrics, 5, time.time() - 1) == []
    # a deadline that leaves time for a few resamples only: still no interval (a handful of
    # draws brackets noise, and once missed the estimate it stood beside)
    assert bootstrap_intervals(TaskType.BINARY, measured, metrics, 5, time.time() + 0.3) == []


# --- a trained classifier ---------------------------------------------------------------


@pytest.mark.slow
def test_the_confusion_matrix_counts_the_holdout_and_matches_the_stored_accuracy(
    trained: Trained,
) -> None:
    version = trained.first["modelVersion"]
    confusion = version["confusionMatrix"]
    metrics = {m["name"]: m["value"] for m in version["metrics"]}
    # then: rows and columns are the classes, the positive class is the metrics' (classes[1])
    assert confusion["labels"] == version["classes"] == ["no", "yes"]
    assert confusion["positiveClass"] == "yes"
    # AutoGluon calibrates no threshold for roc_auc: predict uses 0.5
    assert confusion["threshold"] == 0.5
    matrix = np.asarray(confusion["matrix"])
    assert matrix.shape == (2, 2)
    assert (
        matrix.sum()
        == math.ceil(ROWS * 0.2)
        == trained.first["reproducibility"]["split"]["holdoutRows"]
    )
    assert np.trace(matrix) / matrix.sum() == pytest.approx(metrics["accuracy"], abs=1e-12)
    recall = matrix[1, 1] / matrix[1].sum()
    assert recall == pytest.approx(metrics["recall"], abs=1e-12)


@pytest.mark.slow
def test_intervals_of_every_holdout_metric(direct: dict[str, Any], trained: Trained) -> None:
    metrics = direct["metrics"]
    intervals = {i["metric"]: i for i in direct["insights"]["metric_intervals"]}
    assert set(intervals) == set(metrics)
    for name, interval in intervals.items():
        assert interval["value"] == metrics[name]
        assert interval["low"] <= interval["value"] <= interval["high"], interval
        assert 100 <= interval["resamples"] <= RESAMPLES, interval
    # through GraphQL, from a job: what time allowed, about the stored metrics
    version = trained.first["modelVersion"]
    stored = {m["name"]: m["value"] for m in version["metrics"]}
    for interval in version["metricIntervals"]:
        assert interval["value"] == stored[interval["metric"]]
        assert interval["low"] <= interval["value"] <= interval["high"], interval


@pytest.mark.slow
def test_partial_dependence_rises_with_the_planted_feature(
    direct: dict[str, Any], trained: Trained
) -> None:
    ranked = [f["feature"] for f in direct["feature_importance"]]
    assert ranked[0] == "tenure_gap"
    curves = direct["insights"]["partial_dependence"]
    # then: a curve per feature, most important first
    assert [c["feature"] for c in curves] == ranked[: len(curves)]
    curve = curves[0]
    assert curve["kind"] == "numeric"
    assert curve["explained"] == "probability of yes"
    xs = [p["x"] for p in curve["points"]]
    ys = [p["y"] for p in curve["points"]]
    assert xs == sorted(xs)
    assert 10 <= len(xs) <= 20
    # churn was planted to rise with the gap: the curve rises (tree steps are flat or up)
    assert ys[-1] - ys[0] > 0.4, ys
    assert all(b - a > -0.03 for a, b in itertools.pairwise(ys)), ys
    plan = next((c for c in curves if c["feature"] == "plan"), None)
    if plan is not None:
        assert plan["kind"] == "categorical"
        assert {p["x"] for p in plan["points"]} == {"basic", "plus", "pro"}
    # through GraphQL: the same shape, kinds as an enum
    for through in trained.first["modelVersion"]["partialDependence"]:
        assert through["kind"] in {"NUMERIC", "CATEGORICAL"}
        assert through["points"]


@pytest.mark.slow
def test_reproducibility_names_the_installed_versions_and_the_settings(
    trained: Trained,
) -> None:
    job = trained.first
    record = job["reproducibility"]
    # the job's record is the version's
    assert record == job["modelVersion"]["reproducibility"]
    libraries = {item["name"]: item["version"] for item in record["libraries"]}
    for name in ("autogluon.tabular", "autogluon.core", "lightgbm", "scikit-learn", "numpy"):
        assert libraries[name] == importlib.metadata.version(name)
    assert libraries["python"] == platform.python_version()
    assert "h2o" not in libraries  # not used by this fit
    assert record["seed"] == job["seed"] == 0
    assert record["engine"] == "autogluon"
    assert record["preset"] == "medium_quality"
    assert record["timeBudgetSeconds"] == BUDGET
    assert (record["taskType"], record["metric"], record["target"]) == (
        "BINARY",
        "roc_auc",
        "churned",
    )
    assert record["servingChoice"] == "FIT_TO_SERVE"
    assert record["hyperparameters"]["model"] == record["bestModel"]
    assert isinstance(record["hyperparameters"]["hyperparameters"], dict)
    assert record["datasetContentHash"].startswith("sha256:")
    assert record["split"]["trainRows"] + record["split"]["holdoutRows"] == ROWS


# --- retrainFromJob ---------------------------------------------------------------------


@pytest.mark.slow
async def test_a_retrain_repeats_the_seed_the_split_and_the_record(
    trained: Trained, client: httpx.AsyncClient
) -> None:
    first, second = trained.best, trained.again
    one, two = first["reproducibility"], second["reproducibility"]
    # the same seed, data and held-out rows
    assert second["seed"] == first["seed"]
    assert two["split"] == one["split"]
    assert two["datasetContentHash"] == one["datasetContentHash"]
    # the same record, but for which models finished inside the budget on a loaded host
    # (the best model and its hyperparameters) and what serves
    different = {k for k in one if one[k] != two[k]}
    assert different <= {"bestModel", "servedModel", "hyperparameters"}, different
    ones = {m["name"]: m["value"] for m in first["metrics"]}
    twos = {m["name"]: m["value"] for m in second["metrics"]}
    print(  # the figures docs/governance.md reports  # noqa: T201
        "retrain:",
        {k: (round(ones[k], 4), round(twos.get(k, math.nan), 4)) for k in ones},
        "fits (s):",
        [round(s, 1) for s in trained.seconds],
        "different:",
        different,
        "resamples:",
        [i["resamples"] for i in first["modelVersion"]["metricIntervals"]],
        "best/served:",
        (one["bestModel"], one["servedModel"]),
        (two["bestModel"], two["servedModel"]),
    )
    assert set(ones) == set(twos)
    if not different:  # the same models finished and serve: the same answers
        assert twos == pytest.approx(ones, abs=1e-12)
    # otherwise (other models finished in time) within the first run's 95 % interval's
    # width (measured: docs/governance.md)
    intervals = {i["metric"]: i for i in first["modelVersion"]["metricIntervals"]}
    for name, value in ones.items():
        if name in intervals:
            width = intervals[name]["high"] - intervals[name]["low"]
            assert abs(twos[name] - value) <= width, (name, value, twos[name], width)
    # and: the retrain is audited, naming its source
    body = await gql(
        client, AUDIT, {"filter": {"action": "automl.training.retrained"}}, trained.tenant.bearer
    )
    events = [e["node"] for e in body["data"]["auditEvents"]["edges"]]
    assert [e["details"]["retrain_of"] for e in events] == [first["id"]]
    assert events[0]["resourceId"] == second["id"]


@pytest.mark.slow
async def test_retrain_refuses_another_tenants_job_bad_ids_and_readers(
    trained: Trained, client: httpx.AsyncClient, other_tenant: TenantFixture
) -> None:
    job_id = trained.first["id"]
    # another tenant: NOT_FOUND, as if it did not exist
    body = await gql(client, RETRAIN, {"id": job_id}, other_tenant.bearer)
    assert error_codes(body) == ["NOT_FOUND"]
    body = await gql(client, RETRAIN, {"id": str(uuid.uuid4())}, trained.tenant.bearer)
    assert error_codes(body) == ["NOT_FOUND"]
    # malformed and hostile ids answer as unknown ones do (graphql/ids.py)
    for bad in ("not-an-id", "' OR 1=1 --", "x" * 10_000):
        body = await gql(client, RETRAIN, {"id": bad}, trained.tenant.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
    # a viewer may read jobs but not start them
    viewer = await add_member(trained.tenant, ["viewer"])
    body = await gql(client, RETRAIN, {"id": job_id}, viewer.bearer)
    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.slow
async def test_retrain_after_the_dataset_was_deleted_is_not_found(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a job on a dataset deleted since (the job need not have run)
    dataset_id = await upload_frame(client, tenant.bearer, planted(60), "Gone")
    body = await start(
        client, tenant.bearer, datasetId=dataset_id, target="churned", timeBudgetSeconds=10
    )
    job_id = body["data"]["startTraining"]["id"]
    deleted = await gql(client, DELETE, {"id": dataset_id}, tenant.bearer)
    assert deleted["data"]["deleteDataset"] is True, deleted
    # when
    body = await gql(client, RETRAIN, {"id": job_id}, tenant.bearer)
    # then
    assert error_codes(body) == ["NOT_FOUND"]
    assert "was deleted" in body["errors"][0]["message"]


# --- labelled anomaly detection ---------------------------------------------------------


@pytest.mark.slow
async def test_anomaly_detection_has_a_confusion_matrix_at_its_score_threshold(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(client, tenant.bearer, transactions(400), "Payments")
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset_id,
        target="fraud",
        taskType="ANOMALY_DETECTION",
        timeBudgetSeconds=20,
    )
    job_id = body["data"]["startTraining"]["id"]
    await train(tenant, job_id)
    version = (await read(client, tenant, job_id))["modelVersion"]
    confusion = version["confusionMatrix"]
    metrics = {m["name"]: m["value"] for m in version["metrics"]}
    assert confusion["labels"] == ["normal", "anomalous"]
    assert confusion["positiveClass"] == "anomalous"
    # the training scores' (1 - contamination) quantile, in standard deviations of the
    # members' training scores: a typical row scores about 0, the flagged tail above it
    assert 0 < confusion["threshold"] < 10
    matrix = np.asarray(confusion["matrix"])
    assert matrix.sum() == 80
    assert np.trace(matrix) / matrix.sum() == pytest.approx(metrics["accuracy"], abs=1e-12)
    curves = version["partialDependence"]
    assert curves
    assert curves[0]["explained"].startswith("anomaly score")
    # the planted outliers are large amounts: the score rises with the amount
    amount = next(c for c in curves if c["feature"] == "amount")
    assert amount["points"][-1]["y"] > amount["points"][0]["y"]
