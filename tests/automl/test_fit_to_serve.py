"""The model fit to serve, on real AutoGluon fits of seconds: the engine in this process,
then training jobs through GraphQL with the real child process and the registry."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from phantom.automl import runs
from phantom.automl.engines.autogluon import AutoGluonEngine
from phantom.automl.engines.base import FitSpec
from phantom.automl.fit_to_serve import holdout_score
from phantom.automl.supervisor import supervise
from phantom.automl.tasks import Outcome, TaskType
from tests.automl.support import breast_cancer, post, start, upload_frame
from tests.support.fixtures import TenantFixture, error_codes
from tests.support.models import train_version, upload_payments

pytestmark = pytest.mark.slow

SERVED = """
query Job($id: ID!) {
  trainingJob(id: $id) {
    status error servingChoice metric
    leaderboard {
      rank modelName scoreValidation scoreHoldout predictMsPerRow rowsPerSecond served
    }
    metrics { name value }
    modelVersion {
      id bestModelName servingModel servingReason predictMsPerRow predictRowsPerSecond
    }
  }
}
"""


def biopsies() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = breast_cancer().drop(columns=["patient_id"])
    train, holdout = train_test_split(
        data, test_size=0.2, random_state=0, stratify=data["diagnosis"]
    )
    return train.reset_index(drop=True), holdout.reset_index(drop=True)


def test_the_engine_serves_a_faster_model_when_the_ensemble_is_not_measurably_better(
    tmp_path: Path,
) -> None:
    # given: a short fit of a forest (~50 ms for one row: scikit-learn starts its threads
    # on every call) and a booster (~1 ms), whose best is the ensemble over both
    train, holdout = biopsies()
    spec = FitSpec(
        task=TaskType.BINARY,
        target="diagnosis",
        metric="roc_auc",
        time_limit_seconds=15,
        deadline=time.time() + 15,
        num_cpus=2,
        memory_limit_mb=4096,
        seed=0,
        model_dir=tmp_path / "model",
        work_dir=tmp_path / "work",
        holdout=holdout,
        # a small forest trains in a second even on a loaded host
        options={"hyperparameters": {"RF": {"n_estimators": 60}, "GBM": {}}},
    )
    spec.model_dir.mkdir()
    spec.work_dir.mkdir()
    # when
    outcome = AutoGluonEngine().fit(train, spec, lambda message, board: None)
    # then: every model was scored on the holdout and timed (the best first; a quiet host
    # times all in a second or two, the measuring time is bounded), one is served, and not
    # the ensemble: the ensemble's holdout score is within noise of a much faster member's
    rows = {r.model_name: r for r in outcome.leaderboard}
    assert {"LightGBM", "RandomForest"} <= set(rows), list(rows)
    assert all(r.score_holdout is not None for r in rows.values())
    timed = [r for r in rows.values() if r.predict_ms_per_row is not None]
    assert len(timed) >= 2
    assert all(r.rows_per_second and r.rows_per_second > 0 for r in timed)
    assert [r.model_name for r in rows.values() if r.served] == [outcome.served_model]
    assert outcome.best_model.startswith("WeightedEnsemble"), outcome.best_model
    served, best = rows[outcome.served_model or ""], rows[outcome.best_model]
    assert served.model_name != best.model_name, outcome.serving_reason
    assert served.predict_ms_per_row is not None
    assert best.predict_ms_per_row is not None
    assert served.predict_ms_per_row <= best.predict_ms_per_row * 0.8
    reason = outcome.serving_reason or ""
    assert reason.startswith(f"{served.model_name}: holdout roc_auc ")
    assert f"({best.model_name}; difference within noise, p=" in reason
    # and the saved artefact holds the served model (and what it needs) as its best, and
    # answers exactly as the served model did on the holdout
    model = AutoGluonEngine().load(spec.model_dir, num_cpus=1)
    try:
        assert model.predictor.model_best == served.model_name
        assert best.model_name not in model.predictor.model_names()
        predicted = model.predict(holdout.drop(columns=["diagnosis"]))
    finally:
        model.close()
    answers = Outcome(
        np.asarray(holdout["diagnosis"]),
        predicted.labels,
        predicted.probabilities,
        predicted.classes,
        None,
    )
    assert holdout_score("roc_auc", answers) == served.score_holdout


async def run_job(
    client: httpx.AsyncClient, tenant: TenantFixture, dataset_id: str, **fields: Any
) -> dict[str, Any]:
    """Start an AutoGluon job and run its claim and fit here, as the worker's actor does."""
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset_id,
        target="diagnosis",
        timeBudgetSeconds=15,
        **fields,
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claim = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claim is not None
    await supervise(claim)
    found = await post(client, tenant.bearer, SERVED, {"id": job_id})
    assert "errors" not in found, found
    job: dict[str, Any] = found["data"]["trainingJob"]
    assert job["status"] == "SUCCEEDED", job["error"]
    return job


