"""Every way a training job can fail ends it cleanly, on real processes: the hard bound
kills a hung fit with its whole process group; ``data_error`` and ``engine_error`` fail at
once; a fit killed by a signal is retried, then fails ``engine_crashed``; workers that keep
dying end in ``worker_lost`` after the last attempt; and a worker that lost its lease to
another writes nothing (no progress, no final state, no model version, no artefact).

Jobs here get ``PHANTOM_TRAINING_MAX_ATTEMPTS=2``. A hung fit is the test-only
``PHANTOM_TRAINING_TEST_STALL_SECONDS`` (refused in production): after training, the
child sleeps deaf to SIGTERM, with a helper process in its group."""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import psutil
import pytest
from sqlalchemy import select

from phantom.automl.lifecycle import hard_bound_seconds
from phantom.automl.models import TrainingJob
from phantom.db import transaction
from phantom.registry.models import ModelVersion
from tests.automl.conftest import FAST_RECOVERY, worker
from tests.automl.support import (
    TERMINAL,
    breast_cancer,
    start,
    transactions,
    upload_frame,
    wait_for,
)
from tests.automl.test_recovery import stored_models, versions_of
from tests.support.fixtures import TenantFixture
from tests.support.servers import api_server, free_port

pytestmark = pytest.mark.slow

MIN_BUDGET = 5  # PHANTOM_TRAINING_MIN_BUDGET_SECONDS' default: the hard bound is 36.25 s
# a worker whose heartbeats come too rarely to keep its lease (a paused VM, a partition)
SLOW_HEARTBEATS = {
    "PHANTOM_TRAINING_HEARTBEAT_SECONDS": "300",
    "PHANTOM_TRAINING_LEASE_SECONDS": "15",
}


@pytest.fixture(scope="module")
def api_url(log_dir: Path) -> Iterator[str]:
    with api_server(log_dir, {**FAST_RECOVERY, "PHANTOM_TRAINING_MAX_ATTEMPTS": "2"}) as url:
        yield url


