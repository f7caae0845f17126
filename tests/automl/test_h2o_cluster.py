"""The H2O engine on a real multi-node H2O cluster: two JVMs forming one cloud on this
machine, reached through ``PHANTOM_H2O_URL``, with training jobs going the product's
whole way (the API, a worker, its training child) and the model served by the API."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from phantom.automl.lifecycle import hard_bound_seconds
from tests.automl.conftest import worker
from tests.automl.support import TERMINAL, breast_cancer, job, start, upload_frame, wait_for
from tests.automl.test_failures import fit_children, row, until, work_dirs
from tests.automl.test_recovery import stored_models
from tests.support.fixtures import TenantFixture
from tests.support.h2o_cloud import Cloud, h2o_cloud
from tests.support.servers import free_port

pytest.importorskip("h2o")
if shutil.which("java") is None:
    pytest.skip("H2O needs Java", allow_module_level=True)

pytestmark = [pytest.mark.h2o, pytest.mark.slow]


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Cloud]:
    with h2o_cloud(tmp_path / "cloud", size=2) as formed:
        assert formed.status()["cloud_size"] == 2
        assert formed.status(1)["cloud_size"] == 2  # both nodes see the same cloud
        yield formed


def test_a_cloud_that_does_not_answer_is_reported() -> None:
    from phantom.automl.engines.h2o.node import _cloud_state

    down = f"http://127.0.0.1:{free_port()}"
    problem, size = _cloud_state(down)
    assert problem is not None
    assert problem.startswith(f"the H2O cluster at {down} does not answer"), problem
    assert size == 0


def node_keys(cloud: Cloud) -> dict[str, int]:
    """How many keys each node of the cloud holds, by its address."""
    return {n["ip_port"]: int(n["num_keys"]) for n in cloud.status()["nodes"]}


async def test_a_job_trains_on_a_two_node_cluster_registers_and_serves(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture, cloud: Cloud
) -> None:
    data = breast_cancer()
    dataset_id = await upload_frame(http, tenant.bearer, data, "Biopsies on a cluster")
    before = cloud.keys()
    second = f"127.0.0.1:{cloud.nodes[1].port}"
    with worker(log_dir / "cluster.log", PHANTOM_H2O_URL=cloud.url):
        body = await start(
            http,
            tenant.bearer,
            datasetId=dataset_id,
            target="diagnosis",
            timeBudgetSeconds=45,  # the API's minimum for H2O
            engine="H2O",
        )
        assert "errors" not in body, body
        job_id = body["data"]["startTraining"]["id"]
        # while it trains: the second node holds part of the job's data (H2O spreads keys
        # over the cloud by hash), so the fit really ran on two nodes
        most_on_second = 0
        deadline = time.monotonic() + 180
        while (found := await job(http, tenant.bearer, job_id))["status"] not in TERMINAL:
            assert time.monotonic() < deadline, found
            held = await asyncio.to_thread(node_keys, cloud)
            most_on_second = max(most_on_second, held[second])
            await asyncio.sleep(0.5)
    assert found["status"] == "SUCCEEDED", found["error"]
    assert most_on_second > 0
    assert h2o_rows(found), "H2O's models are on the leaderboard"
    assert {m["name"]: m["value"] for m in found["metrics"]}["roc_auc"] > 0.9
    version = found["modelVersion"]
    # what serves is H2O's model, or the HistGradientBoosting baseline when H2O's is
    # measurably worse on the holdout (automl/baseline.py); either loads and answers
    assert found["engine"] == "H2O"
    assert version["engine"] in ("h2o", "sklearn")
    assert version["classes"] == ["benign", "malignant"]
    # the cluster is still whole, and keeps nothing of the job
    status = cloud.status()
    assert (status["cloud_size"], status["cloud_healthy"], status["locked"]) == (2, True, True)
    assert cloud.keys() == before
    # served by the API (its own scoring node: the cluster is for fits)
    rows: list[dict[str, Any]] = (
        data.drop(columns=["patient_id", "diagnosis"]).head(5).to_dict("records")
    )
    response = await http.post(
        f"/api/v1/models/{version['id']}/predict", json={"rows": rows}, headers=tenant.bearer
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert all(p in ("benign", "malignant") for p in answer["predictions"])
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in answer["probabilities"])


async def test_a_node_dying_mid_fit_fails_the_job_once_with_a_clear_error(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture, cloud: Cloud
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Biopsies, node lost")
    budget = 90  # the fit's deadline (budget - reserve) comes long after the kill
    with worker(log_dir / "cluster-lost.log", PHANTOM_H2O_URL=cloud.url):
        body = await start(
            http,
            tenant.bearer,
            datasetId=dataset_id,
            target="diagnosis",
            timeBudgetSeconds=budget,
            engine="H2O",
        )
        assert "errors" not in body, body
        job_id = body["data"]["startTraining"]["id"]

        async def training() -> bool:
            found = await job(http, tenant.bearer, job_id)
            return found["status"] == "RUNNING" and bool(h2o_rows(found))

        # when: node 2 dies once H2O's first model is in (the baseline's come first),
        # AutoML still running on both nodes
        await until(training, 120, "the fit never got under way")
        cloud.nodes[1].kill()
        killed = time.monotonic()
        ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=120)
        took = time.monotonic() - killed
        # then: FAILED with its code and a message that says what happened, long before
        # the job's hard bound and without a retry
        assert (ended["status"], ended["errorCode"]) == ("FAILED", "engine_error"), ended
        assert "H2OClusterLost" in ended["error"], ended["error"]
        assert "lost 1 of its 2 nodes" in ended["error"], ended["error"]
        assert f"127.0.0.1:{cloud.nodes[1].port}" in ended["error"]
        assert took < 45, took
        assert took < hard_bound_seconds(budget)
        assert ended["attempt"] == 1
        assert ended["modelVersion"] is None
        first = await row(tenant, job_id)
        assert first.finished_at is not None
        # and it ended exactly once: past the requeue and reconcile periods nothing changed
        await asyncio.sleep(8)
        again = await row(tenant, job_id)
        assert (again.status, again.attempt, again.error, again.finished_at) == (
            first.status,
            first.attempt,
            first.error,
            first.finished_at,
        )
        assert fit_children(job_id) == []
        assert work_dirs(job_id) == []
    assert stored_models(tenant) == []


def h2o_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The leaderboard's H2O models (the baseline's rows are named "Baseline: ...")."""
    return [r for r in found["leaderboard"] if not r["modelName"].startswith("Baseline:")]
