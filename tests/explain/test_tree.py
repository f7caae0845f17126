"""Exact tree SHAP through the real API: an AutoGluon job whose model zoo is LightGBM
only (the test hook ``PHANTOM_TRAINING_TEST_HYPERPARAMETERS``), on data where one feature
decides the label."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from phantom.automl import runs
from phantom.automl import supervisor as supervisor_module
from phantom.automl.supervisor import supervise
from phantom.config import settings
from tests.automl.support import job, post, start, upload_frame
from tests.explain.support import SUMMARY, assert_additive, graphql_predict, planted
from tests.support.fixtures import TenantFixture, create_tenant

pytestmark = pytest.mark.slow  # a real AutoGluon fit in a child process

FEATURES = {"signal", "noise", "region"}
ROWS = [
    {"signal": 1.5, "noise": 0.1, "region": "north"},
    {"signal": -0.7, "noise": -1.0, "region": "east"},
]


@pytest.fixture(scope="module")
def lightgbm_only() -> Iterator[None]:
    patched = settings.model_copy(update={"TRAINING_TEST_HYPERPARAMETERS": {"GBM": {}}})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(supervisor_module, "settings", patched)
        yield


@pytest.fixture(scope="module")
async def trained(app: Any, lightgbm_only: None) -> tuple[TenantFixture, str, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await upload_frame(client, tenant.bearer, planted(), "Planted")
        body = await start(
            client,
            tenant.bearer,
            datasetId=dataset,
            target="fraud",
            timeBudgetSeconds=10,
            modelName="Fraud",
        )
        assert "errors" not in body, body
        job_id = body["data"]["startTraining"]["id"]
        claim = await runs.claim(tenant.id, uuid.UUID(job_id))
        assert claim is not None
        await supervise(claim)
        found = await job(client, tenant.bearer, job_id)
        assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
        version = await post(
            client,
            tenant.bearer,
            "query($id: ID!) { modelVersion(id: $id) { servingModel } }",
            {"id": found["modelVersion"]["id"]},
        )
    return tenant, found["modelVersion"]["id"], version["data"]["modelVersion"]["servingModel"]


def logit(p: float) -> float:
    return math.log(p / (1 - p))


async def test_a_tree_model_is_explained_exactly_in_log_odds_of_the_positive_class(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str, str]
) -> None:
    tenant, version_id, served = trained
    assert "LightGBM" in served or served.startswith("WeightedEnsemble"), served
    # when
    rest = await client.post(
        f"/api/v1/models/{version_id}/predict?explain=true",
        json={"rows": ROWS},
        headers=tenant.bearer,
    )
    graphql = await graphql_predict(client, tenant, version_id, ROWS, explain=True)
    # then: exact, additive, and equal to the model's own probability as log-odds
    assert rest.status_code == 200, rest.text
    body = rest.json()
    assert (body["target"], body["positiveClass"]) == ("fraud", "yes")
    assert "errors" not in graphql, graphql
    for answer in (body, graphql["data"]["predict"]):
        for explanation, probabilities in zip(
            answer["explanations"], answer["probabilities"], strict=True
        ):
            assert explanation["method"] == "tree"
            assert explanation["explained"] == "log-odds of fraud = yes"
            assert_additive(explanation, FEATURES)
            assert explanation["output"] == pytest.approx(logit(probabilities["yes"]), abs=1e-6)
            assert explanation["contributions"][0]["feature"] == "signal"
    # the strong feature pushes towards its side
    first, second = body["explanations"]
    assert first["contributions"][0]["contribution"] > 0
    assert second["contributions"][0]["contribution"] < 0


async def test_the_summary_puts_the_planted_feature_first(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str, str]
) -> None:
    tenant, version_id, _ = trained
    body = await post(client, tenant.bearer, SUMMARY, {"id": version_id})
    assert "errors" not in body, body
    summary = body["data"]["modelVersion"]["explanationSummary"]
    assert summary["method"] == "tree"
    assert summary["explained"] == "log-odds of fraud = yes"
    assert summary["features"][0]["feature"] == "signal"
    assert {f["feature"] for f in summary["features"]} == FEATURES
    assert summary["rows"] == 60  # the whole holdout (20 % of 300 rows)
    assert all(0 < len(f["points"]) <= 200 for f in summary["features"])
    signal, *others = summary["features"]
    assert all(signal["meanAbsShap"] > 3 * other["meanAbsShap"] for other in others)
