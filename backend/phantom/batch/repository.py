"""All batch-prediction SQL; the lease SQL is ``kit/leases.py`` (shared with training)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.batch.models import BatchPredictionJob, JobStatus
from phantom.kit.leases import Leases, SystemLeases
from phantom.kit.repository import Repository


class BatchJobRepository(Repository[BatchPredictionJob]):
    model = BatchPredictionJob
    noun = "Batch prediction"

    @property
    def leases(self) -> Leases[BatchPredictionJob]:
        return Leases(self.session, BatchPredictionJob)

    def listing(self, model_version_id: uuid.UUID | None) -> Select[Any]:
        statement = select(BatchPredictionJob)
        if model_version_id is not None:
            statement = statement.where(BatchPredictionJob.model_version_id == model_version_id)
        return statement

    async def of_dataset(self, dataset_id: uuid.UUID) -> list[BatchPredictionJob]:
        """Row-locked: a worker finishing one of them waits for the dataset's deletion."""
        statement = (
            select(BatchPredictionJob)
            .where(BatchPredictionJob.dataset_id == dataset_id)
            .with_for_update(key_share=True)
        )
        return list((await self.session.scalars(statement)).all())

    async def owned(self, job_id: uuid.UUID, token: int) -> BatchPredictionJob | None:
        return await self.leases.owned(job_id, token)

    async def claim(
        self, job_id: uuid.UUID, owner: str, now: datetime, lease_until: datetime
    ) -> BatchPredictionJob | None:
        return await self.leases.claim(job_id, owner, now, lease_until)

    async def heartbeat(
        self, job_id: uuid.UUID, token: int, lease_until: datetime
    ) -> tuple[Any, ...] | None:
        return await self.leases.heartbeat(job_id, token, lease_until)


class SystemBatchJobRepository:
    """The reconciler's view across tenants (a system session)."""

    def __init__(self, session: AsyncSession) -> None:
        self.leases = SystemLeases(session, BatchPredictionJob)

    async def expired_leases(self, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        return await self.leases.expired_leases(now)

    async def queued_waiting(self, sent_before: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        return await self.leases.queued_waiting(sent_before)


async def rows_scored_per_day(
    session: AsyncSession, since: datetime, until: datetime
) -> dict[date, int]:
    """Rows scored by batch jobs that succeeded in [since, until), by UTC day of finish."""
    day = func.date(BatchPredictionJob.finished_at)
    rows = await session.execute(
        select(day, func.sum(BatchPredictionJob.rows_scored))
        .where(
            BatchPredictionJob.status == JobStatus.SUCCEEDED.value,
            BatchPredictionJob.finished_at >= since,
            BatchPredictionJob.finished_at < until,
        )
        .group_by(day)
    )
    return {_as_date(row[0]): int(row[1] or 0) for row in rows}


async def rows_scored_per_version(
    session: AsyncSession, version_ids: set[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, int]:
    """Rows scored by these versions' batch jobs that succeeded in [since, until)."""
    if not version_ids:
        return {}
    rows = await session.execute(
        select(BatchPredictionJob.model_version_id, func.sum(BatchPredictionJob.rows_scored))
        .where(
            BatchPredictionJob.model_version_id.in_(version_ids),
            BatchPredictionJob.status == JobStatus.SUCCEEDED.value,
            BatchPredictionJob.finished_at >= since,
            BatchPredictionJob.finished_at < until,
        )
        .group_by(BatchPredictionJob.model_version_id)
    )
    return {row[0]: int(row[1] or 0) for row in rows if row[0] is not None}


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
