"""All dataset SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select

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
