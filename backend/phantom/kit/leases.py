"""Leased jobs: what training and batch scoring share about running a job exactly once.

A job row is the source of truth; queue messages carry only its id. A worker *claims* a
QUEUED job (QUEUED → RUNNING, ``attempt`` + 1, a new ``fencing_token``, a lease until
some time); it *heartbeats* to extend the lease; every write of a result is conditioned
on its token (``owned``), so a worker that lost its lease to a retry writes nothing. The
reconciler finds expired leases (a killed worker) and QUEUED jobs whose message may be
lost, across tenants (``SystemLeases``). ``follow`` turns a job's snapshot and its
progress events into the stream subscriptions relay.

The table names its own columns (a job kind's table is its domain's); these functions
need ``id``, ``status``, ``attempt``, ``fencing_token``, ``lease_owner``,
``lease_expires_at``, ``started_at``, ``progress``, ``message``,
``cancel_requested_at``, ``enqueued_at``, ``created_at`` and ``tenant_id``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.kit.events import Event


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


def requeue_unspent(job: Any, message: str, now: datetime) -> None:
    """A job a stopping worker hands back (the caller holds its claim): QUEUED again with
    its lease cleared, progress reset and its attempt unspent (a deploy is not the job's
    failure), one more event for its followers. The caller sends its message again."""
    job.status = JobStatus.QUEUED.value
    job.attempt -= 1
    job.lease_owner = None
    job.lease_expires_at = None
    job.progress = 0.0
    job.message = message
    job.enqueued_at = now
    job.event_seq += 1


JobT = TypeVar("JobT")


class Leases(Generic[JobT]):
    """One tenant's jobs of one table (the session's tenant filter applies)."""

    def __init__(self, session: AsyncSession, model: type[JobT]) -> None:
        self.session = session
        self.model: Any = model

    async def owned(self, job_id: uuid.UUID, token: int) -> JobT | None:
        """The job, row-locked, if the caller's claim still holds it."""
        job = self.model
        row: JobT | None = await self.session.scalar(
            select(job)
            .where(
                job.id == job_id,
                job.fencing_token == token,
                job.status == JobStatus.RUNNING.value,
            )
            .with_for_update(key_share=True)
        )
        return row

    async def claim(
        self, job_id: uuid.UUID, owner: str, now: datetime, lease_until: datetime
    ) -> JobT | None:
        """QUEUED → RUNNING with the next fencing token, or None if another delivery (or a
        cancel) got there first."""
        job = self.model
        claimed: JobT | None = await self.session.scalar(
            update(job)
            .where(
                job.id == job_id,
                job.status == JobStatus.QUEUED.value,
                job.cancel_requested_at.is_(None),
            )
            .values(
                status=JobStatus.RUNNING.value,
                attempt=job.attempt + 1,
                fencing_token=job.fencing_token + 1,
                lease_owner=owner,
                lease_expires_at=lease_until,
                started_at=func.coalesce(job.started_at, now),
                progress=0.0,
                message="Starting",
            )
            .returning(job)
            .execution_options(synchronize_session=False)
        )
        return claimed

    async def heartbeat(
        self, job_id: uuid.UUID, token: int, lease_until: datetime
    ) -> tuple[Any, ...] | None:
        """Extend the lease; returns (cancel_requested_at,) or None when the claim is gone."""
        job = self.model
        row = (
            await self.session.execute(
                update(job)
                .where(
                    job.id == job_id,
                    job.fencing_token == token,
                    job.status == JobStatus.RUNNING.value,
                )
                .values(lease_expires_at=lease_until)
                .returning(job.cancel_requested_at)
                .execution_options(synchronize_session=False)
            )
        ).first()
        return tuple(row) if row is not None else None

    async def count_running(self) -> int:
        job = self.model
        return int(
            await self.session.scalar(
                select(func.count(job.id)).where(job.status == JobStatus.RUNNING.value)
            )
            or 0
        )

    async def oldest_queued(self, limit: int) -> list[JobT]:
        job = self.model
        return list(
            (
                await self.session.scalars(
                    select(job)
                    .where(
                        job.status == JobStatus.QUEUED.value,
                        job.cancel_requested_at.is_(None),
                    )
                    .order_by(job.created_at, job.id)
                    .limit(limit)
                )
            ).all()
        )


class SystemLeases:
    """The reconciler's view of one table across tenants (a system session)."""

    def __init__(self, session: AsyncSession, model: type[Any]) -> None:
        self.session = session
        self.model: Any = model

    async def expired_leases(self, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(tenant id, job id) of RUNNING jobs whose worker stopped heartbeating."""
        job = self.model
        rows = await self.session.execute(
            select(job.tenant_id, job.id)
            .where(job.status == JobStatus.RUNNING.value, job.lease_expires_at < now)
            .execution_options(all_tenants=True)  # tenant-scope: the reconciler sees all jobs
        )
        return [(row[0], row[1]) for row in rows]

    async def queued_waiting(self, sent_before: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(tenant id, job id) of QUEUED jobs whose message may be lost (sent long ago or
        never)."""
        job = self.model
        rows = await self.session.execute(
            select(job.tenant_id, job.id)
            .where(
                job.status == JobStatus.QUEUED.value,
                (job.enqueued_at.is_(None)) | (job.enqueued_at < sent_before),
            )
            .execution_options(all_tenants=True)  # tenant-scope: the reconciler sees all jobs
        )
        return [(row[0], row[1]) for row in rows]

    async def tenants_waiting(self, sent_before: datetime) -> list[uuid.UUID]:
        """Tenants with a QUEUED job whose message may be lost (sent long ago or never)."""
        return sorted({tenant for tenant, _ in await self.queued_waiting(sent_before)})


async def follow(
    snapshot: dict[str, Any], events: AsyncIterator[Event], job_id: str
) -> AsyncIterator[dict[str, Any]]:
    """The job's snapshot, then each newer event of that job (by ``sequence``), ending
    after a terminal status. Subscribe before reading the snapshot: nothing in between is
    missed, and events at or below the snapshot's sequence are skipped."""
    yield snapshot
    if snapshot["status"] in TERMINAL:
        return
    seen = snapshot["sequence"]
    async for event in events:
        payload = event.payload
        if payload.get("jobId") != job_id or payload["sequence"] <= seen:
            continue
        seen = payload["sequence"]
        yield payload
        if payload["status"] in TERMINAL:
            return
