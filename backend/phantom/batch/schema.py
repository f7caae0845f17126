"""Batch predictions' GraphQL types and thin resolvers (names from API.md, "Wave 2")."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import strawberry
from strawberry import Info

from phantom.authz.permissions import P
from phantom.automl import schema as training_schema
from phantom.batch import models
from phantom.batch.service import batch_predictions
from phantom.config import settings
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.identity.loaders import display_name_loader
from phantom.kit import idempotency
from phantom.kit.events import checked_every
from phantom.kit.pagination import page_request

JobStatus = training_schema.JobStatus  # the same GraphQL enum as training's (kit.leases)
DOWNLOAD = "/api/v1/batch-predictions/{id}/download?format={format}"


@strawberry.type
class BatchPredictionJob:
    id: strawberry.ID
    status: models.JobStatus
    progress: float = strawberry.field(description="0..1")
    rows_scored: int
    rows_total: int | None = strawberry.field(description="The dataset's rows.")
    message: str | None
    error: str | None = strawberry.field(description="Why it FAILED or was CANCELLED.")
    error_code: str | None = strawberry.field(
        description="data_error, model_error, scoring_error, worker_lost, cancelled."
    )
    model_version_id: strawberry.ID | None = strawberry.field(
        description="Null if the version was deleted since."
    )
    dataset_id: strawberry.ID | None = strawberry.field(
        description="Null if the dataset was deleted since."
    )
    dataset_name: str
    attempt: int
    max_attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    output_bytes: int | None = strawberry.field(description="The stored Parquet's size.")
    output_sha256: str | None = strawberry.field(description="sha256:<hex> of the Parquet.")
    created_by_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="Set when SUCCEEDED (predictions:export to download).")
    def csv_url(self) -> str | None:
        return self._url("csv")

    @strawberry.field(description="Set when SUCCEEDED (predictions:export to download).")
    def parquet_url(self) -> str | None:
        return self._url("parquet")

    def _url(self, format: str) -> str | None:
        if self.status != models.JobStatus.SUCCEEDED:
            return None
        return DOWNLOAD.format(id=self.id, format=format)

    @strawberry.field(description="The display name of who started it.")
    async def created_by(self, info: Info[Context, None]) -> str | None:
        if self.created_by_id is None:
            return None
        return await display_name_loader(info.context).load(self.created_by_id)

    @classmethod
    def from_model(cls, job: models.BatchPredictionJob) -> BatchPredictionJob:
        return cls(
            id=strawberry.ID(str(job.id)),
            status=models.JobStatus(job.status),
            progress=job.progress,
            rows_scored=job.rows_scored,
            rows_total=job.rows_total,
            message=job.message,
            error=job.error,
            error_code=job.error_code,
            model_version_id=strawberry.ID(str(job.model_version_id))
            if job.model_version_id
            else None,
            dataset_id=strawberry.ID(str(job.dataset_id)) if job.dataset_id else None,
            dataset_name=job.dataset_name,
            attempt=job.attempt,
            max_attempts=job.max_attempts,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            output_bytes=job.output_bytes,
            output_sha256=job.output_hash,
            created_by_id=job.created_by,
        )


@strawberry.type
class BatchPredictionEvent:
    job_id: strawberry.ID
    sequence: int = strawberry.field(description="Increases with each event of the job.")
    status: models.JobStatus
    progress: float
    rows_scored: int
    rows_total: int | None
    message: str | None
    error: str | None
    occurred_at: datetime

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> BatchPredictionEvent:
        return cls(
            job_id=strawberry.ID(p["jobId"]),
            sequence=p["sequence"],
            status=models.JobStatus(p["status"]),
            progress=p["progress"],
            rows_scored=p["rowsScored"],
            rows_total=p["rowsTotal"],
            message=p["message"],
            error=p["error"],
            occurred_at=datetime.fromisoformat(p["occurredAt"]),
        )


@strawberry.input
class StartBatchPredictionInput:
    model_version_id: strawberry.ID
    dataset_id: strawberry.ID = strawberry.field(
        description="A READY dataset with the model's feature columns; other columns are "
        "kept in the output as they are."
    )


@strawberry.type
class BatchQuery:
    @strawberry.field(extensions=authenticated(), description="models:read.")
    async def batch_prediction(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> BatchPredictionJob | None:
        job_id = parse_id(id, "Batch prediction")
        async with info.context.session() as session:
            job = await batch_predictions.get(session, info.context.require_principal(), job_id)
        return BatchPredictionJob.from_model(job)

    @strawberry.field(extensions=authenticated(), description="models:read; newest first.")
    async def batch_predictions(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        model_version_id: strawberry.ID | None = None,
    ) -> Connection[BatchPredictionJob]:
        page = page_request(first, after)
        version = (
            parse_id(model_version_id, "Model version") if model_version_id is not None else None
        )
        async with info.context.session() as session:
            result = await batch_predictions.list(
                session, info.context.require_principal(), page, version
            )
        return Connection.from_page(result, BatchPredictionJob.from_model)


@strawberry.type
class BatchMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="predictions:run and datasets:read. Checks the dataset has the model's "
        "features, then queues the job; follow it with batchPredictionProgress. "
        + idempotency.DESCRIBED,
    )
    async def start_batch_prediction(
        self,
        info: Info[Context, None],
        input: StartBatchPredictionInput,
        idempotency_key: str | None = None,
    ) -> BatchPredictionJob:
        version_id = parse_id(input.model_version_id, "Model version")
        dataset_id = parse_id(input.dataset_id, "Dataset")
        principal = info.context.require_principal()
        async with info.context.session() as session:
            job = await idempotency.once_by_id(
                session,
                principal,
                idempotency_key,
                "startBatchPrediction",
                {"modelVersionId": version_id, "datasetId": dataset_id},
                lambda: batch_predictions.start(session, principal, version_id, dataset_id),
                lambda found: batch_predictions.get(session, principal, found),
            )
        return BatchPredictionJob.from_model(job)

    @strawberry.mutation(
        extensions=authenticated(),
        description="predictions:run. QUEUED: cancelled at once; RUNNING: stopped before its "
        "next chunk, storing nothing.",
    )
    async def cancel_batch_prediction(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> BatchPredictionJob:
        job_id = parse_id(id, "Batch prediction")
        async with info.context.session() as session:
            job = await batch_predictions.cancel(session, info.context.require_principal(), job_id)
        return BatchPredictionJob.from_model(job)


@strawberry.type
class BatchSubscription:
    @strawberry.subscription(
        extensions=authenticated(),
        description="models:read. The current state first, then one event per scored chunk; "
        "ends after SUCCEEDED, FAILED or CANCELLED.",
    )
    async def batch_prediction_progress(
        self, info: Info[Context, None], job_id: strawberry.ID
    ) -> AsyncGenerator[BatchPredictionEvent, None]:
        context = info.context
        job = parse_id(job_id, "Batch prediction")
        following = await batch_predictions.follow(context.require_principal(), job)
        async with following as events:
            async for payload in checked_every(
                events,
                settings.STREAM_REVALIDATE_SECONDS,
                lambda: context.revalidate(P.MODELS_READ),
            ):
                yield BatchPredictionEvent.from_payload(payload)
