"""All model-registry SQL: one repository per table."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import undefer

from phantom.kit.errors import NotFound
from phantom.kit.repository import Repository
from phantom.registry.models import ModelStage, ModelVersion, RegisteredModel


class ModelRepository(Repository[RegisteredModel]):
    model = RegisteredModel
    noun = "Model"

    async def by_name(self, name: str, *, for_update: bool = False) -> RegisteredModel | None:
        statement = select(RegisteredModel).where(RegisteredModel.name == name)
        if for_update:
            statement = statement.with_for_update(key_share=True)
        return await self.session.scalar(statement)

    async def names(self, model_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = await self.session.execute(
            select(RegisteredModel.id, RegisteredModel.name).where(
                RegisteredModel.id.in_(model_ids)
            )
        )
        return {row[0]: row[1] for row in rows}


class VersionRepository(Repository[ModelVersion]):
    model = ModelVersion
    noun = "Model version"

    async def with_reference(self, version_id: uuid.UUID) -> ModelVersion:
        """The version with its (deferred, possibly large) monitoring reference loaded."""
        version: ModelVersion | None = await self.session.scalar(
            self._by_id(version_id).options(undefer(ModelVersion.reference))
        )
        if version is None:
            raise NotFound(self.noun)
        return version

    async def with_holdout(self, version_id: uuid.UUID) -> ModelVersion:
        """The version with its (deferred) insights and holdout predictions loaded."""
        version: ModelVersion | None = await self.session.scalar(
            self._by_id(version_id).options(
                undefer(ModelVersion.insights), undefer(ModelVersion.holdout_predictions)
            )
        )
        if version is None:
            raise NotFound(self.noun)
        return version

    async def with_holdouts(self, version_ids: set[uuid.UUID]) -> list[ModelVersion]:
        """``with_holdout`` of several of the session tenant's versions, one query."""
        if not version_ids:
            return []
        statement = (
            select(ModelVersion)
            .where(ModelVersion.id.in_(version_ids))
            .options(undefer(ModelVersion.insights), undefer(ModelVersion.holdout_predictions))
        )
        return list((await self.session.scalars(statement)).all())

    async def fairness(self, version_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
        """The (deferred) fairness reports of the session tenant's versions among these."""
        rows = await self.session.execute(
            select(ModelVersion.id, ModelVersion.fairness).where(ModelVersion.id.in_(version_ids))
        )
        return {row[0]: row[1] or [] for row in rows}

    async def governance_record(self, version_id: uuid.UUID) -> dict[str, Any]:
        row = (
            await self.session.execute(
                select(
                    ModelVersion.fairness,
                    ModelVersion.explanation_summary,
                    ModelVersion.insights,
                    ModelVersion.reproducibility,
                ).where(ModelVersion.id == version_id)
            )
        ).one()
        return dict(row._mapping)

    async def explanation_summary(self, version_id: uuid.UUID) -> dict[str, Any] | None:
        summary: dict[str, Any] | None = await self.session.scalar(
            select(ModelVersion.explanation_summary).where(ModelVersion.id == version_id)
        )
        return summary

    async def forecast(self, version_id: uuid.UUID) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.session.scalar(
            select(ModelVersion.forecast).where(ModelVersion.id == version_id)
        )
        return found

    async def insights(
        self, version_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[dict[str, Any] | None, dict[str, Any] | None]]:
        """The versions' (deferred) insights and reproducibility records, by id."""
        rows = await self.session.execute(
            select(ModelVersion.id, ModelVersion.insights, ModelVersion.reproducibility).where(
                ModelVersion.id.in_(version_ids)
            )
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    async def of_job(self, job_id: uuid.UUID) -> ModelVersion | None:
        return await self.session.scalar(
            select(ModelVersion).where(ModelVersion.training_job_id == job_id)
        )

    async def in_stage(
        self, model_id: uuid.UUID, stage: ModelStage, *, lock: bool = True
    ) -> list[ModelVersion]:
        """Row-locked by default: a promotion and the versions it archives change
        together."""
        statement = select(ModelVersion).where(
            ModelVersion.model_id == model_id, ModelVersion.stage == stage.value
        )
        if lock:
            statement = statement.with_for_update(key_share=True)
        return list((await self.session.scalars(statement)).all())

    async def labels(self, version_ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[str, int]]:
        """Model name and version number by version id, in one query."""
        rows = await self.session.execute(
            select(ModelVersion.id, RegisteredModel.name, ModelVersion.version)
            .join(RegisteredModel, RegisteredModel.id == ModelVersion.model_id)
            .where(ModelVersion.id.in_(version_ids))
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    async def trained_on(self, dataset_ids: set[uuid.UUID]) -> list[tuple[ModelVersion, str]]:
        """Versions trained on these datasets, with their model's name."""
        rows = await self.session.execute(
            select(ModelVersion, RegisteredModel.name)
            .join(RegisteredModel, RegisteredModel.id == ModelVersion.model_id)
            .where(ModelVersion.dataset_id.in_(dataset_ids))
            .order_by(RegisteredModel.name, ModelVersion.version)
        )
        return [(row[0], row[1]) for row in rows]

    async def in_production(self) -> list[tuple[ModelVersion, RegisteredModel]]:
        """Every production version with its model, in one query (the overviews)."""
        rows = await self.session.execute(
            select(ModelVersion, RegisteredModel)
            .join(RegisteredModel, RegisteredModel.id == ModelVersion.model_id)
            .where(ModelVersion.stage == ModelStage.PRODUCTION.value)
            .options(undefer(ModelVersion.fairness))
            .order_by(RegisteredModel.name)
        )
        return [(row[0], row[1]) for row in rows]

    def listing(self, stage: ModelStage | None) -> Select[ModelVersion]:
        statement = select(ModelVersion)
        if stage is not None:
            statement = statement.where(ModelVersion.stage == stage.value)
        return statement
