"""Datasets' GraphQL types and thin resolvers (contract: /work/contracts/datasets.graphql)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from starlette.datastructures import UploadFile
from strawberry import Info
from strawberry.file_uploads import Upload

from phantom.datasets import models
from phantom.datasets.loaders import dataset_loader
from phantom.datasets.profiling import ColumnType as ColumnTypeValue
from phantom.datasets.profiling import TaskType as TaskTypeValue
from phantom.datasets.service import Upload as UploadedFile
from phantom.datasets.service import datasets
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.identity.loaders import display_name_loader
from phantom.kit import idempotency
from phantom.kit.idempotency import file_sha256
from phantom.kit.pagination import page_request

DatasetStatus = strawberry.enum(models.DatasetStatus, name="DatasetStatus")
ColumnType = strawberry.enum(ColumnTypeValue, name="ColumnType")
TaskType = strawberry.enum(TaskTypeValue, name="TaskType")


@strawberry.type
class HistogramBin:
    lower: float
    upper: float
    count: int


@strawberry.type
class ValueCount:
    value: str
    count: int


@strawberry.type
class SuggestedTarget:
    column: str
    task_type: TaskTypeValue
    reason: str


@strawberry.type
class ColumnProfile:
    name: str
    type: ColumnTypeValue
    missing_count: int
    missing_percent: float = strawberry.field(description="0..100")
    distinct_count: int
    min: float | None = strawberry.field(description="NUMERIC only.")
    max: float | None
    mean: float | None
    std: float | None = strawberry.field(description="Sample standard deviation.")
    min_text: str | None = strawberry.field(description="DATETIME: ISO 8601.")
    max_text: str | None
    histogram: list[HistogramBin] = strawberry.field(
        description="NUMERIC: up to 20 equal-width bins; else empty."
    )
    top_values: list[ValueCount] = strawberry.field(
        description="CATEGORICAL, BOOLEAN, TEXT, ID: up to 10, most frequent first."
    )

    @classmethod
    def from_json(cls, c: dict[str, Any]) -> ColumnProfile:
        return cls(
            name=c["name"],
            type=ColumnTypeValue(c["type"]),
            missing_count=c["missing_count"],
            missing_percent=c["missing_percent"],
            distinct_count=c["distinct_count"],
            min=c.get("min"),
            max=c.get("max"),
            mean=c.get("mean"),
            std=c.get("std"),
            min_text=c.get("min_text"),
            max_text=c.get("max_text"),
            histogram=[HistogramBin(**b) for b in c.get("histogram", [])],
            top_values=[ValueCount(**v) for v in c.get("top_values", [])],
        )


@strawberry.type
class DatasetProfile:
    rows: int
    columns: list[ColumnProfile]
    suggested_targets: list[SuggestedTarget] = strawberry.field(description="Best first.")
    profiled_at: datetime


@strawberry.type
class Dataset:
    id: strawberry.ID
    name: str
    status: models.DatasetStatus = strawberry.field(
        description="PROFILING while a worker job profiles a large file; SUPERSEDED once a "
        "data subject erasure wrote a newer version without some rows (its file is deleted)."
    )
    error: str | None = strawberry.field(
        description="Why profiling FAILED, or which version replaces a SUPERSEDED one."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        description="The version this one was derived from (an erasure), if any."
    )
    version_number: int = strawberry.field(description="1 for an upload, +1 per erasure.")
    source_format: str = strawberry.field(description='"csv" or "parquet" (stored as Parquet).')
    original_filename: str
    size_bytes: float = strawberry.field(description="The upload's size.")
    content_hash: str = strawberry.field(description='"sha256:<hex>" of the uploaded bytes.')
    row_count: int | None
    column_count: int | None
    created_at: datetime
    created_by_id: strawberry.Private[uuid.UUID | None]
    stored_profile: strawberry.Private[dict[str, Any] | None]
    profiled_at: strawberry.Private[datetime | None]

    @strawberry.field(description="The uploader's display name.")
    async def created_by(self, info: Info[Context, None]) -> str | None:
        if self.created_by_id is None:
            return None
        return await display_name_loader(info.context).load(self.created_by_id)

    @strawberry.field(description="Null until READY.")
    def profile(self) -> DatasetProfile | None:
        if self.stored_profile is None or self.profiled_at is None:
            return None
        p = self.stored_profile
        return DatasetProfile(
            rows=p["rows"],
            columns=[ColumnProfile.from_json(c) for c in p["columns"]],
            suggested_targets=[
                SuggestedTarget(
                    column=t["column"], task_type=TaskTypeValue(t["task_type"]), reason=t["reason"]
                )
                for t in p["suggested_targets"]
            ],
            profiled_at=self.profiled_at,
        )

    @classmethod
    def from_model(cls, d: models.Dataset) -> Dataset:
        return cls(
            id=strawberry.ID(str(d.id)),
            name=d.name,
            status=models.DatasetStatus(d.status),
            error=d.error,
            parent_id=strawberry.ID(str(d.parent_id)) if d.parent_id else None,
            version_number=d.version_number or 1,
            source_format=d.source_format,
            original_filename=d.original_filename,
            size_bytes=float(d.size_bytes),
            content_hash=d.content_hash,
            row_count=d.row_count,
            column_count=d.column_count,
            created_at=d.created_at,
            created_by_id=d.created_by,
            stored_profile=d.profile,
            profiled_at=d.profiled_at,
        )


@strawberry.type(description="The first rows of a dataset, as text.")
class DatasetPreview:
    columns: list[str] = strawberry.field(description="Column names, in file order.")
    rows: list[list[str | None]] = strawberry.field(
        description="One list of cells per row, in column order; null for a missing value; "
        "a cell longer than 200 characters is cut and ends with an ellipsis."
    )
    row_count: int | None = strawberry.field(description="All rows of the dataset.")


async def visible_dataset(
    info: Info[Context, None], dataset_id: uuid.UUID | None
) -> Dataset | None:
    """For fields of other types that point at a dataset: null when it was deleted since,
    or when the viewer may not read datasets."""
    if dataset_id is None:
        return None
    found = await dataset_loader(info.context).load(dataset_id)
    return Dataset.from_model(found) if found is not None else None


@strawberry.type
class DatasetQuery:
    @strawberry.field(
        extensions=authenticated(),
        description="datasets:read. NOT_FOUND for an unknown id or another organization's.",
    )
    async def dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset | None:
        dataset_id = parse_id(id, "Dataset")
        async with info.context.session() as session:
            found = await datasets.get(session, info.context.require_principal(), dataset_id)
        return Dataset.from_model(found)

    @strawberry.field(
        extensions=authenticated(),
        description="datasets:read. The first rows (`first`: 1..100, else BAD_USER_INPUT). "
        "NOT_FOUND for an unknown id or another organization's.",
    )
    async def dataset_preview(
        self, info: Info[Context, None], id: strawberry.ID, first: int = 20
    ) -> DatasetPreview:
        dataset_id = parse_id(id, "Dataset")
        async with info.context.session() as session:
            found = await datasets.preview(
                session, info.context.require_principal(), dataset_id, first
            )
        return DatasetPreview(columns=found.columns, rows=found.rows, row_count=found.row_count)

    @strawberry.field(extensions=authenticated(), description="datasets:read; newest first.")
    async def datasets(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[Dataset]:
        page = page_request(first, after)
        async with info.context.session() as session:
            result = await datasets.list(session, info.context.require_principal(), page, search)
        return Connection.from_page(result, Dataset.from_model)


@strawberry.type
class DatasetMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="datasets:write. A CSV or Parquet file, sent with the GraphQL multipart "
        "request spec; a cookie-authenticated request must send `Apollo-Require-Preflight`. "
        + idempotency.DESCRIBED,
    )
    async def upload_dataset(
        self,
        info: Info[Context, None],
        name: str,
        file: Upload,
        idempotency_key: str | None = None,
    ) -> Dataset:
        upload: object = file
        request: dict[str, object] = {"name": name}
        try:
            if isinstance(file, UploadFile):
                upload = UploadedFile(filename=file.filename or "", stream=file.file)
                if idempotency.checked_key(idempotency_key) is not None:
                    request.update(filename=file.filename, sha256=await file_sha256(file.file))
            principal = info.context.require_principal()
            async with info.context.session() as session:
                created = await idempotency.once_by_id(
                    session,
                    principal,
                    idempotency_key,
                    "uploadDataset",
                    request,
                    lambda: datasets.upload(session, principal, name=name, upload=upload),
                    lambda found: datasets.get(session, principal, found),
                )
        finally:
            if isinstance(file, UploadFile):
                await file.close()  # the spooled temporary file, at once
        return Dataset.from_model(created)

    @strawberry.mutation(extensions=authenticated(), description="datasets:write.")
    async def delete_dataset(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        dataset_id = parse_id(id, "Dataset")
        async with info.context.session() as session:
            await datasets.delete(session, info.context.require_principal(), dataset_id)
        return True
