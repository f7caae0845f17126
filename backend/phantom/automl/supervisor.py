"""Runs one claimed job: the fit in a child process (``automl/runner.py``) that can be
killed whole, while this side heartbeats the lease, relays progress, honours cancels, and
enforces the hard bound. Only this side writes to the database and the store."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import tarfile
import time
import uuid
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from phantom.automl import runs
from phantom.automl.environment import clean_environment
from phantom.automl.lifecycle import hard_bound_seconds
from phantom.automl.models import JobStatus
from phantom.automl.runs import Artifact, Claim
from phantom.automl.tasks import TaskType
from phantom.config import settings
from phantom.kit.jobs import stopping
from phantom.kit.scratch import scratch
from phantom.kit.storage import get_store, tenant_key

log = logging.getLogger(__name__)
T = TypeVar("T")
LOG_TAIL_BYTES = 4000
STOP_POLL_SECONDS = 0.2  # how soon a worker's stop is noticed


def engine_module(claim: Claim) -> str:
    if claim.task_type == TaskType.FORECASTING:
        return "forecast"  # statistical forecasters (engines/forecast.py); others refused
    if claim.task_type == TaskType.ANOMALY_DETECTION and claim.engine == "AUTOGLUON":
        return "anomaly"  # AutoGluon has no unsupervised detector: our IsolationForest ensemble
    return claim.engine.lower()


def fit_resources() -> tuple[int, int]:
    """CPUs and memory (MB) for one fit: the host's share per training slot."""
    import psutil

    cpus = settings.TRAINING_CPUS or max(1, (os.cpu_count() or 1) // settings.TRAINING_SLOTS)
    memory = settings.TRAINING_MEMORY_MB or int(
        psutil.virtual_memory().total / 2**20 * 0.7 / settings.TRAINING_SLOTS
    )
    return cpus, memory


def _download(key: str, target: Path) -> None:
    with get_store().open(key) as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink, 1024 * 1024)


def _archive(model_dir: Path, target: Path) -> tuple[str, int]:
    with tarfile.open(target, "w:gz") as archive:
        archive.add(model_dir, arcname="model")
    digest = hashlib.sha256()
    with target.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}", target.stat().st_size


def _upload(key: str, source: Path) -> None:
    with source.open("rb") as stream:
        get_store().write(key, stream)


