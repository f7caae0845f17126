"""All dataset SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.datasets.models import Dataset
from phantom.identity.models import User


class DatasetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, dataset: Dataset) -> None:
        self.session.add(dataset)
        await self.session.flush()

    async def get(self, dataset_id: uuid.UUID) -> Dataset | None:
        return await self.session.scalar(select(Dataset).where(Dataset.id == dataset_id))

    async def get_many(self, dataset_ids: set[uuid.UUID]) -> list[Dataset]:
        return list(
            (await self.session.scalars(select(Dataset).where(Dataset.id.in_(dataset_ids)))).all()
        )

    async def get_for_update(self, dataset_id: uuid.UUID) -> Dataset | None:
        """Row-locked, so two deliveries of one profiling job do not both write."""
        return await self.session.scalar(
            select(Dataset).where(Dataset.id == dataset_id).with_for_update()
        )

    def listing(self, search: str | None) -> Select[Dataset]:
        statement = select(Dataset)
        if search:
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(Dataset.name.ilike(f"%{escaped}%", escape="\\"))
        return statement

    async def delete(self, dataset: Dataset) -> None:
        await self.session.delete(dataset)
        await self.session.flush()

    async def display_names(self, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(User.id, User.display_name).where(User.id.in_(user_ids))
        )
        return {row[0]: row[1] for row in rows}

    async def uploaded_by(self, user_id: uuid.UUID) -> list[Dataset]:
        return list(
            (
                await self.session.scalars(
                    select(Dataset).where(Dataset.created_by == user_id).order_by(Dataset.name)
                )
            ).all()
        )
