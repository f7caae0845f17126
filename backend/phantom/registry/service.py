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
from phantom.kit.broadcast import broadcast
from phantom.kit.errors import BadUserInput, Conflict, NotFound
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow
from phantom.kit.transactions import on_commit
from phantom.registry.models import ModelStage, ModelVersion, RegisteredModel
from phantom.registry.repository import ModelRepository, VersionRepository


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
    serving_model: str | None = None  # what the artefact serves, and why
    serving_reason: str | None = None
    predict_ms_per_row: float | None = None
    predict_rows_per_second: float | None = None
    reference: dict[str, Any] | None = None  # monitoring's (``monitoring/reference.py``)
    insights: dict[str, Any] | None = None  # ``automl/insights.py``
    reproducibility: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class MonitoredVersion:
    """What monitoring needs of a version: its task, classes, holdout metrics, and the
    training-time reference (None for versions trained before references existed)."""

    id: uuid.UUID
    task_type: str
    metric: str
    metrics: dict[str, float]
    classes: list[Any] | None
    reference: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ServableVersion:
    """What serving needs of a version: the artefact to load (and its recorded hash), the
    input schema rows are checked against, and its stage for the audit."""

    id: uuid.UUID
    stage: str
    engine: str
    task_type: str
    features: list[dict[str, Any]]
    classes: list[Any] | None
    artifact_path: str
    artifact_hash: str


STAGE_CHANGED = "registry.stage_changed"  # broadcast: serving drops what it cached


def _servable(version: ModelVersion) -> ServableVersion:
    return ServableVersion(
        id=version.id,
        stage=version.stage,
        engine=version.engine,
        task_type=version.task_type,
        features=version.features,
        classes=version.classes,
        artifact_path=version.artifact_path,
        artifact_hash=version.artifact_hash,
    )


def _mismatch(model: RegisteredModel, task_type: str, target: str | None) -> str | None:
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
        return await VersionRepository(session).get(version_id)

    @requires(P.MODELS_READ)
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        stage: ModelStage | None,
    ) -> Page[ModelVersion]:
        repo = VersionRepository(session)
        return await repo.page(repo.listing(stage), page)

    @requires(P.MODELS_READ)
    async def of_job(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> ModelVersion | None:
        return await VersionRepository(session).of_job(job_id)

    @requires(P.MODELS_READ)
    async def insights(
        self, session: AsyncSession, principal: Principal, version_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[dict[str, Any] | None, dict[str, Any] | None]]:
        """Versions' insights and reproducibility records (``automl/insights.py``)."""
        return await VersionRepository(session).insights(version_ids)

    @requires(P.MODELS_READ)
    async def model_names(
        self, session: AsyncSession, principal: Principal, model_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        return await ModelRepository(session).names(model_ids)

    # --- for other domains, which check their own permission first --------------------

    async def version_id_of_job(self, session: AsyncSession, job_id: uuid.UUID) -> uuid.UUID | None:
        """The version a training job registered, if it has (its progress snapshot)."""
        version = await VersionRepository(session).of_job(job_id)
        return version.id if version is not None else None

    async def mismatch_with_model(
        self, session: AsyncSession, model_name: str, task_type: str, target: str | None
    ) -> str | None:
        """Why a version of this task and target cannot join the model of that name (a
        model predicts one thing); None when it can, or when no such model exists yet."""
        model = await ModelRepository(session).by_name(model_name)
        return _mismatch(model, task_type, target) if model is not None else None

    async def servable(self, session: AsyncSession, version_id: uuid.UUID) -> ServableVersion:
        """The version to score rows with, or ``NotFound``."""
        return _servable(await VersionRepository(session).get(version_id))

    async def serving_version(self, session: AsyncSession, model_name: str) -> ServableVersion:
        """The model's PRODUCTION version (what its stable endpoint scores with):
        ``NotFound`` without such a model, ``Conflict`` when none is in production."""
        model = await ModelRepository(session).by_name(model_name)
        if model is None:
            raise NotFound("Model")
        current = await VersionRepository(session).in_stage(
            model.id, ModelStage.PRODUCTION, lock=False
        )
        if not current:
            raise Conflict(
                f"The model '{model.name[:200]}' has no version in PRODUCTION; promote one, "
                "or call /api/v1/models/<model version id>/predict."
            )
        return _servable(current[0])

    async def reference_of(self, session: AsyncSession, version_id: uuid.UUID) -> MonitoredVersion:
        """The version as monitoring sees it, or ``NotFound`` (also in another tenant)."""
        version = await VersionRepository(session).with_reference(version_id)
        return MonitoredVersion(
            id=version.id,
            task_type=version.task_type,
            metric=version.metric,
            metrics=dict(version.metrics),
            classes=version.classes,
            reference=version.reference,
        )

    @requires(P.MODELS_PROMOTE)
    async def promote(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        stage: ModelStage,
    ) -> ModelVersion:
        repo = VersionRepository(session)
        version = await repo.get(version_id, for_update=True)
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
        changed = {"kind": STAGE_CHANGED, "tenant_id": str(version.tenant_id)}
        on_commit(session, lambda: broadcast.publish(changed))
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
        models = ModelRepository(session)
        model = await models.by_name(new.model_name, for_update=True)
        if model is None:
            model = await models.add(
                RegisteredModel(
                    name=new.model_name,
                    task_type=new.task_type,
                    target=new.target,
                    latest_version=0,
                )
            )
        elif (problem := _mismatch(model, new.task_type, new.target)) is not None:
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
            serving_model=new.serving_model,
            serving_reason=new.serving_reason,
            predict_ms_per_row=new.predict_ms_per_row,
            predict_rows_per_second=new.predict_rows_per_second,
            features=new.features,
            classes=new.classes,
            artifact_path=new.artifact_path,
            artifact_hash=new.artifact_hash,
            artifact_bytes=new.artifact_bytes,
            created_by=new.created_by,
            reference=new.reference,
            insights=new.insights,
            reproducibility=new.reproducibility,
        )
        await VersionRepository(session).add(version)
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
