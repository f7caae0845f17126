"""The worker's side of a training job: claim (with a fencing token), heartbeat, progress,
and the one final transition (SUCCEEDED, FAILED, CANCELLED or back to QUEUED for another
attempt). Each write is conditioned on the token, so a worker that lost its lease to a
retry changes nothing. The reconciler (``reconcile``) is what makes lost messages and
killed workers end well: QUEUED jobs are sent again, expired leases retried or failed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.automl import insights
from phantom.automl import leaderboard as leaderboard_module
from phantom.automl.lifecycle import publish_after_commit, send_training, tenant_limits
from phantom.automl.models import JobStatus, TrainingJob
from phantom.automl.repository import SystemTrainingJobRepository, TrainingJobRepository
from phantom.config import settings
from phantom.datasets.service import TrainingData, training_data
from phantom.db import transaction
from phantom.kit.errors import NotFound
from phantom.kit.jobs import send_job
from phantom.kit.leases import requeue_unspent
from phantom.kit.rows import utcnow
from phantom.kit.transactions import on_commit
from phantom.registry.service import NewVersion, registry

log = logging.getLogger(__name__)
OWNER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Claim:
    """What a worker holds while its lease lasts; ``token`` conditions all its writes."""

    tenant_id: uuid.UUID
    job_id: uuid.UUID
    token: int
    attempt: int
    max_attempts: int
    engine: str
    task_type: str
    target: str | None
    metric: str
    budget_seconds: int
    excluded_columns: list[str]
    serving_choice: str
    seed: int
    dataset_path: str | None
    column_types: dict[str, str]
    protected_attributes: list[str]
    positive_class: str | None = None
    forecast: dict[str, Any] | None = None  # FORECASTING: ``forecasting.ForecastSettings``


def _lease_until() -> Any:
    return utcnow() + timedelta(seconds=settings.TRAINING_LEASE_SECONDS)


async def _free_slots(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    """How many more of the tenant's jobs may run now. The tenant's row stays locked until
    the caller commits, so claims and dispatches of one tenant take turns and its limit
    holds across workers."""
    limits = await tenant_limits(session, tenant_id, lock=True)
    return limits.max_concurrent_jobs - await TrainingJobRepository(session).count_running()


async def claim(tenant_id: uuid.UUID, job_id: uuid.UUID) -> Claim | None:
    """Take the job if it is QUEUED and the tenant has a free slot; None otherwise (a
    duplicate delivery, a cancelled job, or the tenant's limit: the job waits its turn and
    is sent again when a slot frees)."""
    async with transaction(tenant_id) as session:
        repo = TrainingJobRepository(session)
        if await _free_slots(session, tenant_id) <= 0:
            log.info(
                "training deferred: tenant at its concurrency limit", extra={"job_id": str(job_id)}
            )
            return None
        job = await repo.claim(job_id, OWNER, utcnow(), _lease_until())
        if job is None:
            return None
        data = await _training_data(session, job.dataset_id)
        job.event_seq += 1
        # the attempt count is the API's (attempt, maxAttempts), not the person's words
        job.message = (
            "Training started"
            if job.attempt == 1
            else "Training again: the previous try stopped with a problem"
        )
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.system("automl.worker"),
            action="automl.training.claimed",
            resource=("training_job", job.id),
            details={"attempt": job.attempt, "fencing_token": job.fencing_token, "worker": OWNER},
        )
        publish_after_commit(session, job)
        return Claim(
            tenant_id=tenant_id,
            job_id=job.id,
            token=job.fencing_token,
            attempt=job.attempt,
            max_attempts=job.max_attempts,
            engine=job.engine,
            task_type=job.task_type,
            target=job.target,
            metric=job.metric,
            budget_seconds=job.time_budget_seconds,
            excluded_columns=list(job.excluded_columns),
            serving_choice=job.serving_choice,
            seed=job.seed,
            dataset_path=data.storage_path if data is not None else None,
            column_types={c["name"]: c["type"] for c in data.columns} if data is not None else {},
            protected_attributes=list(job.protected_attributes or []),
            positive_class=job.positive_class,
            forecast=dict(job.forecast) if job.forecast is not None else None,
        )


async def _training_data(
    session: AsyncSession, dataset_id: uuid.UUID | None
) -> TrainingData | None:
    """None once the dataset was deleted: the supervisor fails the job, saying so."""
    if dataset_id is None:
        return None
    try:
        return await training_data(session, dataset_id)
    except NotFound:
        return None


async def heartbeat(claim: Claim) -> str:
    """'ok', 'cancel' (a user asked), or 'lost' (the lease is someone else's now)."""
    async with transaction(claim.tenant_id) as session:
        row = await TrainingJobRepository(session).heartbeat(
            claim.job_id, claim.token, _lease_until()
        )
    if row is None:
        return "lost"
    return "cancel" if row[0] is not None else "ok"


async def progress(
    claim: Claim, fraction: float, message: str, board: list[dict[str, Any]]
) -> bool:
    async with transaction(claim.tenant_id) as session:
        job = await TrainingJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return False
        job.progress = max(job.progress, min(max(fraction, 0.0), 0.99))
        job.message = message[:1000]
        job.leaderboard = leaderboard_module.during_fit(job.leaderboard, board, job.metric)
        job.lease_expires_at = _lease_until()
        job.event_seq += 1
        publish_after_commit(session, job)
        return True


@dataclass(frozen=True, slots=True)
class Artifact:
    path: str
    content_hash: str
    size_bytes: int


async def succeed(claim: Claim, result: dict[str, Any], artifact: Artifact) -> bool:
    """Record the result and register the model version, once; False if the claim was
    lost (the caller then deletes its artifact: no orphan). Safe to call again after an
    error: a version of this artifact registered by an earlier call (whose commit landed
    but whose answer was lost with the connection) is True."""
    async with transaction(claim.tenant_id) as session:
        job = await TrainingJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return await registry.registered_artifact(session, claim.job_id, artifact.path)
        job.reproducibility = insights.record(job, result)
        version = await registry.register(
            session,
            NewVersion(
                model_name=job.model_name,
                training_job_id=job.id,
                dataset_id=job.dataset_id,
                dataset_name=job.dataset_name,
                dataset_content_hash=job.dataset_content_hash,
                engine=result["engine"],
                task_type=job.task_type,
                target=job.target,
                metric=job.metric,
                metrics=result["metrics"],
                best_model_name=result["best_model"][:200],
                **serving_fields(result.get("serving")),
                features=result["features"],
                classes=result["classes"],
                artifact_path=artifact.path,
                artifact_hash=artifact.content_hash,
                artifact_bytes=artifact.size_bytes,
                created_by=job.created_by,
                reference=result.get("reference"),
                fairness=result.get("fairness") or [],
                explanation_summary=result.get("explanation_summary"),
                insights=result.get("insights"),
                holdout_predictions=result.get("holdout_predictions"),
                reproducibility=job.reproducibility,
                forecast=result.get("forecast"),
            ),
        )
        job.status = JobStatus.SUCCEEDED.value
        job.progress = 1.0
        job.message = f"Done: serving {leaderboard_module.plain_model_name(served_name(result))}"
        job.leaderboard = leaderboard_module.final(
            job.leaderboard, result["leaderboard"], job.metric
        )
        job.feature_importance = result["feature_importance"]
        job.metrics = result["metrics"]
        job.dropped_columns = result["dropped_columns"]
        job.finished_at = utcnow()
        job.lease_expires_at = None
        job.event_seq += 1
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.system("automl.worker"),
            action="automl.training.succeeded",
            resource=("training_job", job.id),
            details={
                "model_version_id": str(version.id),
                "best_model": result["best_model"],
                "serving_model": served_name(result),
                "metric": job.metric,
                "metrics": job.metrics,
                "attempt": job.attempt,
            },
        )
        publish_after_commit(session, job, version.id)
        _dispatch_next_on_commit(session, claim.tenant_id)
        return True