async def test_jobs_record_what_serves_and_why_and_best_score_keeps_the_best(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given
    dataset_id = await upload_frame(client, tenant.bearer, breast_cancer(), "Biopsies")
    # when: one job as by default, one forcing the leaderboard's best
    fit = await run_job(client, tenant, dataset_id)
    best = await run_job(client, tenant, dataset_id, servingChoice="BEST_SCORE")
    # then: the default chose for serving, and the registry says which model, why, and
    # what a prediction costs through the saved model
    assert (fit["servingChoice"], best["servingChoice"]) == ("FIT_TO_SERVE", "BEST_SCORE")
    for job in (fit, best):
        served = [r for r in job["leaderboard"] if r["served"]]
        version = job["modelVersion"]
        assert [r["modelName"] for r in served] == [version["servingModel"]]
        assert version["servingReason"].startswith(f"{version['servingModel']}: ")
        assert 0 < version["predictMsPerRow"] < 1000
        assert version["predictRowsPerSecond"] > 0
        # the version's holdout metrics are the served model's, measured through the
        # saved-and-reloaded artefact
        metrics = {m["name"]: m["value"] for m in job["metrics"]}
        assert metrics["roc_auc"] == pytest.approx(served[0]["scoreHoldout"])
        best_row = next(r for r in job["leaderboard"] if r["modelName"] == version["bestModelName"])
        assert best_row["predictMsPerRow"] is not None  # timed first, always
    assert best["modelVersion"]["servingModel"] == best["modelVersion"]["bestModelName"]
    assert "as the job asked (servingModel BEST_SCORE)" in best["modelVersion"]["servingReason"]
    fit_served = next(r for r in fit["leaderboard"] if r["served"])
    fit_best = next(
        r for r in fit["leaderboard"] if r["modelName"] == fit["modelVersion"]["bestModelName"]
    )
    assert fit_served["predictMsPerRow"] <= fit_best["predictMsPerRow"]


async def test_engines_that_choose_nothing_record_their_leader_and_its_cost(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    dataset_id = await upload_payments(client, tenant)
    version = await train_version(client, tenant, dataset_id, "Payments")
    query = (
        "query($id: ID!) { modelVersion(id: $id) { servingModel servingReason "
        "predictMsPerRow predictRowsPerSecond trainingJob { leaderboard { modelName served "
        "predictMsPerRow } } } }"
    )
    body = await post(client, tenant.bearer, query, {"id": version["id"]})
    found = body["data"]["modelVersion"]
    assert found["servingModel"] == "Ensemble"
    assert found["servingReason"] == (
        "Ensemble: the anomaly engine's best model (this engine serves its leader)"
    )
    assert found["predictMsPerRow"] > 0
    assert found["predictRowsPerSecond"] > 0
    served = [r for r in found["trainingJob"]["leaderboard"] if r["served"]]
    assert [r["modelName"] for r in served] == ["Ensemble"]
    assert served[0]["predictMsPerRow"] == found["predictMsPerRow"]


@pytest.mark.parametrize(
    "value", ["FASTEST", "best_score", "", 1, None, "FIT_TO_SERVE" * 1000, ["BEST_SCORE"]]
)
async def test_a_serving_choice_that_is_not_one_of_the_two_is_refused(
    client: httpx.AsyncClient, tenant: TenantFixture, value: Any
) -> None:
    dataset_id = await upload_frame(client, tenant.bearer, breast_cancer().head(60), "Small")
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset_id,
        target="diagnosis",
        timeBudgetSeconds=15,
        servingChoice=value,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    listing = await post(client, tenant.bearer, "{ trainingJobs { totalCount } }", {})
    assert listing["data"]["trainingJobs"]["totalCount"] == 0
