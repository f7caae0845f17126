"""All training-job SQL. Writes on behalf of a worker are conditioned on its fencing
token: a worker whose lease was taken over changes nothing (the lease SQL itself is
``kit/leases.py``, shared with batch scoring)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.automl.models import TERMINAL, JobStatus, TrainingJob
from phantom.kit.leases import Leases, SystemLeases
from phantom.kit.repository import Repository


class TrainingJobRepository(Repository[TrainingJob]):
    model = TrainingJob
    noun = "Training job"

    async def owned(self, job_id: uuid.UUID, token: int) -> TrainingJob | None:
        """The job, row-locked, if the caller's claim still holds it."""
        return await Leases(self.session, TrainingJob).owned(job_id, token)

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
        return await Leases(self.session, TrainingJob).count_running()

    async def oldest_queued(self, limit: int) -> list[TrainingJob]:
        return await Leases(self.session, TrainingJob).oldest_queued(limit)

    async def claim(
        self, job_id: uuid.UUID, owner: str, now: datetime, lease_until: datetime
    ) -> TrainingJob | None:
        """QUEUED → RUNNING with the next fencing token, or None if another delivery (or a
        cancel) got there first."""
        return await Leases(self.session, TrainingJob).claim(job_id, owner, now, lease_until)

    async def heartbeat(
        self, job_id: uuid.UUID, token: int, lease_until: datetime
    ) -> tuple[Any, ...] | None:
        """Extend the lease; returns (cancel_requested_at,) or None when the claim is gone."""
        return await Leases(self.session, TrainingJob).heartbeat(job_id, token, lease_until)


class SystemTrainingJobRepository:
    """The reconciler's view across tenants (a system session)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def expired_leases(self, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        return await SystemLeases(self.session, TrainingJob).expired_leases(now)

    async def tenants_waiting(self, sent_before: datetime) -> list[uuid.UUID]:
        """Tenants with a QUEUED job whose message may be lost (sent long ago or never)."""
        return await SystemLeases(self.session, TrainingJob).tenants_waiting(sent_before)


async def activity_since(session: AsyncSession, since: datetime) -> tuple[int, int, int, float]:
    """Jobs created since ``since``: how many, how many succeeded, how many finished
    (succeeded, failed or cancelled), and their compute seconds (finished - started)."""
    finished = TrainingJob.status.in_([s.value for s in TERMINAL])
    seconds = func.coalesce(
        func.sum(
            func.extract("epoch", TrainingJob.finished_at)
            - func.extract("epoch", TrainingJob.started_at)
        ),
        0,
    )
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(TrainingJob.status == JobStatus.SUCCEEDED.value),
                func.count().filter(finished),
                seconds,
            ).where(TrainingJob.created_at >= since)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), float(row[3] or 0.0)
