"""The model registry: versions registered by training jobs, read, and moved between
stages. Promoting a version to PRODUCTION archives the model's previous production
version in the same transaction, so a model never has two."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, Conflict, NotFound
from phantom.kit.pagination import Page, PageRequest, paginate
from phantom.kit.rows import utcnow
from phantom.registry.models import ModelStage, ModelVersion, RegisteredModel
from phantom.registry.repository import RegistryRepository


@dataclass(frozen=True, slots=True)
class NewVersion:
    """What a finished training job hands to the registry."""

    model_name: str
    training_job_id: uuid.UUID
    dataset_id: uuid.UUID | None
    dataset_name: str
    dataset_content_hash: str
    engine: str
    task_type: str
    target: str | None
    metric: str
    metrics: dict[str, float]
    best_model_name: str
    features: list[dict[str, Any]]
    classes: list[Any] | None
    artifact_path: str
    artifact_hash: str
    artifact_bytes: int
    created_by: uuid.UUID | None


def model_mismatch(model: RegisteredModel, task_type: str, target: str | None) -> str | None:
    if model.task_type != task_type or model.target != target:
        return (
            f"The model '{model.name}' predicts {model.target or 'anomalies'} "
            f"({model.task_type}); give this job another model name."
        )
    return None


class RegistryService:
    @requires(P.MODELS_READ)
    async def get(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> ModelVersion:
        version = await RegistryRepository(session).version(version_id)
        if version is None:
            raise NotFound("Model version")
        return version

    @requires(P.MODELS_READ)
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        stage: ModelStage | None,
    ) -> Page[ModelVersion]:
        statement = RegistryRepository(session).listing(stage)
        return await paginate(session, statement, ModelVersion, page)

    @requires(P.MODELS_READ)
    async def of_job(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> ModelVersion | None:
        return await RegistryRepository(session).version_of_job(job_id)

    @requires(P.MODELS_READ)
    async def model_names(
        self, session: AsyncSession, principal: Principal, model_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        return await RegistryRepository(session).names(model_ids)

    @requires(P.MODELS_PROMOTE)
    async def promote(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        stage: ModelStage,
    ) -> ModelVersion:
        repo = RegistryRepository(session)
        version = await repo.version_for_update(version_id)
        if version is None:
            raise NotFound("Model version")
        if stage == ModelStage.NONE:
            raise BadUserInput("Choose STAGING, PRODUCTION or ARCHIVED.")
        if version.stage == stage.value:
            raise Conflict(f"Version {version.version} is already in {stage.value}.")
        archived = []
        if stage == ModelStage.PRODUCTION:
            for current in await repo.in_stage(version.model_id, ModelStage.PRODUCTION):
                current.stage = ModelStage.ARCHIVED.value
                current.stage_changed_at = utcnow()
                archived.append(current.version)
        previous = version.stage
        version.stage = stage.value
        version.stage_changed_at = utcnow()
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="registry.model_version.promoted",
            resource=("model_version", version.id),
            details={
                "version": version.version,
                "from": previous,
                "to": stage.value,
                "archived_versions": archived,
            },
        )
        return version

    async def register(self, session: AsyncSession, new: NewVersion) -> ModelVersion:
        """Called by the training job in its finishing transaction (system work)."""
        repo = RegistryRepository(session)
        model = await repo.model_by_name_for_update(new.model_name)
        if model is None:
            model = RegisteredModel(
                name=new.model_name, task_type=new.task_type, target=new.target, latest_version=0
            )
            await repo.add(model)
        elif (problem := model_mismatch(model, new.task_type, new.target)) is not None:
            raise BadUserInput(problem)
        model.latest_version += 1
        version = ModelVersion(
            model_id=model.id,
            version=model.latest_version,
            stage=ModelStage.NONE.value,
            training_job_id=new.training_job_id,
            dataset_id=new.dataset_id,
            dataset_name=new.dataset_name,
            dataset_content_hash=new.dataset_content_hash,
            engine=new.engine,
            task_type=new.task_type,
            target=new.target,
            metric=new.metric,
            metrics=new.metrics,
            best_model_name=new.best_model_name,
            features=new.features,
            classes=new.classes,
            artifact_path=new.artifact_path,
            artifact_hash=new.artifact_hash,
            artifact_bytes=new.artifact_bytes,
            created_by=new.created_by,
        )
        await repo.add(version)
        await audit.record(
            session,
            actor=audit.Actor.system("automl.worker"),
            action="registry.model_version.registered",
            resource=("model_version", version.id),
            details={
                "model": model.name,
                "version": version.version,
                "training_job_id": str(new.training_job_id),
                "dataset_content_hash": new.dataset_content_hash,
                "engine": new.engine,
                "artifact_hash": new.artifact_hash,
            },
        )
        return version


registry = RegistryService()
