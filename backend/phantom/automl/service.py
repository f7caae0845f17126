"""Training jobs as users see them: start (validated up front, so a job that would fail
on its data fails here with a message a person can act on), cancel, read, follow live.
The worker's side of a job lives in ``automl/runs.py``."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.automl.models import TERMINAL, Engine, JobStatus, TrainingJob
from phantom.automl.repository import TrainingJobRepository
from phantom.automl.tasks import DEFAULT_METRIC, METRICS, TaskType
from phantom.config import settings
from phantom.datasets.models import Dataset, DatasetStatus
from phantom.datasets.profiling import MULTICLASS_MAX_CLASSES, task_for_column
from phantom.datasets.repository import DatasetRepository
from phantom.db import transaction
from phantom.identity.models import Tenant
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, Conflict, NotFound
from phantom.kit.events import Event, get_event_bus
from phantom.kit.pagination import Page, PageRequest, paginate
from phantom.kit.rows import utcnow
from phantom.kit.storage import get_store
from phantom.registry.repository import RegistryRepository
from phantom.registry.service import model_mismatch

PROGRESS_TOPIC = "automl.training.progress"
MAX_NAME = 200
MAX_COLUMN_NAME = 1000
H2O_MIN_BUDGET_SECONDS = 45  # two Java node start-ups (engines/h2o.py reserve_seconds)


@dataclass(frozen=True, slots=True)
class StartRequest:
    dataset_id: uuid.UUID
    target: str | None
    task_type: TaskType
    time_budget_seconds: int
    metric: str | None
    engine: Engine
    model_name: str | None
    excluded_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Limits:
    min_budget_seconds: int
    max_budget_seconds: int
    max_concurrent_jobs: int


def engine_available(engine: Engine) -> bool:
    if engine == Engine.AUTOGLUON:
        return True
    return importlib.util.find_spec("h2o") is not None and (
        settings.H2O_URL is not None or shutil.which("java") is not None
    )


def progress_payload(job: TrainingJob, model_version_id: uuid.UUID | None = None) -> dict[str, Any]:
    """One shape for the live event and the snapshot a late subscriber gets first."""
    return {
        "jobId": str(job.id),
        "sequence": job.event_seq,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "leaderboard": job.leaderboard,
        "modelVersionId": str(model_version_id) if model_version_id else None,
        "occurredAt": utcnow().isoformat(),
    }


def limits_of(tenant: Tenant | None) -> Limits:
    """The organization's own limits where it has them, else the deployment's."""
    return Limits(
        min_budget_seconds=settings.TRAINING_MIN_BUDGET_SECONDS,
        max_budget_seconds=(tenant.training_max_budget_seconds if tenant else None)
        or settings.TRAINING_MAX_BUDGET_SECONDS,
        max_concurrent_jobs=(tenant.training_max_concurrent_jobs if tenant else None)
        or settings.TRAINING_MAX_CONCURRENT_JOBS,
    )


async def tenant_limits(session: AsyncSession, tenant_id: uuid.UUID) -> Limits:
    return limits_of(await TrainingJobRepository(session).tenant(tenant_id))


def _column(dataset: Dataset, name: str) -> dict[str, Any] | None:
    columns = (dataset.profile or {}).get("columns", [])
    return next((c for c in columns if c["name"] == name), None)


def _read_column(key: str, name: str) -> list[Any]:
    import pyarrow.parquet as pq

    with get_store().open(key) as stream:
        values: list[Any] = pq.read_table(stream, columns=[name]).column(0).to_pylist()
    return values


def _infer_task(column: dict[str, Any]) -> TaskType:
    task = task_for_column(column)
    if task is None:
        raise BadUserInput(
            f"Cannot infer a task for '{column['name'][:100]}' ({column['type'].lower()}, "
            f"{column['distinct_count']} distinct values, {column['missing_percent']:.0f}% "
            "missing); choose the taskType, or another target."
        )
    return task


def _check_classes(task: TaskType, target: str, values: list[Any]) -> None:
    from collections import Counter

    counts = Counter(v for v in values if v is not None)
    rows = sum(counts.values())
    if rows < settings.TRAINING_MIN_ROWS:
        raise BadUserInput(
            f"Only {rows} rows have a value in '{target}'; training needs at least "
            f"{settings.TRAINING_MIN_ROWS}."
        )
    if task in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.ANOMALY_DETECTION):
        if task == TaskType.BINARY and len(counts) != 2:
            raise BadUserInput(
                f"BINARY needs exactly two values in '{target}'; it has {len(counts)}. "
                "Use MULTICLASS or REGRESSION."
            )
        if task == TaskType.ANOMALY_DETECTION and len(counts) != 2:
            raise BadUserInput(
                f"A label column for anomaly detection needs exactly two values (normal and "
                f"anomalous); '{target}' has {len(counts)}."
            )
        if task == TaskType.MULTICLASS and not 3 <= len(counts) <= MULTICLASS_MAX_CLASSES:
            raise BadUserInput(
                f"MULTICLASS needs 3 to {MULTICLASS_MAX_CLASSES} classes in '{target}'; it has "
                f"{len(counts)}."
                + (" Use BINARY." if len(counts) == 2 else " Use REGRESSION for numbers.")
            )
        value, count = min(counts.items(), key=lambda item: item[1])
        needed = settings.TRAINING_MIN_ROWS_PER_CLASS if task != TaskType.ANOMALY_DETECTION else 2
        if count < needed:
            raise BadUserInput(
                f"The class '{value}' of '{target}' has only {count} rows; each class needs at "
                f"least {needed}. Collect more examples or merge rare classes."
            )
    if task == TaskType.REGRESSION:
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in counts):
            raise BadUserInput(f"REGRESSION needs a numeric target; '{target}' is not numeric.")


def clean_model_name(name: str | None, dataset: Dataset, target: str | None) -> str:
    if name is None:
        name = f"{dataset.name} · {target or 'anomalies'}"[:MAX_NAME]
    name = " ".join(name.split())
    if not name:
        raise BadUserInput("Give the model a name, or leave modelName out for the default.")
    if len(name) > MAX_NAME:
        raise BadUserInput(f"The model name is {len(name)} characters; at most {MAX_NAME}.")
    return name


class TrainingService:
    @requires(P.TRAINING_RUN)
    async def start(
        self, session: AsyncSession, principal: Principal, request: StartRequest
    ) -> TrainingJob:
        dataset = await DatasetRepository(session).get(request.dataset_id)
        if dataset is None:
            raise NotFound("Dataset")
        if dataset.status != DatasetStatus.READY or dataset.profile is None:
            raise BadUserInput(
                "The dataset is still being profiled; start training once it is READY."
                if dataset.status == DatasetStatus.PROFILING
                else "The dataset failed profiling; upload it again."
            )
        task, target = request.task_type, request.target
        if target is not None and (not target or len(target) > MAX_COLUMN_NAME):
            raise BadUserInput("The target must be a column name of the dataset.")
        target_column = _column(dataset, target) if target is not None else None
        if target is not None and target_column is None:
            raise BadUserInput(f"The dataset has no column '{target[:100]}'.")
        if target_column is None:
            if task != TaskType.ANOMALY_DETECTION:
                raise BadUserInput(
                    "Choose a target column, or taskType ANOMALY_DETECTION for unsupervised "
                    "training."
                )
        elif task == TaskType.AUTO:
            task = _infer_task(target_column)
        if len(request.excluded_columns) > len(dataset.profile["columns"]):
            raise BadUserInput("More excluded columns than the dataset has.")
        for column in request.excluded_columns:
            if _column(dataset, column) is None:
                raise BadUserInput(
                    f"Cannot exclude '{column[:100]}': the dataset has no such column."
                )
            if column == target:
                raise BadUserInput("The target cannot be an excluded column.")
        if len(request.excluded_columns) >= len(dataset.profile["columns"]) - (1 if target else 0):
            raise BadUserInput("Every feature column is excluded: keep at least one.")
        if target is not None:
            values = await asyncio.to_thread(_read_column, dataset.storage_path, target)
            _check_classes(task, target, values)
        elif (dataset.row_count or 0) < settings.TRAINING_MIN_ROWS:
            raise BadUserInput(
                f"The dataset has {dataset.row_count} rows; training needs at least "
                f"{settings.TRAINING_MIN_ROWS}."
            )
        metric = request.metric or DEFAULT_METRIC[task]
        valid = [m.name for m in METRICS.values() if task in m.tasks]
        if metric not in valid:
            raise BadUserInput(
                f"The metric '{metric[:50]}' does not apply to {task.value}; choose one of "
                f"{', '.join(valid)}."
            )
        if task == TaskType.ANOMALY_DETECTION and target is None and request.metric is not None:
            raise BadUserInput("A metric needs a label column: give target, or leave metric out.")
        limits = await tenant_limits(session, principal.tenant_id)
        budget = request.time_budget_seconds
        if not limits.min_budget_seconds <= budget <= limits.max_budget_seconds:
            raise BadUserInput(
                f"The time budget must be between {limits.min_budget_seconds} and "
                f"{limits.max_budget_seconds} seconds for this organization."
            )
        if request.engine == Engine.H2O and budget < H2O_MIN_BUDGET_SECONDS:
            raise BadUserInput(
                f"The H2O engine needs a budget of at least {H2O_MIN_BUDGET_SECONDS} seconds "
                "(it starts a Java node to fit and another to score); use AUTOGLUON for "
                "shorter runs."
            )
        if not engine_available(request.engine):
            raise BadUserInput(
                "The H2O engine is not available on this deployment (install the h2o extra "
                "and Java, or set PHANTOM_H2O_URL); use AUTOGLUON."
            )
        model_name = clean_model_name(request.model_name, dataset, target)
        existing = await RegistryRepository(session).model_by_name(model_name)
        if existing is not None and (problem := model_mismatch(existing, task.value, target)):
            raise BadUserInput(problem)
        job = TrainingJob(
            dataset_id=dataset.id,
            dataset_name=dataset.name,
            dataset_content_hash=dataset.content_hash,
            model_name=model_name,
            target=target,
            requested_task_type=request.task_type.value,
            task_type=task.value,
            metric=metric,
            engine=request.engine.value,
            time_budget_seconds=budget,
            excluded_columns=list(dict.fromkeys(request.excluded_columns)),
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
        )
        await TrainingJobRepository(session).add(job)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="automl.training.started",
            resource=("training_job", job.id),
            details={
                "dataset_id": str(dataset.id),
                "dataset_content_hash": dataset.content_hash,
                "target": target,
                "task_type": task.value,
                "metric": metric,
                "engine": job.engine,
                "time_budget_seconds": budget,
                "model_name": model_name,
                "excluded_columns": job.excluded_columns,
            },
        )
        from phantom.automl.runs import send_training  # the worker module imports runs

        send_training(session, job)
        return job

    @requires(P.TRAINING_CANCEL)
    async def cancel(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> TrainingJob:
        """A QUEUED job is CANCELLED at once; a RUNNING one is flagged here (in the
        database, so no lost message can forget it) and its worker stops the fit within
        a heartbeat."""
        job = await TrainingJobRepository(session).get_for_update(job_id)
        if job is None:
            raise NotFound("Training job")
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
            from phantom.automl.runs import publish_after_commit

            publish_after_commit(session, job)
        return job

    @requires(P.TRAINING_READ)
    async def get(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> TrainingJob:
        job = await TrainingJobRepository(session).get(job_id)
        if job is None:
            raise NotFound("Training job")
        return job

    @requires(P.TRAINING_READ)
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        status: JobStatus | None,
        dataset_id: uuid.UUID | None,
    ) -> Page[TrainingJob]:
        statement = TrainingJobRepository(session).listing(status, dataset_id)
        return await paginate(session, statement, TrainingJob, page)

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
            if job is None:
                raise NotFound("Training job")
            version = await RegistryRepository(session).version_of_job(job.id)
            snapshot = progress_payload(job, version.id if version else None)
        yield _follow(snapshot, events, str(job_id))


async def _follow(
    snapshot: dict[str, Any], events: AsyncIterator[Event], job_id: str
) -> AsyncIterator[dict[str, Any]]:
    yield snapshot
    if snapshot["status"] in TERMINAL:
        return
    seen = snapshot["sequence"]
    async for event in events:
        payload = event.payload
        if payload.get("jobId") != job_id or payload["sequence"] <= seen:
            continue
        seen = payload["sequence"]
        yield payload
        if payload["status"] in TERMINAL:
            return


training = TrainingService()