def _log_tail(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            stream.seek(max(path.stat().st_size - LOG_TAIL_BYTES, 0))
            return stream.read().decode("utf-8", "replace")
    except OSError:
        return ""


class Child:
    """The fit's process group: terminated with SIGTERM, then SIGKILL after a grace."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def stop(self, grace: float) -> None:
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            await self.process.wait()


# what a database restart or failover raises from a write: connection refused or dropped
DATABASE_ERRORS = (SQLAlchemyError, OSError)
RESULT_RETRY_SECONDS = 1.0
LATE_WRITE_SECONDS = 5.0  # a write past the lease: time to learn the claim is lost


def child_environment(cpus: int) -> dict[str, str]:
    """An allow-list, never ``os.environ``: the child runs engines' code on tenant data
    and needs no secret (only this side talks to the database and the store). The H2O
    engine's settings are passed explicitly."""
    extra = {
        "PHANTOM_TRAINING_PARENT": str(os.getpid()),
        "PHANTOM_H2O_MAX_MEM": settings.H2O_MAX_MEM,
        "OMP_NUM_THREADS": str(cpus),
        "PYTHONUNBUFFERED": "1",
    }
    if settings.H2O_URL is not None:
        extra["PHANTOM_H2O_URL"] = settings.H2O_URL
    return clean_environment(extra)


async def supervise(claim: Claim) -> None:
    async with scratch("train", claim.job_id) as work:
        await _supervise(claim, work)


async def _supervise(claim: Claim, work: Path) -> None:
    if claim.dataset_path is None:
        await runs.finish(
            claim,
            JobStatus.FAILED,
            "data_error",
            "The dataset was deleted before training started.",
        )
        return
    data = work / "data.parquet"
    try:
        async with LeaseKeeper(claim, time.monotonic() + settings.TRAINING_LEASE_SECONDS) as lease:
            await asyncio.to_thread(_download, claim.dataset_path, data)
    except FileNotFoundError:
        await runs.finish(
            claim, JobStatus.FAILED, "data_error", "The dataset's file is missing from the store."
        )
        return
    if lease.state == "lost":
        log.warning("lease lost while downloading", extra={"job_id": str(claim.job_id)})
        return
    if lease.state == "cancel":
        await runs.finish(claim, JobStatus.CANCELLED, "cancelled", "Cancelled.")
        return
    cpus, memory = fit_resources()
    (work / "model").mkdir()
    (work / "scratch").mkdir()
    spec = {
        "data_path": str(data),
        "engine": engine_module(claim),
        "task": claim.task_type,
        "target": claim.target,
        "metric": claim.metric,
        "budget_seconds": claim.budget_seconds,
        "num_cpus": cpus,
        "memory_limit_mb": memory,
        "model_dir": str(work / "model"),
        "work_dir": str(work / "scratch"),
        "column_types": claim.column_types,
        "excluded_columns": claim.excluded_columns,
        "protected_attributes": claim.protected_attributes,
        "positive_class": claim.positive_class,
        "fairness_min_group_rows": settings.FAIRNESS_MIN_GROUP_ROWS,
        "seed": claim.seed,
        "options": {
            "serving_model": claim.serving_choice,
            **({"forecast": claim.forecast} if claim.forecast is not None else {}),
            # tests only (refused in production): a known model zoo
            **(
                {"hyperparameters": settings.TRAINING_TEST_HYPERPARAMETERS}
                if settings.TRAINING_TEST_HYPERPARAMETERS is not None
                else {}
            ),
        },
        "hard_deadline": time.time() + hard_bound_seconds(claim.budget_seconds),
        "budget_deadline": time.time() + 1.1 * claim.budget_seconds,
        "test_stall_seconds": settings.TRAINING_TEST_STALL_SECONDS,  # 0 outside tests
    }
    (work / "spec.json").write_text(json.dumps(spec))
    log_path = work / "fit.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "phantom.automl.runner",
            str(work / "spec.json"),
            stdout=asyncio.subprocess.PIPE,
            stderr=log_file,
            stdin=asyncio.subprocess.DEVNULL,
            start_new_session=True,
            cwd=work,  # no ``.env`` there for the child's settings to read secrets from
            env=child_environment(cpus),
            limit=64 * 1024 * 1024,  # a leaderboard line can be long
        )
        child = Child(process)
        try:
            await _watch(claim, child, work, log_path)
        finally:
            await child.stop(0)


