"""Jobs end well when the infrastructure does not: a worker killed with SIGKILL mid-fit
and a Redis that lost every message both end with the job completed by a retry, exactly
once, never stuck RUNNING or QUEUED."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import func, select

from phantom.automl.models import TrainingJob
from phantom.db import transaction
from phantom.kit.storage import get_store
from phantom.registry.models import ModelVersion
from tests.automl.conftest import worker
from tests.automl.support import TERMINAL, breast_cancer, job, start, upload_frame, wait_for
from tests.support.fixtures import TenantFixture

pytestmark = pytest.mark.slow


def runner_alive(job_id: str) -> bool:
    found = subprocess.run(
        ["pgrep", "-f", f"phantom-train-{job_id}"], capture_output=True, check=False
    )
    return bool(found.stdout.strip())


async def fencing_token(tenant: TenantFixture, job_id: str) -> int:
    async with transaction(tenant.id) as session:
        row = await session.get(TrainingJob, uuid.UUID(job_id))
        assert row is not None
        return row.fencing_token


async def versions_of(tenant: TenantFixture, job_id: str) -> int:
    async with transaction(tenant.id) as session:
        return int(
            await session.scalar(
                select(func.count(ModelVersion.id)).where(
                    ModelVersion.training_job_id == uuid.UUID(job_id)
                )
            )
            or 0
        )


def stored_models(tenant: TenantFixture) -> list[Path]:
    root = Path(get_store().path(f"tenants/{tenant.id}/models"))
    return sorted(root.iterdir()) if root.exists() else []


async def test_a_worker_killed_mid_fit_is_replaced_and_the_job_succeeds_once(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Killed")
    with worker(log_dir / "doomed.log") as doomed:
        job_id = (
            await start(
                http, tenant.bearer, datasetId=dataset_id, target="diagnosis", timeBudgetSeconds=20
            )
        )["data"]["startTraining"]["id"]
        deadline = time.monotonic() + 90
        while (await job(http, tenant.bearer, job_id))["leaderboard"] == []:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.3)
        # when: the whole worker process group dies at once, mid-fit
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(10)
    # then: its orphaned fit stops on its own
    deadline = time.monotonic() + 10
    while runner_alive(job_id):
        assert time.monotonic() < deadline, "the orphaned fit kept running"
        await asyncio.sleep(0.2)
    assert (await job(http, tenant.bearer, job_id))["status"] == "RUNNING"  # until the lease ends
    # and a new worker takes it over once the lease expires, under a higher fencing token
    with worker(log_dir / "replacement.log"):
        ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=180)
    assert ended["status"] == "SUCCEEDED", ended["error"]
    assert ended["attempt"] == 2
    assert await fencing_token(tenant, job_id) == 2
    assert await versions_of(tenant, job_id) == 1
    assert len(stored_models(tenant)) == 1, "no artefact of the killed attempt is left"


async def test_queued_jobs_survive_a_redis_that_lost_every_message(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Flushed")
    # given: jobs queued while no worker runs, then Redis loses everything
    ids = [
        (
            await start(
                http, tenant.bearer, datasetId=dataset_id, target="diagnosis", timeBudgetSeconds=8
            )
        )["data"]["startTraining"]["id"]
        for _ in range(2)
    ]
    redis.Redis.from_url(os.environ["PHANTOM_REDIS_URL"]).flushdb()
    # when: a worker starts, its reconciler finds the jobs whose message is gone
    with worker(log_dir / "after-flush.log"):
        ended = [await wait_for(http, tenant.bearer, i, TERMINAL, timeout=180) for i in ids]
    # then: each ran exactly once
    assert [e["status"] for e in ended] == ["SUCCEEDED", "SUCCEEDED"], [e["error"] for e in ended]
    assert [e["attempt"] for e in ended] == [1, 1]
    for job_id in ids:
        assert await versions_of(tenant, job_id) == 1
