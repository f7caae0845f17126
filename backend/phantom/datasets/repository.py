"""All dataset SQL."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.datasets.models import Dataset, DatasetStatus
from phantom.kit.repository import Repository


class DatasetRepository(Repository[Dataset]):
    model = Dataset
    noun = "Dataset"

    def listing(self, search: str | None) -> Select[Dataset]:
        statement = select(Dataset)
        if search:
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(Dataset.name.ilike(f"%{escaped}%", escape="\\"))
        return statement

    async def uploaded_by(self, user_id: uuid.UUID) -> list[Dataset]:
        return list(
            (
                await self.session.scalars(
                    select(Dataset).where(Dataset.created_by == user_id).order_by(Dataset.name)
                )
            ).all()
        )

    async def with_files(self, *, for_update: bool = False) -> list[Dataset]:
        """The tenant's datasets that have a file (not superseded by an erasure), oldest
        first."""
        statement = (
            select(Dataset)
            .where(Dataset.status != DatasetStatus.SUPERSEDED.value)
            .order_by(Dataset.created_at, Dataset.id)
        )
        if for_update:
            statement = statement.with_for_update()
        return list((await self.session.scalars(statement)).all())


class SystemDatasets:
    """The profiling reconciler's view across tenants (a system session)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def profiling_idle(self, uploaded_before: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(tenant id, dataset id) of datasets still PROFILING that no job is profiling
        now: a profiling job holds its row locked, so locked rows are skipped."""
        rows = await self.session.execute(
            select(Dataset.tenant_id, Dataset.id)
            .where(
                Dataset.status == DatasetStatus.PROFILING.value,
                Dataset.created_at < uploaded_before,
            )
            .with_for_update(skip_locked=True)
            .execution_options(all_tenants=True)  # tenant-scope: the reconciler sees all
        )
        return [(row[0], row[1]) for row in rows]