async def _watch(claim: Claim, child: Child, work: Path, log_path: Path) -> None:
    stdout = child.process.stdout
    if stdout is None:
        raise RuntimeError("the child was started without a stdout pipe")
    deadline = time.monotonic() + hard_bound_seconds(claim.budget_seconds)
    next_beat = time.monotonic() + settings.TRAINING_HEARTBEAT_SECONDS
    # until when the lease is surely ours: the last write that renewed it, plus its length
    held_until = time.monotonic() + settings.TRAINING_LEASE_SECONDS
    reading: asyncio.Task[bytes] = asyncio.ensure_future(stdout.readline())
    step = "Starting"  # the child's last progress message: where a stopped fit was
    try:
        while True:
            now = time.monotonic()
            wait = max(min(next_beat, deadline, now + STOP_POLL_SECONDS) - now, 0.05)
            done, _ = await asyncio.wait({reading}, timeout=wait)
            if done:
                line = reading.result()
                if not line:  # the child exited without a result or error
                    await child.process.wait()
                    await _crashed(claim, child, log_path)
                    return
                reading = asyncio.ensure_future(stdout.readline())
                message = json.loads(line)
                if message["event"] == "progress":
                    step = message["message"]
                    sent = time.monotonic()
                    try:
                        owned = await within_lease(
                            runs.progress(
                                claim,
                                message["progress"],
                                message["message"],
                                message["leaderboard"],
                            ),
                            held_until,
                        )
                    except DATABASE_ERRORS as error:  # the heartbeat decides, by the lease
                        _database_unreachable(claim, "progress", error)
                        owned = True
                    else:
                        held_until = sent + settings.TRAINING_LEASE_SECONDS
                    if not owned:
                        await child.stop(0)
                        return
                elif message["event"] == "result":
                    await child.process.wait()
                    await _store_result(claim, message, work, held_until)
                    return
                elif message["event"] == "error":
                    await child.process.wait()
                    _log_failure(claim, f"failed ({message['code']})", log_path)
                    await runs.finish(claim, JobStatus.FAILED, message["code"], message["message"])
                    return
            if stopping.is_set():  # the worker is stopping: another one trains it
                await _hand_back(claim, child)
                return
            now = time.monotonic()
            if now >= deadline:
                _log_failure(claim, "hit its hard bound", log_path)
                await child.stop(settings.TRAINING_CANCEL_GRACE_SECONDS)
                await runs.finish(
                    claim,
                    JobStatus.FAILED,
                    "time_bound",
                    f"The fit did not end within its hard bound "
                    f"({hard_bound_seconds(claim.budget_seconds):.0f} s for a "
                    f"{claim.budget_seconds} s budget) and was stopped. Its last step: "
                    f"{step.rstrip('.')}.",
                )
                return
            if now >= next_beat:
                next_beat = now + settings.TRAINING_HEARTBEAT_SECONDS
                try:
                    state = await within_lease(runs.heartbeat(claim), held_until)
                except DATABASE_ERRORS as error:
                    _database_unreachable(claim, "heartbeat", error)
                    state = "lost" if time.monotonic() >= held_until else "unknown"
                else:
                    held_until = now + settings.TRAINING_LEASE_SECONDS
                if state == "lost":
                    log.warning("lease lost; stopping the fit", extra={"job_id": str(claim.job_id)})
                    await child.stop(0)
                    return
                if state == "cancel":
                    await child.stop(settings.TRAINING_CANCEL_GRACE_SECONDS)
                    await runs.finish(claim, JobStatus.CANCELLED, "cancelled", "Cancelled.")
                    return
    finally:
        reading.cancel()


async def _hand_back(claim: Claim, child: Child) -> None:
    """The fit stops (SIGTERM, SIGKILL after the grace: no orphan), nothing of it is
    stored, and the job goes back to the queue for another worker, its attempt unspent."""
    started = time.monotonic()
    await child.stop(min(settings.TRAINING_CANCEL_GRACE_SECONDS, settings.SHUTDOWN_GRACE_SECONDS))
    handed = await runs.hand_back(claim)
    log.info(
        "worker stopping: training handed back" if handed else "worker stopping: lease lost",
        extra={"job_id": str(claim.job_id), "seconds": round(time.monotonic() - started, 3)},
    )


class LeaseKeeper:
    """Heartbeats the lease while the supervisor does long work of its own: the dataset's
    download before the fit, the model's archive and upload after it. A large file took
    longer than the lease, and the reconciler gave the job to another worker meanwhile
    (a wasted fit, or a result refused at the end). ``held_until``: until when the lease is
    surely ours; ``state``: 'ok', 'cancel' or 'lost', as the last heartbeat said."""

    def __init__(self, claim: Claim, held_until: float) -> None:
        self.claim = claim
        self.held_until = held_until
        self.state = "ok"
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LeaseKeeper:
        self._task = asyncio.create_task(self._beat())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _beat(self) -> None:
        while self.state != "lost":
            await asyncio.sleep(settings.TRAINING_HEARTBEAT_SECONDS)
            sent = time.monotonic()
            try:
                self.state = await within_lease(runs.heartbeat(self.claim), self.held_until)
            except DATABASE_ERRORS as error:  # the next beat tries again while it holds
                _database_unreachable(self.claim, "heartbeat", error)
                continue
            if self.state != "lost":
                self.held_until = sent + settings.TRAINING_LEASE_SECONDS