def serving_fields(serving: dict[str, Any] | None) -> dict[str, Any]:
    """The registry's record of what serves (an older runner's result has none)."""
    if not serving:
        return {}
    return {
        "serving_model": str(serving["model"])[:200],
        "serving_reason": str(serving["reason"])[:2000],
        "predict_ms_per_row": serving.get("predict_ms_per_row"),
        "predict_rows_per_second": serving.get("rows_per_second"),
    }


def served_name(result: dict[str, Any]) -> str:
    serving = result.get("serving") or {}
    return str(serving.get("model") or result["best_model"])


async def finish(
    claim: Claim, status: JobStatus, code: str, error: str, *, retry: bool = False
) -> bool:
    """FAILED or CANCELLED with a reason; with ``retry`` (an infrastructure failure) the
    job goes back to QUEUED while attempts remain."""
    async with transaction(claim.tenant_id) as session:
        job = await TrainingJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return False
        await _end(session, job, status, code, error, retry=retry)
        return True


async def hand_back(claim: Claim) -> bool:
    """A stopping worker gives the job back: QUEUED again at once, sent for another
    worker, its attempt unspent (a deploy is not the job's failure); a cancel asked
    meanwhile ends it CANCELLED instead. False if the claim was lost already."""
    async with transaction(claim.tenant_id) as session:
        job = await TrainingJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return False
        if job.cancel_requested_at is not None:
            await _end(session, job, JobStatus.CANCELLED, "cancelled", "", retry=False)
            return True
        requeue_unspent(
            job, "The worker stopped (a restart); another worker will train it", utcnow()
        )
        send_training(session, job)
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.system("automl.worker"),
            action="automl.training.handed_back",
            resource=("training_job", job.id),
            details={"attempt": job.attempt + 1, "worker": OWNER},
        )
        publish_after_commit(session, job)
        return True


