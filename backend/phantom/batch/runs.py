"""The worker's side of a batch job: claim (with a fencing token), heartbeat, progress
per chunk, and the one final transition (SUCCEEDED, FAILED, CANCELLED, or back to QUEUED
for another attempt). Each write is conditioned on the token, so a worker that lost its
lease writes nothing. ``reconcile`` makes killed workers and lost messages end well."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.batch.lifecycle import publish_after_commit, send_scoring
from phantom.batch.models import BatchPredictionJob, JobStatus
from phantom.batch.repository import BatchJobRepository, SystemBatchJobRepository
from phantom.config import settings
from phantom.datasets.service import training_data
from phantom.db import transaction
from phantom.kit.errors import NotFound, PhantomError
from phantom.kit.leases import requeue_unspent
from phantom.kit.rows import utcnow
from phantom.registry.service import ServableVersion, registry

log = logging.getLogger(__name__)
OWNER = f"{socket.gethostname()}:{os.getpid()}"
State = Literal["ok", "cancel", "lost"]
ACTOR = "batch.worker"


@dataclass(frozen=True, slots=True)
class Claim:
    """What a worker holds while its lease lasts; ``token`` conditions all its writes."""

    tenant_id: uuid.UUID
    job_id: uuid.UUID
    token: int
    attempt: int
    version: ServableVersion | None  # None: deleted since the job started
    dataset_path: str | None  # None: deleted since


@dataclass(frozen=True, slots=True)
class Output:
    key: str
    content_hash: str
    size_bytes: int
    rows: int


def _lease_until() -> datetime:
    return utcnow() + timedelta(seconds=settings.TRAINING_LEASE_SECONDS)


async def claim(tenant_id: uuid.UUID, job_id: uuid.UUID) -> Claim | None:
    """Take the job if it is QUEUED; None otherwise (a duplicate delivery, a cancel)."""
    async with transaction(tenant_id) as session:
        job = await BatchJobRepository(session).claim(job_id, OWNER, utcnow(), _lease_until())
        if job is None:
            return None
        version = await _version(session, job.model_version_id)
        dataset_path = await _dataset_path(session, job.dataset_id)
        job.event_seq += 1
        job.rows_scored = 0
        job.message = f"Attempt {job.attempt} of {job.max_attempts} started"
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.system(ACTOR),
            action="batch.prediction.claimed",
            resource=("batch_prediction", job.id),
            details={"attempt": job.attempt, "fencing_token": job.fencing_token, "worker": OWNER},
        )
        publish_after_commit(session, job)
        return Claim(tenant_id, job.id, job.fencing_token, job.attempt, version, dataset_path)


async def _version(session: AsyncSession, version_id: uuid.UUID | None) -> ServableVersion | None:
    if version_id is None:
        return None
    try:
        return await registry.servable(session, version_id)
    except NotFound:
        return None


async def _dataset_path(session: AsyncSession, dataset_id: uuid.UUID | None) -> str | None:
    if dataset_id is None:
        return None
    try:
        return (await training_data(session, dataset_id)).storage_path
    except (NotFound, PhantomError):
        return None


async def heartbeat(claim: Claim) -> State:
    """'ok', 'cancel' (a user asked), or 'lost' (the lease is someone else's now)."""
    async with transaction(claim.tenant_id) as session:
        row = await BatchJobRepository(session).heartbeat(claim.job_id, claim.token, _lease_until())
    if row is None:
        return "lost"
    return "cancel" if row[0] is not None else "ok"


async def progress(claim: Claim, rows_scored: int, rows_total: int) -> State:
    """Persist and publish one chunk's progress (extending the lease); the answer says
    whether to go on."""
    async with transaction(claim.tenant_id) as session:
        job = await BatchJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return "lost"
        job.rows_total = rows_total
        job.rows_scored = rows_scored
        job.progress = min(rows_scored / rows_total, 0.99) if rows_total else 0.0
        job.message = f"Scored {rows_scored:,} of {rows_total:,} rows"
        job.lease_expires_at = _lease_until()
        job.event_seq += 1
        publish_after_commit(session, job)
        return "cancel" if job.cancel_requested_at is not None else "ok"


async def succeed(claim: Claim, output: Output) -> bool:
    """Record the stored output, once; False if the claim was lost (the caller then
    deletes its upload: no orphan)."""
    async with transaction(claim.tenant_id) as session:
        job = await BatchJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return False
        if job.cancel_requested_at is not None:  # cancelled, or its dataset was deleted,
            # after the last chunk: nothing is stored (the caller deletes its upload)
            await _end(session, job, JobStatus.CANCELLED, "cancelled", "", retry=False)
            return False
        job.status = JobStatus.SUCCEEDED.value
        job.progress = 1.0
        job.rows_scored = output.rows
        job.rows_total = output.rows
        job.output_path = output.key
        job.output_bytes = output.size_bytes
        job.output_hash = output.content_hash
        job.message = f"Scored {output.rows:,} rows"
        job.finished_at = utcnow()
        job.lease_owner = None
        job.lease_expires_at = None
        job.event_seq += 1
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.system(ACTOR),
            action="batch.prediction.succeeded",
            resource=("batch_prediction", job.id),
            details={
                "rows": output.rows,
                "bytes": output.size_bytes,
                "sha256": output.content_hash,
                "attempt": job.attempt,
            },
        )
        publish_after_commit(session, job)
        return True


