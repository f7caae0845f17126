"""The model registry: versions registered by training jobs, read, and moved between
stages. Promoting a version to PRODUCTION archives the model's previous production
version in the same transaction, so a model never has two.

A direct promotion first asks the promotion gate, which the approvals domain sets at
import (``set_promotion_gate``): a stage that needs a second person's approval is
refused there, and reached through ``promote_approved`` once someone has approved."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.identity.principal import Principal
from phantom.kit.broadcast import broadcast
from phantom.kit.errors import BadUserInput, Conflict, NotFound
from phantom.kit.events import publish_on_commit
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
    fairness: list[dict[str, Any]] | None = None  # ``automl/fairness.py``'s reports
    explanation_summary: dict[str, Any] | None = None  # global SHAP (``explain/summary.py``)
    insights: dict[str, Any] | None = None  # ``automl/insights.py``
    reproducibility: dict[str, Any] | None = None
    holdout_predictions: dict[str, Any] | None = None  # ``automl/holdout.py``
    forecast: dict[str, Any] | None = None  # FORECASTING: settings and backtest facts


FairnessReports = list[dict[str, Any]]  # a version's (``automl/fairness.py``)


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
    target: str | None = None  # what the model predicts (answers name it)
    threshold: float | None = None  # binary: set by ``setServingThreshold``; None: engine's


@dataclass(frozen=True, slots=True)
class HoldoutEvidence:
    """What the value domain computes from: the version's task, its model, the threshold
    predict applies (the engine's, unless one was set) and the stored holdout pairs."""

    id: uuid.UUID
    model_id: uuid.UUID
    task_type: str
    classes: list[Any] | None
    engine_threshold: float | None
    serving_threshold: float | None
    holdout: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ProductionVersion:
    """A model's production version as the overviews show it: who owns it (the
    documentation's ``owner``), its business line, when it last changed stage, and
    whether a protected attribute's fairness report is flagged."""

    id: uuid.UUID
    model_id: uuid.UUID
    model_name: str
    version: int
    owner: str | None
    business_line: str | None
    stage_changed_at: datetime | None
    fairness_flagged: bool


ProductionVersions = list[ProductionVersion]  # (``list`` is a method name in the service)
HoldoutEvidences = list[HoldoutEvidence]
MAX_BUSINESS_LINE = 200
PROMOTED_TOPIC = "registry.model_version.promoted"  # tenant event: overviews refetch
STAGE_CHANGED = "registry.stage_changed"  # broadcast: serving drops what it cached

# Raises (Conflict) when moving to the stage needs an approval; set by the approvals domain,
# which imports the registry (the registry cannot import it back).
PromotionGate = Callable[[AsyncSession, str], Awaitable[None]]  # the stage's name
_gate: list[PromotionGate] = []


def set_promotion_gate(gate: PromotionGate) -> None:
    _gate[:] = [gate]


# Raises (Conflict) when the version's threshold may not change now: a promotion request
# for it is pending, and its approver decides on the version as it was asked for (finding
# W6-1). Set by the approvals domain, as the gate is.
ThresholdGuard = Callable[[AsyncSession, uuid.UUID, str], Awaitable[None]]
_threshold_guard: list[ThresholdGuard] = []


def set_threshold_guard(guard: ThresholdGuard) -> None:
    _threshold_guard[:] = [guard]


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
        target=version.target,
        threshold=version.serving_threshold,
    )