async def within_lease(write: Awaitable[T], held_until: float) -> T:
    """The write's answer, or TimeoutError once the lease may have lapsed: a database that
    stops answering without refusing (a failover's old address, a partition) would hold
    the write for minutes while the reconciler gives the job to another worker, and two
    fits of one job would run. A write sent after that still gets ``LATE_WRITE_SECONDS``:
    fenced by the token, its answer says whether the job is still ours (a lost claim
    then deletes its upload). A write given up on is left to end on its own."""
    task = asyncio.ensure_future(write)
    wait = max(held_until - time.monotonic(), LATE_WRITE_SECONDS)
    done, _ = await asyncio.wait({task}, timeout=wait)
    if not done:
        task.add_done_callback(_late_write)
        raise TimeoutError("the database did not answer while the lease surely held")
    return task.result()


def _late_write(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("a late training write failed: %s", task.exception())


def _database_unreachable(claim: Claim, what: str, error: Exception) -> None:
    """A database restart or failover: the fit goes on while its lease surely holds (the
    next heartbeat may land); once it may have lapsed, the fit stops, since the reconciler
    may already have given the job to another worker."""
    log.warning(
        "training %s not written: the database is unreachable",
        what,
        extra={"job_id": str(claim.job_id), "error": str(error)[:500]},
    )


def _log_failure(claim: Claim, what: str, log_path: Path) -> None:
    """The fit's own log is deleted with its directory: keep its tail in the worker's."""
    log.warning(
        "training %s",
        what,
        extra={"job_id": str(claim.job_id), "fit_log_tail": _log_tail(log_path)[-2000:]},
    )


async def _crashed(claim: Claim, child: Child, log_path: Path) -> None:
    code = child.process.returncode
    _log_failure(claim, "process died", log_path)
    how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited ({code})"
    tail = _log_tail(log_path).strip().splitlines()[-3:]
    await runs.finish(
        claim,
        JobStatus.FAILED,
        "engine_crashed",
        f"The training process {how}, e.g. out of memory. Last log lines: " + " | ".join(tail),
        retry=True,
    )


async def _store_result(
    claim: Claim, result: dict[str, Any], work: Path, held_until: float
) -> None:
    """Archive, upload under a key unique to this attempt, then commit conditioned on the
    token, tried again while the database is briefly away and the lease surely holds
    (``held_until``); a lost claim deletes its upload, so no orphan artefact survives. A
    database still away after that leaves the upload (logged): whether the last commit
    landed is unknown, and a version must never lose its model."""
    archive = work / "model.tar.gz"
    key = tenant_key(claim.tenant_id, "models", uuid.uuid4(), ".tgz")
    async with LeaseKeeper(claim, held_until) as lease:  # a large model takes a while
        content_hash, size = await asyncio.to_thread(_archive, work / "model", archive)
        await asyncio.to_thread(_upload, key, archive)
    held_until = lease.held_until
    artifact = Artifact(key, content_hash, size)
    while True:
        try:
            stored = await within_lease(runs.succeed(claim, result, artifact), held_until)
            break
        except DATABASE_ERRORS as error:
            _database_unreachable(claim, "result", error)
            if time.monotonic() + RESULT_RETRY_SECONDS >= held_until:
                log.error(
                    "training result not recorded: its model stays in the store",
                    extra={"job_id": str(claim.job_id), "key": key},
                )
                raise
            await asyncio.sleep(RESULT_RETRY_SECONDS)
    if not stored:
        await asyncio.to_thread(get_store().delete, key)