async def finish(
    claim: Claim, status: JobStatus, code: str, error: str, *, retry: bool = False
) -> bool:
    """FAILED or CANCELLED with a reason; with ``retry`` (an infrastructure failure) the
    job goes back to QUEUED while attempts remain."""
    async with transaction(claim.tenant_id) as session:
        job = await BatchJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return False
        await _end(session, job, status, code, error, retry=retry)
        return True


async def hand_back(claim: Claim) -> bool:
    """A stopping worker gives the job back between chunks: QUEUED again at once, sent
    for another worker, its attempt unspent; nothing of this attempt is stored (the
    next one scores from the start). A cancel asked meanwhile ends it CANCELLED instead.
    False if the claim was lost already."""
    async with transaction(claim.tenant_id) as session:
        job = await BatchJobRepository(session).owned(claim.job_id, claim.token)
        if job is None:
            return False
        if job.cancel_requested_at is not None:
            await _end(session, job, JobStatus.CANCELLED, "cancelled", "", retry=False)
            return True
        requeue_unspent(
            job, "The worker stopped (a restart); another worker will score it", utcnow()
        )
        job.rows_scored = 0
        send_scoring(session, job)
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.system(ACTOR),
            action="batch.prediction.handed_back",
            resource=("batch_prediction", job.id),
            details={"attempt": job.attempt + 1, "worker": OWNER},
        )
        publish_after_commit(session, job)
        return True


async def _end(
    session: AsyncSession,
    job: BatchPredictionJob,
    status: JobStatus,
    code: str,
    error: str,
    *,
    retry: bool,
) -> None:
    if job.cancel_requested_at is not None:
        status, code, retry = JobStatus.CANCELLED, "cancelled", False
        error = "Cancelled while running; nothing was stored."
    again = retry and job.attempt < job.max_attempts
    job.lease_owner = None
    job.lease_expires_at = None
    job.event_seq += 1
    if again:
        job.status = JobStatus.QUEUED.value
        job.message = f"Attempt {job.attempt} failed ({code}); retrying"
        job.error = None
        send_scoring(session, job)
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
    await session.flush()
    await audit.record(
        session,
        actor=audit.Actor.system(ACTOR),
        action="batch.prediction.retried" if again else f"batch.prediction.{status.value.lower()}",
        resource=("batch_prediction", job.id),
        outcome=audit.Outcome.FAILURE
        if status == JobStatus.FAILED and not again
        else audit.Outcome.SUCCESS,
        details={"code": code, "error": error[:1000], "attempt": job.attempt},
    )
    publish_after_commit(session, job)


async def reconcile() -> dict[str, int]:
    """Expired leases (a killed worker) are retried or failed; QUEUED jobs whose message
    may be lost (Redis restarted) are sent again."""
    async with transaction(None) as session:
        system = SystemBatchJobRepository(session)
        expired = await system.expired_leases(utcnow())
        waiting = await system.queued_waiting(
            utcnow() - timedelta(seconds=settings.TRAINING_REQUEUE_AFTER_SECONDS)
        )
    recovered = 0
    for tenant_id, job_id in expired:
        async with transaction(tenant_id) as session:
            job = await BatchJobRepository(session).find(job_id, for_update=True)
            if job is None or job.status != JobStatus.RUNNING or job.lease_expires_at is None:
                continue
            if job.lease_expires_at >= utcnow():
                continue  # a heartbeat landed meanwhile
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
    for tenant_id, job_id in waiting:
        async with transaction(tenant_id) as session:
            job = await BatchJobRepository(session).find(job_id, for_update=True)
            if job is None or job.status != JobStatus.QUEUED:
                continue
            send_scoring(session, job)
            sent += 1
    return {"expired": recovered, "sent": sent}