def _check_target(version: ModelVersion, stage: ModelStage) -> None:
    if stage == ModelStage.NONE:
        raise BadUserInput("Choose STAGING, PRODUCTION or ARCHIVED.")
    if version.stage == stage.value:
        raise Conflict(f"Version {version.version} is already in {stage.value}.")


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
    async def fairness(
        self, session: AsyncSession, principal: Principal, version_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, FairnessReports]:
        """Fairness reports by version (``automl/fairness.py``); another tenant's: absent."""
        return await VersionRepository(session).fairness(version_ids)

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

    @requires(P.MODELS_READ)
    async def explanation_summary(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> dict[str, Any] | None:
        """The version's global SHAP summary (deferred: read only when asked for)."""
        return await VersionRepository(session).explanation_summary(version_id)

    @requires(P.MODELS_READ)
    async def forecast(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> dict[str, Any] | None:
        """A FORECASTING version's settings, backtest and history tail (deferred)."""
        return await VersionRepository(session).forecast(version_id)

    # --- for other domains, which check their own permission first --------------------

    async def version_id_of_job(self, session: AsyncSession, job_id: uuid.UUID) -> uuid.UUID | None:
        """The version a training job registered, if it has (its progress snapshot)."""
        version = await VersionRepository(session).of_job(job_id)
        return version.id if version is not None else None

    async def registered_artifact(
        self, session: AsyncSession, job_id: uuid.UUID, artifact_path: str
    ) -> bool:
        """Whether the job's version holds this artifact (a worker retrying its result
        after a lost answer learns that its first commit landed)."""
        version = await VersionRepository(session).of_job(job_id)
        return version is not None and version.artifact_path == artifact_path

    async def mismatch_with_model(
        self, session: AsyncSession, model_name: str, task_type: str, target: str | None
    ) -> str | None:
        """Why a version of this task and target cannot join the model of that name (a
        model predicts one thing); None when it can, or when no such model exists yet."""
        model = await ModelRepository(session).by_name(model_name)
        return _mismatch(model, task_type, target) if model is not None else None

    async def servable(
        self, session: AsyncSession, version_id: uuid.UUID, *, for_update: bool = False
    ) -> ServableVersion:
        """The version to score rows with, or ``NotFound``; ``for_update`` locks its row
        until the transaction ends (approvals/: a request and a threshold change)."""
        return _servable(await VersionRepository(session).get(version_id, for_update=for_update))

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

    async def governance_record(
        self, session: AsyncSession, version_id: uuid.UUID
    ) -> dict[str, Any]:
        """The version's deferred governance data (fairness, ...) for reports/, which
        checked its own permission and has loaded the version in this tenant."""
        return await VersionRepository(session).governance_record(version_id)

    async def documented(
        self, session: AsyncSession, version_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[ModelVersion, str]:
        """The version and its model's name, or ``NotFound`` (also in another tenant): for
        reports/, which checks its own permission and edits only the documentation."""
        version = await VersionRepository(session).get(version_id, for_update=for_update)
        names = await ModelRepository(session).names({version.model_id})
        return version, names.get(version.model_id, "")

    async def in_production(self, session: AsyncSession) -> ProductionVersions:
        """The tenant's production versions, for the overviews (which check their own
        permission first)."""
        return [
            ProductionVersion(
                id=version.id,
                model_id=model.id,
                model_name=model.name,
                version=version.version,
                owner=version.owner,
                business_line=model.business_line,
                stage_changed_at=version.stage_changed_at,
                fairness_flagged=any(r.get("flagged") for r in version.fairness or []),
            )
            for version, model in await VersionRepository(session).in_production()
        ]

    @requires(P.MODELS_PROMOTE)
    async def set_business_line(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        business_line: str | None,
    ) -> tuple[RegisteredModel, uuid.UUID]:
        """Set the business line of the version's model (free text; empty clears it)."""
        cleaned = (business_line or "").strip() or None
        if cleaned is not None and (len(cleaned) > MAX_BUSINESS_LINE or not cleaned.isprintable()):
            raise BadUserInput(
                f"Give the business line as at most {MAX_BUSINESS_LINE} printable characters, "
                "or null to clear it."
            )
        version = await VersionRepository(session).get(version_id)
        model = await ModelRepository(session).get(version.model_id, for_update=True)
        before, model.business_line = model.business_line, cleaned
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="registry.model.business_line_set",
            resource=("registered_model", model.id),
            details={"business_line": cleaned, "previous_business_line": before},
        )
        return model, version.id

    async def holdout_evidence(
        self, session: AsyncSession, version_id: uuid.UUID
    ) -> HoldoutEvidence:
        """For the value domain, which checked its own permission: ``NotFound`` also in
        another tenant."""
        return _evidence(await VersionRepository(session).with_holdout(version_id))

    async def holdout_evidences(
        self, session: AsyncSession, version_ids: set[uuid.UUID]
    ) -> HoldoutEvidences:
        """``holdout_evidence`` of several versions in one query (the executive overview);
        other tenants' ids are left out."""
        return [_evidence(v) for v in await VersionRepository(session).with_holdouts(version_ids)]

    async def model_facts(
        self, session: AsyncSession, *, model_id: uuid.UUID | None, version_id: uuid.UUID | None
    ) -> tuple[uuid.UUID, str, str]:
        """(model id, name, task type) of a model, or of a version's model; ``NotFound``
        also in another tenant. For domains that checked their own permission."""
        if version_id is not None:
            model_id = (await VersionRepository(session).get(version_id)).model_id
        model = await ModelRepository(session).get(model_id) if model_id else None
        if model is None:
            raise NotFound("Model")
        return model.id, model.name, model.task_type

    async def set_serving_threshold(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID, threshold: float
    ) -> ModelVersion:
        """For the value domain, which checked its permission and the threshold: stored,
        audited, and every serving process drops its cached copy of the version. Refused
        (CONFLICT) for a version in a stage the tenant's policy gates (finding W4-4): the
        threshold decides what the approved model answers, so changing it is asked for with
        ``requestPromotion`` and applied when someone else approves."""
        version = await VersionRepository(session).get(version_id, for_update=True)
        if version.stage in (ModelStage.STAGING.value, ModelStage.PRODUCTION.value):
            try:
                for gate in _gate:
                    await gate(session, version.stage)
            except Conflict:
                raise Conflict(
                    f"Version {version.version} is in {version.stage}, where your "
                    "organization's policy requires a second person's approval, and its "
                    "threshold is part of what was approved: ask for the change with "
                    "requestPromotion(input: {modelVersionId, stage: "
                    f"{version.stage}, justification, servingThreshold}})."
                ) from None
        for guard in _threshold_guard:
            await guard(
                session,
                version.id,
                "withdraw the request, change the threshold, then request again, or give "
                "servingThreshold in the request.",
            )
        return await self._set_threshold(session, principal, version, threshold, None)

    async def _set_threshold(
        self,
        session: AsyncSession,
        principal: Principal,
        version: ModelVersion,
        threshold: float,
        request_id: uuid.UUID | None,
    ) -> ModelVersion:
        previous = version.serving_threshold
        version.serving_threshold = threshold
        await session.flush()
        changed = {"kind": STAGE_CHANGED, "tenant_id": str(version.tenant_id)}
        on_commit(session, lambda: broadcast.publish(changed))
        details: dict[str, Any] = {"version": version.version, "from": previous, "to": threshold}
        if request_id is not None:
            details["promotion_request_id"] = str(request_id)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="registry.serving_threshold.set",
            resource=("model_version", version.id),
            details=details,
        )
        return version

    @requires(P.MODELS_PROMOTE)
    async def promote(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        stage: ModelStage,
    ) -> ModelVersion:
        """A direct promotion: refused (CONFLICT) where the tenant's policy needs an
        approval for the stage."""
        version = await VersionRepository(session).get(version_id, for_update=True)
        _check_target(version, stage)
        for gate in _gate:
            await gate(session, stage.value)
        return await self._move(session, principal, version, stage, None)

    async def promote_approved(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        stage: str,
        request_id: uuid.UUID,
        requested_at: datetime,
        serving_threshold: float | None = None,
    ) -> ModelVersion:
        """The approvals domain's path, after it checked ``models:approve`` and the four-eyes
        rule: the same move (and the threshold asked for, if any; a request for the stage
        the version is in changes only that), audited with the approver as actor and the
        request's id. Refused when the version changed stage after the request was made
        (archived, or moved by another decision): the approval was asked for a state that
        is gone."""
        version = await VersionRepository(session).get(version_id, for_update=True)
        target = ModelStage(stage)
        moving = serving_threshold is None or version.stage != target.value
        if moving:
            _check_target(version, target)
        if version.stage_changed_at is not None and version.stage_changed_at > requested_at:
            raise Conflict(
                f"Version {version.version} moved to {version.stage} since the request was "
                "made; reject this request, and request again if it should still be promoted."
            )
        if serving_threshold is not None:  # another request's approver decides on it
            for guard in _threshold_guard:
                await guard(session, version.id, "decide that request first, or reject this one.")
        # the move first: it locks the model and the versions it archives before anything
        # is audited (the audit chain's lock last, as every other path takes it; with the
        # threshold's audit first, an approval held the chain while waiting for a version
        # a new request held while waiting for the chain: a deadlock)
        if moving:
            version = await self._move(session, principal, version, target, request_id)
        if serving_threshold is not None:
            await self._set_threshold(session, principal, version, serving_threshold, request_id)
        return version

    async def trained_on(
        self, session: AsyncSession, dataset_ids: set[uuid.UUID]
    ) -> builtins.list[dict[str, Any]]:
        """The versions trained on these datasets (model, version, stage, dataset), for a
        data subject erasure's list of models to retrain; the caller checked its own
        permission."""
        if not dataset_ids:
            return []
        return [
            {
                "model": name,
                "version": v.version,
                "model_version_id": str(v.id),
                "stage": v.stage,
                "dataset_id": str(v.dataset_id),
                "dataset_name": v.dataset_name,
            }
            for v, name in await VersionRepository(session).trained_on(dataset_ids)
        ]

    async def labels(
        self, session: AsyncSession, version_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[str, int]]:
        """(model name, version number) by version id, for other domains' listings; the
        caller checked its own read permission."""
        return await VersionRepository(session).labels(version_ids)

    async def _move(
        self,
        session: AsyncSession,
        principal: Principal,
        version: ModelVersion,
        stage: ModelStage,
        request_id: uuid.UUID | None,
    ) -> ModelVersion:
        repo = VersionRepository(session)
        archived = []
        if stage == ModelStage.PRODUCTION:
            # one promotion to PRODUCTION per model at a time: the rows locked below are
            # those already in PRODUCTION when the query runs, so two promotions of two
            # versions at once each saw none of the other's and both stayed in PRODUCTION
            await ModelRepository(session).get(version.model_id, for_update=True)
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
        publish_on_commit(
            session,
            version.tenant_id,
            PROMOTED_TOPIC,
            {"modelVersionId": str(version.id), "from": previous, "to": stage.value},
        )
        details: dict[str, Any] = {
            "version": version.version,
            "from": previous,
            "to": stage.value,
            "archived_versions": archived,
        }
        if request_id is not None:
            details["promotion_request_id"] = str(request_id)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="registry.model_version.promoted",
            resource=("model_version", version.id),
            details=details,
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
            fairness=new.fairness,
            explanation_summary=new.explanation_summary,
            insights=new.insights,
            reproducibility=new.reproducibility,
            holdout_predictions=new.holdout_predictions,
            forecast=new.forecast,
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


def _evidence(version: ModelVersion) -> HoldoutEvidence:
    confusion = (version.insights or {}).get("confusion") or {}
    return HoldoutEvidence(
        id=version.id,
        model_id=version.model_id,
        task_type=version.task_type,
        classes=version.classes,
        engine_threshold=confusion.get("threshold"),
        serving_threshold=version.serving_threshold,
        holdout=version.holdout_predictions,
    )


registry = RegistryService()
