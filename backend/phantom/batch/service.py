"""Batch predictions as users see them: start (checked up front: the version, the
dataset, the features), cancel, read, list, follow live, and open the stored output for
download. The worker's side lives in ``batch/runs.py`` and ``batch/scoring.py``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.batch import repository as batch_rows
from phantom.batch.lifecycle import (
    PROGRESS_TOPIC,
    progress_payload,
    publish_after_commit,
    send_scoring,
)
from phantom.batch.models import TERMINAL, BatchPredictionJob, JobStatus
from phantom.batch.repository import BatchJobRepository
from phantom.config import settings
from phantom.datasets.service import on_dataset_deleted, training_data
from phantom.db import transaction
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, Conflict
from phantom.kit.events import get_event_bus
from phantom.kit.leases import follow
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow
from phantom.kit.storage import delete_after_commit, get_store
from phantom.registry.service import registry

PREDICTION_COLUMNS = ("prediction", "anomaly_score")  # and probability_<class>


def missing_features(features: list[dict[str, Any]], columns: list[str]) -> list[str]:
    """The model's features the data lacks, in the model's order."""
    present = set(columns)
    return [f["name"] for f in features if f["name"] not in present]


def missing_message(missing: list[str]) -> str:
    shown = ", ".join(f"'{name[:100]}'" for name in missing[:20])
    more = f" and {len(missing) - 20} more" if len(missing) > 20 else ""
    return (
        f"The dataset lacks {len(missing)} of the model's feature columns: {shown}{more}. "
        "Score a dataset with the columns the model was trained on (extra columns are kept "
        "as they are)."
    )


def clashing_columns(columns: list[str], classes: list[Any] | None) -> list[str]:
    """Input columns named like the prediction columns the output adds."""
    added = set(PREDICTION_COLUMNS) | {f"probability_{c}" for c in classes or []}
    return [c for c in columns if c in added]


@dataclass(frozen=True, slots=True)
class Output:
    """A SUCCEEDED job's stored Parquet, for the download route."""

    job_id: uuid.UUID
    key: str
    size_bytes: int
    dataset_name: str

    def open(self) -> IO[bytes]:
        return get_store().open(self.key)


class BatchPredictionService:
    @requires(P.PREDICTIONS_RUN, P.DATASETS_READ)
    async def start(
        self,
        session: AsyncSession,
        principal: Principal,
        model_version_id: uuid.UUID,
        dataset_id: uuid.UUID,
    ) -> BatchPredictionJob:
        """Another tenant's version or dataset is ``NotFound``; a dataset without the
        model's features is refused here, naming them, rather than failing on a worker."""
        version = await registry.get(session, principal, model_version_id)
        data = await training_data(session, dataset_id)
        columns = [str(c["name"]) for c in data.columns]
        missing = missing_features(version.features, columns)
        if missing:
            raise BadUserInput(missing_message(missing))
        clashes = clashing_columns(columns, version.classes)
        if clashes:
            raise BadUserInput(
                f"The dataset already has column(s) {', '.join(clashes)[:500]}, which the "
                "output adds; rename them first."
            )
        job = BatchPredictionJob(
            model_version_id=version.id,
            dataset_id=data.id,
            dataset_name=data.name,
            dataset_content_hash=data.content_hash,
            rows_total=data.row_count,
            status=JobStatus.QUEUED.value,
            progress=0.0,
            rows_scored=0,
            message="Waiting for a worker",
            attempt=0,
            max_attempts=settings.BATCH_MAX_ATTEMPTS,
            fencing_token=0,
            event_seq=0,
            created_by=principal.user_id,
        )
        await BatchJobRepository(session).add(job)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="batch.prediction.started",
            resource=("batch_prediction", job.id),
            details={
                "model_version_id": str(version.id),
                "dataset_id": str(data.id),
                "dataset_content_hash": data.content_hash,
            },
        )
        send_scoring(session, job)
        return job

    @requires(P.PREDICTIONS_RUN)
    async def cancel(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> BatchPredictionJob:
        """A QUEUED job is CANCELLED at once; a RUNNING one is flagged in the database and
        its worker stops before its next chunk."""
        job = await BatchJobRepository(session).get(job_id, for_update=True)
        if job.status in TERMINAL:
            raise Conflict(f"The batch prediction has already ended ({job.status}).")
        if job.cancel_requested_at is not None:
            return job
        _request_cancel(job, f"Cancelled by {principal.display_name} before it started.")
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="batch.prediction.cancel_requested",
            resource=("batch_prediction", job.id),
            details={"status_when_cancelled": job.status},
        )
        if job.status == JobStatus.CANCELLED:
            # the job's end, as a worker records it: every job has exactly one in the log
            await audit.record(
                session,
                actor=audit.Actor.from_principal(principal),
                action="batch.prediction.cancelled",
                resource=("batch_prediction", job.id),
                details={"code": "cancelled", "attempt": job.attempt},
            )
            publish_after_commit(session, job)
        return job

    @requires(P.MODELS_READ)
    async def get(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> BatchPredictionJob:
        return await BatchJobRepository(session).get(job_id)

    @requires(P.MODELS_READ)
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        model_version_id: uuid.UUID | None,
    ) -> Page[BatchPredictionJob]:
        repo = BatchJobRepository(session)
        return await repo.page(repo.listing(model_version_id), page)

    @requires(P.PREDICTIONS_EXPORT)
    async def output(
        self, session: AsyncSession, principal: Principal, job_id: uuid.UUID
    ) -> Output:
        """The stored Parquet of a SUCCEEDED job (``Conflict`` before), audited."""
        job = await BatchJobRepository(session).get(job_id)
        if job.status == JobStatus.SUCCEEDED and job.output_path is None:
            raise Conflict("This batch prediction's output was deleted with its dataset.")
        if job.status != JobStatus.SUCCEEDED or job.output_path is None:
            raise Conflict(
                f"The batch prediction is {job.status}; its output can be downloaded once "
                "it has SUCCEEDED."
            )
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="batch.prediction.downloaded",
            resource=("batch_prediction", job.id),
            details={"rows": job.rows_scored, "sha256": job.output_hash},
        )
        return Output(job.id, job.output_path, job.output_bytes or 0, job.dataset_name)

    @requires(P.MODELS_READ)
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
    async with get_event_bus().subscribe(tenant_id, {PROGRESS_TOPIC}) as events:
        async with transaction(tenant_id) as session:
            snapshot = progress_payload(await BatchJobRepository(session).get(job_id))
        yield follow(snapshot, events, str(job_id))


