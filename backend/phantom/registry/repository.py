"""All model-registry SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.registry.models import ModelStage, ModelVersion, RegisteredModel


class RegistryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def model_by_name_for_update(self, name: str) -> RegisteredModel | None:
        return await self.session.scalar(
            select(RegisteredModel).where(RegisteredModel.name == name).with_for_update()
        )

    async def model_by_name(self, name: str) -> RegisteredModel | None:
        return await self.session.scalar(
            select(RegisteredModel).where(RegisteredModel.name == name)
        )

    async def add(self, row: RegisteredModel | ModelVersion) -> None:
        self.session.add(row)
        await self.session.flush()

    async def version(self, version_id: uuid.UUID) -> ModelVersion | None:
        return await self.session.scalar(select(ModelVersion).where(ModelVersion.id == version_id))

    async def version_for_update(self, version_id: uuid.UUID) -> ModelVersion | None:
        return await self.session.scalar(
            select(ModelVersion).where(ModelVersion.id == version_id).with_for_update()
        )

    async def version_of_job(self, job_id: uuid.UUID) -> ModelVersion | None:
        return await self.session.scalar(
            select(ModelVersion).where(ModelVersion.training_job_id == job_id)
        )

    async def names(self, model_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = await self.session.execute(
            select(RegisteredModel.id, RegisteredModel.name).where(
                RegisteredModel.id.in_(model_ids)
            )
        )
        return {row[0]: row[1] for row in rows}

    async def in_stage(self, model_id: uuid.UUID, stage: ModelStage) -> list[ModelVersion]:
        return list(
            (
                await self.session.scalars(
                    select(ModelVersion)
                    .where(ModelVersion.model_id == model_id, ModelVersion.stage == stage.value)
                    .with_for_update()
                )
            ).all()
        )

    def listing(self, stage: ModelStage | None) -> Select[ModelVersion]:
        statement = select(ModelVersion)
        if stage is not None:
            statement = statement.where(ModelVersion.stage == stage.value)
        return statement
