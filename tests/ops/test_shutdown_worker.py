"""SIGTERM to ``phantom worker`` (docs/operations.md, "Stopping and restarting"): the
supervisor forwards it, a fit in flight is stopped (its process gone: no orphan), nothing
of it is stored, and the job is handed back at once (QUEUED, its attempt unspent), so
the next worker trains it and it ends exactly once; a batch scoring job is handed back
between chunks the same way. The worker exits within PHANTOM_SHUTDOWN_GRACE_SECONDS."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.automl.conftest import api_url, http, log_dir, worker  # noqa: F401 - fixtures
from tests.automl.support import TERMINAL, breast_cancer, job, start, upload_frame, wait_for
from tests.automl.test_recovery import fencing_token, runner_alive, stored_models, versions_of
from tests.batch import support as batch
from tests.support.fixtures import TenantFixture
from tests.support.models import train_version, upload_payments

pytestmark = pytest.mark.slow
GRACE = 20  # PHANTOM_SHUTDOWN_GRACE_SECONDS for these workers
KILL_MARGIN = 10  # the supervisor's margin past the grace (cli.WORKER_KILL_MARGIN_SECONDS)
# the fit's SIGTERM-to-SIGKILL grace (3 s in FAST_RECOVERY) and one database write
HAND_BACK_BOUND = 5
SMALL_CHUNKS = {"PHANTOM_BATCH_CHUNK_ROWS": "500"}  # 60,000 rows: 120 chunks


async def status_becomes(read: Any, wanted: str, timeout: float) -> tuple[dict[str, Any], float]:
    """The job once its status is ``wanted``, and how long that took."""
    started = time.monotonic()
    while True:
        found: dict[str, Any] = await read()
        if found["status"] == wanted:
            return found, time.monotonic() - started
        assert time.monotonic() - started < timeout, f"still {found['status']}"
        await asyncio.sleep(0.05)


async def test_sigterm_mid_fit_hands_the_job_back_and_it_ends_once(
    http: httpx.AsyncClient,  # noqa: F811
    log_dir: Path,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Stopped")
    env = {"PHANTOM_SHUTDOWN_GRACE_SECONDS": str(GRACE)}
    with worker(log_dir / "stopped.log", **env) as stopped:
        job_id = (
            await start(
                http, tenant.bearer, datasetId=dataset_id, target="diagnosis", timeBudgetSeconds=30
            )
        )["data"]["startTraining"]["id"]
        deadline = time.monotonic() + 90
        while (await job(http, tenant.bearer, job_id))["leaderboard"] == []:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.3)
        assert runner_alive(job_id)
        # when: the orchestrator stops the worker (its main process only, as ECS does)
        stopped_at = time.monotonic()
        os.kill(stopped.pid, signal.SIGTERM)
        # then: the job is back in the queue within the fit's grace, and the worker exits
        handed, handed_after = await status_becomes(
            lambda: job(http, tenant.bearer, job_id), "QUEUED", GRACE
        )
        await asyncio.to_thread(stopped.wait, GRACE + KILL_MARGIN)
        exited_after = time.monotonic() - stopped_at
    # measured: handed back after 0.2 s, the worker gone after 2.9 s
    assert handed_after < HAND_BACK_BOUND
    assert stopped.returncode == 0
    assert exited_after < GRACE
    assert handed["attempt"] == 0, "a stop does not spend an attempt"
    assert not runner_alive(job_id), "the fit's process outlived its worker"
    assert await versions_of(tenant, job_id) == 0
    assert stored_models(tenant) == []
    log = (log_dir / "stopped.log").read_text()
    assert "training handed back" in log
    # and the next worker trains it, once
    with worker(log_dir / "next.log"):
        ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=180)
    assert ended["status"] == "SUCCEEDED", ended["error"]
    assert ended["attempt"] == 1
    assert await fencing_token(tenant, job_id) == 2
    assert await versions_of(tenant, job_id) == 1
    assert len(stored_models(tenant)) == 1


@pytest.fixture
async def model(client: httpx.AsyncClient, tenant: TenantFixture) -> tuple[str, str]:
    version = await train_version(client, tenant, await upload_payments(client, tenant), "Fraud")
    dataset = await upload_frame(
        client, tenant.bearer, batch.scoring_frame(60_000), "June payments"
    )
    return str(version["id"]), dataset


async def test_sigterm_mid_batch_scoring_hands_the_job_back_and_it_ends_once(
    http: httpx.AsyncClient,  # noqa: F811
    log_dir: Path,  # noqa: F811
    tenant: TenantFixture,
    model: tuple[str, str],
) -> None:
    version, dataset = model
    env = {"PHANTOM_SHUTDOWN_GRACE_SECONDS": str(GRACE), **SMALL_CHUNKS}
    with worker(log_dir / "batch-stopped.log", **env) as stopped:
        job_id = await batch.started(http, tenant.bearer, version, dataset)
        deadline = time.monotonic() + 120
        while (await batch.job(http, tenant.bearer, job_id))["rowsScored"] == 0:
            assert time.monotonic() < deadline, "the job never started scoring"
            await asyncio.sleep(0.05)
        stopped_at = time.monotonic()
        os.kill(stopped.pid, signal.SIGTERM)
        handed, handed_after = await status_becomes(
            lambda: batch.job(http, tenant.bearer, job_id), "QUEUED", GRACE
        )
        await asyncio.to_thread(stopped.wait, GRACE + KILL_MARGIN)
        exited_after = time.monotonic() - stopped_at
    # measured: handed back after 0.4 s, the worker gone after 2.9 s
    assert handed_after < HAND_BACK_BOUND
    assert stopped.returncode == 0
    assert exited_after < GRACE
    assert (handed["attempt"], handed["rowsScored"]) == (0, 0)
    assert batch.stored_outputs(tenant) == []
    with worker(log_dir / "batch-next.log", **SMALL_CHUNKS):
        deadline = time.monotonic() + 180
        while (ended := await batch.job(http, tenant.bearer, job_id))["status"] not in TERMINAL:
            assert time.monotonic() < deadline, ended
            await asyncio.sleep(0.3)
    assert ended["status"] == "SUCCEEDED", ended
    assert (ended["attempt"], ended["rowsScored"]) == (1, 60_000)
    assert len(batch.stored_outputs(tenant)) == 1