async def until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` (sync or async) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.1)


def fit_children(job_id: str) -> list[psutil.Process]:
    """The job's training child processes (``python -m phantom.automl.runner <spec>``)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        command = process.info["cmdline"] or []
        if (
            "phantom.automl.runner" in command
            and any(f"phantom-train-{job_id}" in part for part in command)
            and process.info["status"] != psutil.STATUS_ZOMBIE
        ):
            found.append(process)
    return found


def group(pgid: int) -> list[int]:
    """Live processes of a process group (zombies are dead: they hold nothing)."""
    members = []
    for process in psutil.process_iter(["status"]):
        try:
            if os.getpgid(process.pid) == pgid and process.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(process.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def work_dirs(job_id: str) -> list[Path]:
    """Fit directories of the job on this host: each supervisor deletes its own when it
    is done with the job, whatever the outcome."""
    return list(Path(tempfile.gettempdir()).glob(f"phantom-train-{job_id}-*"))


async def row(tenant: TenantFixture, job_id: str) -> TrainingJob:
    async with transaction(tenant.id) as session:
        found = await session.get(TrainingJob, uuid.UUID(job_id))
        assert found is not None
        session.expunge(found)
        return found


async def snapshot(tenant: TenantFixture, job_id: str) -> dict[str, Any]:
    """Everything a worker writes to a job row."""
    found = await row(tenant, job_id)
    return {
        name: getattr(found, name)
        for name in (
            "status",
            "progress",
            "message",
            "leaderboard",
            "feature_importance",
            "metrics",
            "error",
            "error_code",
            "attempt",
            "fencing_token",
            "lease_owner",
            "lease_expires_at",
            "finished_at",
            "event_seq",
        )
    }


async def artefacts_of(tenant: TenantFixture, job_id: str) -> list[str]:
    async with transaction(tenant.id) as session:
        paths = await session.scalars(
            select(ModelVersion.artifact_path).where(
                ModelVersion.training_job_id == uuid.UUID(job_id)
            )
        )
        return list(paths)


async def started(http: httpx.AsyncClient, tenant: TenantFixture, **fields: Any) -> str:
    body = await start(http, tenant.bearer, **fields)
    assert "errors" not in body, body
    return str(body["data"]["startTraining"]["id"])


# --- the hard bound ---------------------------------------------------------------------


async def test_a_fit_that_ignores_its_deadline_is_killed_whole_at_the_hard_bound(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, transactions(), "Hung")
    with worker(log_dir / "hung.log", PHANTOM_TRAINING_TEST_STALL_SECONDS="600"):
        # given: a fit that trained, then hangs deaf to SIGTERM, with a helper in its group
        job_id = await started(
            http,
            tenant,
            datasetId=dataset_id,
            taskType="ANOMALY_DETECTION",
            target="fraud",
            timeBudgetSeconds=MIN_BUDGET,
        )
        child = (await until(lambda: fit_children(job_id), 60, "no fit started"))[0]
        pgid = os.getpgid(child.pid)
        assert pgid == child.pid  # its own session and group
        await until(lambda: len(group(pgid)) >= 2, 60, "the hung fit's helper never started")
        # when: the hard bound passes
        ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=90)
        # then: the job failed time_bound, at the bound (plus the SIGTERM grace), not before
        assert (ended["status"], ended["errorCode"]) == ("FAILED", "time_bound"), ended
        assert f"hard bound (36 s for a {MIN_BUDGET} s budget)" in ended["error"]
        # and says where its time went: it hung after the fit, scoring the holdout
        assert "Its last step: Best model" in ended["error"], ended["error"]
        assert ended["error"].endswith("scoring the holdout."), ended["error"]
        assert ended["attempt"] == 1  # not retried
        found = await row(tenant, job_id)
        assert found.started_at is not None
        assert found.finished_at is not None
        took = (found.finished_at - found.started_at).total_seconds()
        grace = float(FAST_RECOVERY["PHANTOM_TRAINING_CANCEL_GRACE_SECONDS"])
        assert hard_bound_seconds(MIN_BUDGET) <= took < hard_bound_seconds(MIN_BUDGET) + grace + 20
        # and nothing of the fit is left, while its worker still runs (an orphaned child
        # would stop by itself once the worker is gone: that must not be what ends it)
        await until(lambda: group(pgid) == [], 5, f"left running: {group(pgid)}")
        assert fit_children(job_id) == []
    assert ended["modelVersion"] is None
    assert stored_models(tenant) == []


# --- errors of the data and the engine --------------------------------------------------


async def test_data_and_engine_errors_fail_at_once_without_a_retry(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    # given: a dataset whose only feature is an identifier, and an H2O cluster that is down
    ids_only = pd.DataFrame(
        {"order_code": [f"A{i:04d}" for i in range(60)], "churned": ["stay", "leave"] * 30}
    )
    no_features = await upload_frame(http, tenant.bearer, ids_only, "Identifiers only")
    biopsies = await upload_frame(http, tenant.bearer, breast_cancer(), "Biopsies")
    down = f"http://127.0.0.1:{free_port()}"
    with worker(log_dir / "errors.log", PHANTOM_H2O_URL=down):
        data_job = await started(
            http, tenant, datasetId=no_features, target="churned", timeBudgetSeconds=10
        )
        engine_job = await started(
            http,
            tenant,
            datasetId=biopsies,
            target="diagnosis",
            timeBudgetSeconds=45,
            engine="H2O",
        )
        data_failed = await wait_for(http, tenant.bearer, data_job, TERMINAL, timeout=120)
        engine_failed = await wait_for(http, tenant.bearer, engine_job, TERMINAL, timeout=120)
    # then: each failed with its code and a message that says why, on its first attempt
    assert (data_failed["status"], data_failed["errorCode"]) == ("FAILED", "data_error")
    assert data_failed["error"] == (
        "No feature column is left after dropping excluded and ID-like columns."
    )
    assert (engine_failed["status"], engine_failed["errorCode"]) == ("FAILED", "engine_error")
    assert "H2OConnectionError" in engine_failed["error"], engine_failed["error"]
    for failed in (data_failed, engine_failed):
        assert failed["attempt"] == 1
        assert failed["modelVersion"] is None
        assert work_dirs(failed["id"]) == []
    assert stored_models(tenant) == []


# --- crashes and lost workers: retried, then failed ---------------------------------------


async def test_a_fit_killed_by_a_signal_is_retried_then_fails_engine_crashed(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Crashing")
    with worker(log_dir / "crashing.log"):
        job_id = await started(
            http, tenant, datasetId=dataset_id, target="diagnosis", timeBudgetSeconds=60
        )
        killed: set[int] = set()
        for attempt in (1, 2):
            # when: each attempt's fit dies of SIGKILL (as the OOM killer would do it)
            child = (
                await until(
                    lambda: [p for p in fit_children(job_id) if p.pid not in killed],
                    90,
                    f"attempt {attempt} never started a fit",
                )
            )[0]
            assert (await row(tenant, job_id)).attempt == attempt
            child.send_signal(signal.SIGKILL)
            killed.add(child.pid)
        ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=60)
    # then: retried once (two attempts in all), then FAILED with why
    assert (ended["status"], ended["errorCode"]) == ("FAILED", "engine_crashed"), ended
    assert "was killed by signal 9" in ended["error"]
    assert ended["error"].endswith("(after 2 attempts)"), ended["error"]
    assert (ended["attempt"], ended["maxAttempts"]) == (2, 2)
    assert await versions_of(tenant, job_id) == 0
    assert stored_models(tenant) == []
    assert work_dirs(job_id) == []


async def test_a_job_whose_workers_keep_dying_fails_worker_lost_after_its_last_attempt(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Lost")
    job_id = await started(
        http, tenant, datasetId=dataset_id, target="diagnosis", timeBudgetSeconds=60
    )
    for attempt in (1, 2):
        with worker(log_dir / f"lost-{attempt}.log") as doomed:
            # (the second worker's reconciler first hands it the job the first one lost)
            await until(
                lambda a=attempt: fit_children(job_id) and _attempt_running(tenant, job_id, a),
                120,
                f"attempt {attempt} never ran",
            )
            # when: the worker dies whole, mid-fit, with no chance to say so
            os.killpg(doomed.pid, signal.SIGKILL)
            doomed.wait(10)
        await until(lambda: fit_children(job_id) == [], 10, "the orphaned fit kept running")
    with worker(log_dir / "lost-3.log"):
        ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=60)
    # then: the last attempt's expired lease fails the job instead of queueing it again
    assert (ended["status"], ended["errorCode"]) == ("FAILED", "worker_lost"), ended
    assert ended["error"].endswith("(after 2 attempts)"), ended["error"]
    assert (ended["attempt"], ended["maxAttempts"]) == (2, 2)
    assert (await row(tenant, job_id)).fencing_token == 2
    assert await versions_of(tenant, job_id) == 0
    assert stored_models(tenant) == []


async def _attempt_running(tenant: TenantFixture, job_id: str, attempt: int) -> bool:
    found = await row(tenant, job_id)
    return found.status == "RUNNING" and found.attempt == attempt


# --- fencing: the worker that lost its lease writes nothing --------------------------------


async def test_a_worker_that_lost_its_lease_writes_no_progress(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, transactions(), "Paused")
    with worker(log_dir / "paused-loser.log", **SLOW_HEARTBEATS):
        job_id = await started(
            http,
            tenant,
            datasetId=dataset_id,
            taskType="ANOMALY_DETECTION",
            target="fraud",
            timeBudgetSeconds=60,
        )
        # given: the first worker's fit is frozen, so the worker's lease lapses
        child = (await until(lambda: fit_children(job_id), 60, "no fit started"))[0]
        pgid = os.getpgid(child.pid)
        os.killpg(pgid, signal.SIGSTOP)
        try:
            with worker(log_dir / "paused-winner.log"):
                # and another worker takes the job over and finishes it
                ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=150)
                assert (ended["status"], ended["attempt"]) == ("SUCCEEDED", 2), ended
                assert child.is_running()
                before = await snapshot(tenant, job_id)
                assert before["fencing_token"] == 2
                # when: the loser's fit resumes and reports progress to its worker
                os.killpg(pgid, signal.SIGCONT)
                await until(lambda: not work_dirs(job_id), 90, "the loser never gave up")
        finally:
            if group(pgid):  # never leave a stopped process behind
                os.killpg(pgid, signal.SIGCONT)
        # then: the loser stopped its fit and changed nothing
        await until(lambda: group(pgid) == [], 10, "the loser's fit kept running")
        assert await snapshot(tenant, job_id) == before
    assert await versions_of(tenant, job_id) == 1
    assert len(stored_models(tenant)) == 1


async def test_a_worker_that_lost_its_lease_stores_nothing_of_its_result(
    http: httpx.AsyncClient, log_dir: Path, tenant: TenantFixture
) -> None:
    dataset_id = await upload_frame(http, tenant.bearer, transactions(), "Late result")
    loser_env = {**SLOW_HEARTBEATS, "PHANTOM_TRAINING_TEST_STALL_SECONDS": "45"}
    with worker(log_dir / "late-loser.log", **loser_env):
        job_id = await started(
            http,
            tenant,
            datasetId=dataset_id,
            taskType="ANOMALY_DETECTION",
            target="fraud",
            timeBudgetSeconds=60,
        )
        # given: the first worker's fit trained, then hangs before handing over its result;
        # the worker heartbeats too rarely to keep its lease meanwhile
        child = (await until(lambda: fit_children(job_id), 60, "no fit started"))[0]
        pgid = os.getpgid(child.pid)
        await until(lambda: len(group(pgid)) >= 2, 60, "the fit never got to its stall")
        with worker(log_dir / "late-winner.log"):
            # when: another worker takes the job over while the first fit still hangs
            await until(
                lambda: _token_is(tenant, job_id, 2), 60, "the second worker never took over"
            )
            assert child.is_running(), "the first fit ended before the takeover: too late"
            ended = await wait_for(http, tenant.bearer, job_id, TERMINAL, timeout=120)
            assert (ended["status"], ended["attempt"]) == ("SUCCEEDED", 2), ended
            before = await snapshot(tenant, job_id)
            winners = await artefacts_of(tenant, job_id)
            # and the first fit ends: its worker archives, uploads, and tries to commit
            await until(lambda: not work_dirs(job_id), 90, "the loser never gave up")
        # then: it wrote nothing, and deleted what it uploaded
        assert await snapshot(tenant, job_id) == before
    assert await versions_of(tenant, job_id) == 1
    assert [str(p.name) for p in stored_models(tenant)] == [Path(winners[0]).name]


async def _token_is(tenant: TenantFixture, job_id: str, token: int) -> bool:
    return (await row(tenant, job_id)).fencing_token == token
