"""Batch jobs end well when the infrastructure does not, on real processes: a worker
killed with SIGKILL mid-job is replaced once its lease expires (the reconciler on the new
worker re-queues it) and the job completes exactly once, with one stored output; a job
whose message Redis lost is sent again."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx
import pytest
import redis

from tests.automl.conftest import api_url, http, log_dir, worker  # noqa: F401 - fixtures
from tests.automl.support import upload_frame
from tests.batch.support import job, scoring_frame, started, stored_outputs
from tests.support.fixtures import TenantFixture
from tests.support.models import train_version, upload_payments

pytestmark = pytest.mark.slow

TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}
SMALL_CHUNKS = {"PHANTOM_BATCH_CHUNK_ROWS": "500"}  # 60,000 rows: 120 chunks, seconds


async def wait_for(
    api: httpx.AsyncClient, tenant: TenantFixture, job_id: str, timeout: float
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        found = await job(api, tenant.bearer, job_id)
        if found["status"] in TERMINAL:
            return found
        assert time.monotonic() < deadline, f"still {found['status']}: {found['message']}"
        await asyncio.sleep(0.3)


@pytest.fixture
async def model(client: httpx.AsyncClient, tenant: TenantFixture) -> tuple[str, str]:
    version = await train_version(client, tenant, await upload_payments(client, tenant), "Fraud")
    dataset = await upload_frame(client, tenant.bearer, scoring_frame(60_000), "June payments")
    return str(version["id"]), dataset


async def test_a_worker_killed_mid_job_is_replaced_and_the_job_succeeds_once(
    http: httpx.AsyncClient,  # noqa: F811
    log_dir: Path,  # noqa: F811
    tenant: TenantFixture,
    model: tuple[str, str],
) -> None:
    version, dataset = model
    with worker(log_dir / "batch-doomed.log", **SMALL_CHUNKS) as doomed:
        job_id = await started(http, tenant.bearer, version, dataset)
        deadline = time.monotonic() + 120
        while (await job(http, tenant.bearer, job_id))["rowsScored"] == 0:
            assert time.monotonic() < deadline, "the job never started scoring"
            await asyncio.sleep(0.1)
        # when: the whole worker process group dies at once, mid-job
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(10)
    killed = await job(http, tenant.bearer, job_id)
    assert killed["status"] == "RUNNING", killed  # until its lease ends
    assert 0 < killed["rowsScored"] < 60_000
    # then: a new worker takes it over once the lease expires, and scores it all, once
    with worker(log_dir / "batch-replacement.log", **SMALL_CHUNKS):
        ended = await wait_for(http, tenant, job_id, timeout=180)
    assert ended["status"] == "SUCCEEDED", ended
    assert (ended["attempt"], ended["rowsScored"]) == (2, 60_000)
    assert len(stored_outputs(tenant)) == 1, "one output, none of the killed attempt"


async def test_a_job_whose_message_redis_lost_is_sent_again(
    http: httpx.AsyncClient,  # noqa: F811
    log_dir: Path,  # noqa: F811
    tenant: TenantFixture,
    model: tuple[str, str],
) -> None:
    version, dataset = model
    job_id = await started(http, tenant.bearer, version, dataset)
    redis.Redis.from_url(os.environ["PHANTOM_REDIS_URL"]).flushdb()
    with worker(log_dir / "batch-after-flush.log"):
        ended = await wait_for(http, tenant, job_id, timeout=180)
    assert (ended["status"], ended["attempt"], ended["rowsScored"]) == ("SUCCEEDED", 1, 60_000)
