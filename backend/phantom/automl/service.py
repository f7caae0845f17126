"""Training jobs as users see them: start (checked up front by ``automl/validation.py``),
cancel, read, follow live. The worker's side of a job lives in ``automl/runs.py``; what
both sides share (progress events, limits, sending) in ``automl/lifecycle.py``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import holds, requires
from phantom.automl import repository as job_rows
from phantom.automl.fit_to_serve import ServingChoice
from phantom.automl.forecasting import ForecastSettings
from phantom.automl.lifecycle import (
    PROGRESS_TOPIC,
    Limits,
    progress_payload,
    publish_after_commit,
    send_training,
    tenant_limits,
)
from phantom.automl.models import TERMINAL, Engine, JobStatus, TrainingJob
from phantom.automl.repository import TrainingJobRepository
from phantom.automl.tasks import TaskType
from phantom.automl.validation import StartRequest, validate
from phantom.config import settings
from phantom.datasets.service import training_data
from phantom.db import transaction
from phantom.identity.principal import Principal
from phantom.kit.errors import Conflict, ErrorCode, NotFound, PhantomError
from phantom.kit.events import get_event_bus
from phantom.kit.leases import follow
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow
from phantom.registry.service import registry


class TrainingService:
    @requires(P.TRAINING_RUN)
    async def start(
        self, session: AsyncSession, principal: Principal, request: StartRequest
    ) -> TrainingJob:
        return await self._queue(session, principal, request)

    @requires(P.TRAINING_RUN)
    async def retrain(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> TrainingJob:
        """A new job with the same dataset (the very same bytes: its content hash), the
        same settings and the same seed; checked again as a new start is (limits and
        models may have changed since)."""
        source = await TrainingJobRepository(session).get(job_id)
        try:
            data = await training_data(session, source.dataset_id) if source.dataset_id else None
        except NotFound:
            data = None
        if data is None:
            raise PhantomError(
                f"The dataset '{source.dataset_name}' this job trained on was deleted; upload "
                "it again and start training on it.",
                code=ErrorCode.NOT_FOUND,
            )
        if data.content_hash != source.dataset_content_hash:
            raise Conflict(
                f"The dataset '{data.name}' is not the data this job trained on (its content "
                "hash differs); start a new training job instead."
            )
        request = StartRequest(
            dataset_id=data.id,
            target=source.target,
            task_type=TaskType(source.task_type),
            time_budget_seconds=source.time_budget_seconds,
            metric=source.metric,
            engine=Engine(source.engine),
            model_name=source.model_name,
            excluded_columns=list(source.excluded_columns),
            serving_choice=ServingChoice(source.serving_choice),
            protected_attributes=list(source.protected_attributes or []),
            positive_class=source.positive_class,
            forecast=ForecastSettings.from_json(source.forecast) if source.forecast else None,
        )
        return await self._queue(session, principal, request, seed=source.seed, source=source)

    async def _queue(
        self,
        session: AsyncSession,
        principal: Principal,
        request: StartRequest,
        *,
        seed: int = 0,
        source: TrainingJob | None = None,
    ) -> TrainingJob:
        shown = await holds(principal, P.DATASETS_READ)  # finding W6-3
        valid = await validate(session, principal.tenant_id, request, show_values=shown)
        data, task, target = valid.data, valid.task, valid.target
        job = TrainingJob(
            dataset_id=data.id,
            dataset_name=data.name,
            dataset_content_hash=data.content_hash,
            model_name=valid.model_name,
            target=target,
            requested_task_type=request.task_type.value,
            task_type=task.value,
            metric=valid.metric,
            engine=request.engine.value,
            time_budget_seconds=request.time_budget_seconds,
            excluded_columns=valid.excluded_columns,
            protected_attributes=valid.protected_attributes,
            positive_class=valid.positive_class,
            serving_choice=request.serving_choice.value,
            status=JobStatus.QUEUED.value,
            progress=0.0,
            message="Waiting for a worker",
            attempt=0,
            max_attempts=settings.TRAINING_MAX_ATTEMPTS,
            fencing_token=0,
            event_seq=0,
            leaderboard=[],
            feature_importance=[],
            metrics={},
            dropped_columns=[],
            enqueued_at=utcnow(),
            created_by=principal.user_id,
            seed=seed,
            forecast=valid.forecast.to_json() if valid.forecast is not None else None,
        )
        await TrainingJobRepository(session).add(job)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="automl.training.started" if source is None else "automl.training.retrained",
            resource=("training_job", job.id),
            details={
                **({"retrain_of": str(source.id)} if source is not None else {}),
                "seed": seed,
                "dataset_id": str(data.id),
                "dataset_content_hash": data.content_hash,
                "target": target,
                "task_type": task.value,
                "metric": job.metric,
                "engine": job.engine,
                "time_budget_seconds": job.time_budget_seconds,
                "model_name": job.model_name,
                "excluded_columns": job.excluded_columns,
                "protected_attributes": job.protected_attributes,
                "positive_class": job.positive_class,
                "serving_choice": job.serving_choice,
                **({"forecast": job.forecast} if job.forecast is not None else {}),
            },
        )
        send_training(session, job)
        return job

    @requires(P.TRAINING_CANCEL)
    async def cancel(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> TrainingJob:
        """A QUEUED job is CANCELLED at once; a RUNNING one is flagged here (in the
        database, so no lost message can forget it) and its worker stops the fit within
        a heartbeat."""
        job = await TrainingJobRepository(session).get(job_id, for_update=True)
        if job.status in TERMINAL:
            raise Conflict(f"The job has already ended ({job.status}).")
        if job.cancel_requested_at is not None:
            return job
        job.cancel_requested_at = utcnow()
        if job.status == JobStatus.QUEUED:
            job.status = JobStatus.CANCELLED.value
            job.finished_at = utcnow()
            job.error = f"Cancelled by {principal.display_name} before it started."
            job.error_code = "cancelled"
            job.message = "Cancelled"
            job.event_seq += 1
        else:
            job.message = "Cancelling"
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="automl.training.cancel_requested",
            resource=("training_job", job.id),
            details={"status_when_cancelled": job.status},
        )
        if job.status == JobStatus.CANCELLED:
            # the job's end, as a worker records it: every job has exactly one in the log
            await audit.record(
                session,
                actor=audit.Actor.from_principal(principal),
                action="automl.training.cancelled",
                resource=("training_job", job.id),
                details={"code": "cancelled", "attempt": job.attempt},
            )
            publish_after_commit(session, job)
        return job

    @requires(P.TRAINING_READ)
    async def get(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> TrainingJob:
        return await TrainingJobRepository(session).get(job_id)

    @requires(P.TRAINING_READ)
    async def model_names(
        self, session: AsyncSession, principal: Principal, job_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        """The model name each job trains, by job id (the audit log names jobs by it)."""
        return {j.id: j.model_name for j in await TrainingJobRepository(session).get_many(job_ids)}

    @requires(P.TRAINING_READ)
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        status: JobStatus | None,
        dataset_id: uuid.UUID | None,
    ) -> Page[TrainingJob]:
        repo = TrainingJobRepository(session)
        return await repo.page(repo.listing(status, dataset_id), page)

    async def training_record(
        self, session: AsyncSession, job_id: uuid.UUID
    ) -> dict[str, Any] | None:
        """What a model's documentation reports of its training job (reports/): the
        columns dropped and why, those the user excluded, permutation importance. None
        once the job is gone. Callers check their own permission."""
        job = await TrainingJobRepository(session).find(job_id)
        if job is None:
            return None
        return {
            "excluded_columns": list(job.excluded_columns),
            "dropped_columns": [dict(d) for d in job.dropped_columns],
            "feature_importance": [dict(f) for f in job.feature_importance],
            "time_budget_seconds": job.time_budget_seconds,
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        }

    @requires(P.TRAINING_READ)
    async def limits(self, session: AsyncSession, principal: Principal) -> Limits:
        return await tenant_limits(session, principal.tenant_id)

    @requires(P.TRAINING_READ)
    async def follow(
        self, principal: Principal, job_id: uuid.UUID
    ) -> AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        """The job's progress: its current state first, then each newer event, ending after
        a terminal status."""
        return _following(principal.tenant_id, job_id)


@asynccontextmanager
async def _following(
    tenant_id: uuid.UUID, job_id: uuid.UUID
) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
    """Subscribed before the snapshot is read, so nothing between the two is missed;
    events at or below the snapshot's sequence are skipped."""
    async with get_event_bus().subscribe(tenant_id, {PROGRESS_TOPIC}) as events:
        async with transaction(tenant_id) as session:
            job = await TrainingJobRepository(session).get(job_id)
            version_id = await registry.version_id_of_job(session, job.id)
            snapshot = progress_payload(job, version_id)
        yield follow(snapshot, events, str(job_id))


training = TrainingService()


# --- for the overviews (phantom.overview), which check their own permission first ---


async def activity_since(session: AsyncSession, since: datetime) -> tuple[int, int, int, float]:
    """Training jobs created since ``since``: count, succeeded, finished, compute seconds."""
    return await job_rows.activity_since(session, since)