async def _end(
    session: AsyncSession,
    job: TrainingJob,
    status: JobStatus,
    code: str,
    error: str,
    *,
    retry: bool,
) -> None:
    if job.cancel_requested_at is not None and status != JobStatus.SUCCEEDED:
        status, code, retry = JobStatus.CANCELLED, "cancelled", False
        error = "Cancelled while running; the fit was stopped and its resources freed."
    again = retry and job.attempt < job.max_attempts
    job.lease_owner = None
    job.lease_expires_at = None
    job.event_seq += 1
    if again:
        job.status = JobStatus.QUEUED.value
        job.message = "A problem stopped the training; trying again"
        job.error = None
        job.enqueued_at = utcnow()
        send_training(session, job)
    else:
        job.status = status.value
        job.error_code = code
        job.error = (
            error
            if not retry
            else f"{error} (after {job.attempt} attempt{'s' if job.attempt != 1 else ''})"
        )[:4000]
        job.message = "Cancelled" if status == JobStatus.CANCELLED else "Failed"
        job.finished_at = utcnow()
        _dispatch_next_on_commit(session, job.tenant_id)
    await session.flush()
    await audit.record(
        session,
        actor=audit.Actor.system("automl.worker"),
        action="automl.training.retried" if again else f"automl.training.{status.value.lower()}",
        resource=("training_job", job.id),
        outcome=audit.Outcome.FAILURE
        if status == JobStatus.FAILED and not again
        else audit.Outcome.SUCCESS,
        details={"code": code, "error": error[:1000], "attempt": job.attempt},
    )
    publish_after_commit(session, job)


def _dispatch_next_on_commit(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """A slot of the tenant freed: its oldest waiting job goes next (fair within the
    tenant; other tenants have their own slots)."""
    on_commit(session, lambda: send_job("automl.dispatch", tenant_id=tenant_id))


async def dispatch(tenant_id: uuid.UUID) -> int:
    """Send the tenant's oldest QUEUED jobs, as many as it has free slots."""
    async with transaction(tenant_id) as session:
        repo = TrainingJobRepository(session)
        free = await _free_slots(session, tenant_id)
        if free <= 0:
            return 0
        jobs = await repo.oldest_queued(free)
        for job in jobs:
            job.enqueued_at = utcnow()
            send_training(session, job)
        return len(jobs)


async def reconcile() -> dict[str, int]:
    """Expired leases (a killed worker) are retried or failed; tenants whose QUEUED jobs
    may have lost their message (Redis restarted) are dispatched again."""
    now = utcnow()
    async with transaction(None) as session:
        system = SystemTrainingJobRepository(session)
        expired = await system.expired_leases(now)
        waiting = await system.tenants_waiting(
            now - timedelta(seconds=settings.TRAINING_REQUEUE_AFTER_SECONDS)
        )
    recovered = 0
    for tenant_id, job_id in expired:
        async with transaction(tenant_id) as session:
            try:
                job = await TrainingJobRepository(session).get(job_id, for_update=True)
            except NotFound:
                continue
            if job.status != JobStatus.RUNNING or job.lease_expires_at is None:
                continue
            if job.lease_expires_at >= utcnow():
                continue  # heartbeat landed meanwhile
            await _end(
                session,
                job,
                JobStatus.FAILED,
                "worker_lost",
                "The worker running this job stopped responding (killed or out of memory)",
                retry=True,
            )
            recovered += 1
    sent = 0
    for tenant_id in set(waiting) | {t for t, _ in expired}:
        sent += await dispatch(tenant_id)
    return {"expired": recovered, "sent": sent}
