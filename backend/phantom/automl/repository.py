"""All training-job SQL. Writes on behalf of a worker are conditioned on its fencing
token: a worker whose lease was taken over changes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.automl.models import JobStatus, TrainingJob
from phantom.kit.repository import Repository


class TrainingJobRepository(Repository[TrainingJob]):
    model = TrainingJob
    noun = "Training job"

    async def owned(self, job_id: uuid.UUID, token: int) -> TrainingJob | None:
        """The job, row-locked, if the caller's claim still holds it."""
        return await self.session.scalar(
            select(TrainingJob)
            .where(
                TrainingJob.id == job_id,
                TrainingJob.fencing_token == token,
                TrainingJob.status == JobStatus.RUNNING.value,
            )
            .with_for_update(key_share=True)
        )

    def listing(
        self, status: JobStatus | None, dataset_id: uuid.UUID | None
    ) -> Select[TrainingJob]:
        statement = select(TrainingJob)
        if status is not None:
            statement = statement.where(TrainingJob.status == status.value)
        if dataset_id is not None:
            statement = statement.where(TrainingJob.dataset_id == dataset_id)
        return statement

    async def count_running(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count(TrainingJob.id)).where(
                    TrainingJob.status == JobStatus.RUNNING.value
                )
            )
            or 0
        )

    async def oldest_queued(self, limit: int) -> list[TrainingJob]:
        return list(
            (
                await self.session.scalars(
                    select(TrainingJob)
                    .where(
                        TrainingJob.status == JobStatus.QUEUED.value,
                        TrainingJob.cancel_requested_at.is_(None),
                    )
                    .order_by(TrainingJob.created_at, TrainingJob.id)
                    .limit(limit)
                )
            ).all()
        )

    async def claim(
        self, job_id: uuid.UUID, owner: str, now: datetime, lease_until: datetime
    ) -> TrainingJob | None:
        """QUEUED → RUNNING with the next fencing token, or None if another delivery (or a
        cancel) got there first."""
        claimed = await self.session.scalar(
            update(TrainingJob)
            .where(
                TrainingJob.id == job_id,
                TrainingJob.status == JobStatus.QUEUED.value,
                TrainingJob.cancel_requested_at.is_(None),
            )
            .values(
                status=JobStatus.RUNNING.value,
                attempt=TrainingJob.attempt + 1,
                fencing_token=TrainingJob.fencing_token + 1,
                lease_owner=owner,
                lease_expires_at=lease_until,
                started_at=func.coalesce(TrainingJob.started_at, now),
                progress=0.0,
                message="Starting",
            )
            .returning(TrainingJob)
            .execution_options(synchronize_session=False)
        )
        return claimed

    async def heartbeat(
        self, job_id: uuid.UUID, token: int, lease_until: datetime
    ) -> tuple[Any, ...] | None:
        """Extend the lease; returns (cancel_requested_at,) or None when the claim is gone."""
        row = (
            await self.session.execute(
                update(TrainingJob)
                .where(
                    TrainingJob.id == job_id,
                    TrainingJob.fencing_token == token,
                    TrainingJob.status == JobStatus.RUNNING.value,
                )
                .values(lease_expires_at=lease_until)
                .returning(TrainingJob.cancel_requested_at)
                .execution_options(synchronize_session=False)
            )
        ).first()
        return tuple(row) if row is not None else None


class SystemTrainingJobRepository:
    """The reconciler's view across tenants (a system session)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def expired_leases(self, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        rows = await self.session.execute(
            select(TrainingJob.tenant_id, TrainingJob.id)
            .where(
                TrainingJob.status == JobStatus.RUNNING.value,
                TrainingJob.lease_expires_at < now,
            )
            .execution_options(all_tenants=True)  # tenant-scope: the reconciler sees all jobs
        )
        return [(row[0], row[1]) for row in rows]

    async def tenants_waiting(self, sent_before: datetime) -> list[uuid.UUID]:
        """Tenants with a QUEUED job whose message may be lost (sent long ago or never)."""
        rows = await self.session.execute(
            select(TrainingJob.tenant_id)
            .where(
                TrainingJob.status == JobStatus.QUEUED.value,
                (TrainingJob.enqueued_at.is_(None)) | (TrainingJob.enqueued_at < sent_before),
            )
            .distinct()
            .execution_options(all_tenants=True)  # tenant-scope: the reconciler sees all jobs
        )
        return [row[0] for row in rows]