batch_predictions = BatchPredictionService()


def _request_cancel(job: BatchPredictionJob, reason_if_queued: str) -> None:
    """A QUEUED job ends CANCELLED at once; a RUNNING one is flagged, and its worker
    stops before its next chunk (or before storing its result)."""
    job.cancel_requested_at = utcnow()
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.CANCELLED.value
        job.finished_at = utcnow()
        job.error = reason_if_queued
        job.error_code = "cancelled"
        job.message = "Cancelled"
        job.event_seq += 1
    else:
        job.message = "Cancelling"


async def forget_dataset(session: AsyncSession, dataset_id: uuid.UUID) -> None:
    """A deleted dataset takes its copies along (an output keeps every input column,
    personal data included): stored outputs are deleted once the deletion commits, and
    jobs still queued or running are cancelled (a running one stops before its next
    chunk and stores nothing)."""
    for job in await BatchJobRepository(session).of_dataset(dataset_id):
        if job.output_path is not None:
            key = job.output_path
            job.output_path = job.output_bytes = job.output_hash = None
            job.message = "Its output was deleted with its dataset."
            await delete_after_commit(session, [key])
        elif job.status not in TERMINAL and job.cancel_requested_at is None:
            _request_cancel(job, "Its dataset was deleted before it started.")
            await session.flush()
            actor = audit.Actor.system("datasets.deletion")
            resource = ("batch_prediction", job.id)
            await audit.record(
                session,
                actor=actor,
                action="batch.prediction.cancel_requested",
                resource=resource,
                details={"status_when_cancelled": job.status, "reason": "dataset deleted"},
            )
            if job.status == JobStatus.CANCELLED:  # a queued one ends here; a running one
                await audit.record(  # ends at its worker, which records it
                    session,
                    actor=actor,
                    action="batch.prediction.cancelled",
                    resource=resource,
                    details={"code": "cancelled", "attempt": job.attempt},
                )
                publish_after_commit(session, job)
    await session.flush()


on_dataset_deleted(forget_dataset)


# --- for the overviews (phantom.overview), which check their own permission first ---


async def rows_scored_per_version(
    session: AsyncSession, version_ids: set[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, int]:
    """Rows these versions' succeeded batch jobs scored in [since, until)."""
    return await batch_rows.rows_scored_per_version(session, version_ids, since, until)


async def rows_scored_per_day(
    session: AsyncSession, since: datetime, until: datetime
) -> dict[date, int]:
    """Rows scored by succeeded batch jobs that finished in [since, until), by UTC day."""
    return await batch_rows.rows_scored_per_day(session, since, until)
