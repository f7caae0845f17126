"""Datasets: upload (validate, convert to Parquet, store, profile), read, delete.

The upload's bytes are already capped while the request streams in (``graphql/view.py``);
here they are hashed, checked again against the limit, parsed and stored. Nothing is left
behind on a refusal: the work directory is temporary, the object is removed if the
transaction rolls back, and the row only exists in that transaction.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.compliance.hooks import (
    IdentifierSource,
    SubjectReference,
    register_identifier_source,
    register_subject_finder,
)
from phantom.config import settings
from phantom.datasets import erasure, ingest
from phantom.datasets.errors import InvalidDataset
from phantom.datasets.models import Dataset, DatasetStatus
from phantom.datasets.profiling import profile_table
from phantom.datasets.repository import DatasetRepository, SystemDatasets
from phantom.db import transaction
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, Conflict
from phantom.kit.jobs import enqueue_job, send_job
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow
from phantom.kit.storage import delete_after_commit, get_store, tenant_key
from phantom.kit.transactions import on_rollback

log = logging.getLogger(__name__)

DatasetDeleted = Callable[[AsyncSession, uuid.UUID], Awaitable[None]]
_on_deleted: list[DatasetDeleted] = []


def on_dataset_deleted(callback: DatasetDeleted) -> None:
    """Domains that keep copies of a dataset's rows (batch outputs) register here; the
    callback runs in the deleting transaction, so the copies go with the dataset or not
    at all. Datasets imports none of them."""
    _on_deleted.append(callback)


MAX_NAME = 200
PREVIEW_MAX_ROWS = 100
PREVIEW_MAX_CHARS = 200
MAX_FILENAME = 255
MAX_SEARCH = 200


@dataclass(frozen=True, slots=True)
class Upload:
    """What the API layer hands over: the file's name and its bytes (spooled by the
    multipart parser)."""

    filename: str
    stream: IO[bytes]


@dataclass(frozen=True, slots=True)
class _Stored:
    spooled: ingest.Spooled
    source_format: str
    rows: int
    columns: int
    profile: dict[str, Any] | None


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidDataset("Give the dataset a name.")
    if len(name) > MAX_NAME:
        raise InvalidDataset(f"The dataset name is {len(name)} characters; at most {MAX_NAME}.")
    return name


def clean_filename(filename: str | None) -> str:
    """Kept for display only (never a path): the last path segment, bounded."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[-MAX_FILENAME:] or "upload"


def _limits() -> ingest.Limits:
    return ingest.Limits(
        max_bytes=settings.DATASET_MAX_BYTES,
        max_columns=settings.DATASET_MAX_COLUMNS,
        max_rows=settings.DATASET_MAX_ROWS,
        max_uncompressed_bytes=settings.DATASET_MAX_UNCOMPRESSED_BYTES,
    )


def _store_upload(upload: Upload, key: str) -> _Stored:
    """Thread work: spool and hash, validate, convert, write the object, maybe profile."""
    with tempfile.TemporaryDirectory(prefix="phantom-upload-") as workdir:
        spooled = ingest.spool(upload.stream, Path(workdir) / "upload", settings.DATASET_MAX_BYTES)
        result = ingest.ingest(spooled, upload.filename, Path(workdir), _limits())
        profile = None
        if spooled.size_bytes <= settings.DATASET_INLINE_PROFILE_BYTES:
            profile = profile_table(result.table)
        with result.parquet_path.open("rb") as source:
            get_store().write(key, source)
        return _Stored(
            spooled=spooled,
            source_format=result.source_format,
            rows=result.table.num_rows,
            columns=result.table.num_columns,
            profile=profile,
        )


def _read_and_profile(key: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    with get_store().open(key) as stream:
        table = pq.read_table(stream)
    return profile_table(table)


@dataclass(frozen=True, slots=True)
class Preview:
    """The first rows of a dataset as text: what a person reads before choosing a target."""

    columns: list[str]
    rows: list[list[str | None]]
    row_count: int | None


def _cell(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN is missing
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= PREVIEW_MAX_CHARS else text[: PREVIEW_MAX_CHARS - 1] + "…"


def _read_preview(key: str, first: int) -> tuple[list[str], list[list[str | None]]]:
    """Thread work: only the first record batch is decoded, however large the file."""
    import pyarrow.parquet as pq

    with get_store().open(key) as stream:
        parquet = pq.ParquetFile(stream)
        names = [str(n) for n in parquet.schema_arrow.names]
        batch = next(parquet.iter_batches(batch_size=first), None)
        if batch is None:
            return names, []
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    return names, [[_cell(column[r]) for column in columns] for r in range(batch.num_rows)]


class DatasetService:
    @requires(P.DATASETS_WRITE)
    async def upload(
        self, session: AsyncSession, principal: Principal, *, name: str, upload: object
    ) -> Dataset:
        if not isinstance(upload, Upload):
            raise InvalidDataset(
                "Send the file as a multipart request (the GraphQL multipart request spec): "
                "an 'operations' part, a 'map' part and the file part."
            )
        name = clean_name(name)
        dataset_id = uuid.uuid4()
        key = tenant_key(principal.tenant_id, "datasets", dataset_id, ".parquet")
        store = get_store()
        on_rollback(session, lambda: store.delete(key))
        try:
            stored = await asyncio.to_thread(_store_upload, upload, key)
        except BaseException:
            await asyncio.to_thread(store.delete, key)
            raise
        inline = stored.profile is not None
        dataset = Dataset(
            id=dataset_id,
            name=name,
            status=(DatasetStatus.READY if inline else DatasetStatus.PROFILING).value,
            source_format=stored.source_format,
            original_filename=clean_filename(upload.filename),
            size_bytes=stored.spooled.size_bytes,
            content_hash=stored.spooled.content_hash,
            storage_path=key,
            row_count=stored.rows,
            column_count=stored.columns,
            profile=stored.profile,
            profiled_at=utcnow() if inline else None,
            created_by=principal.user_id,
        )
        await DatasetRepository(session).add(dataset)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="datasets.dataset.uploaded",
            resource=("dataset", dataset.id),
            details={
                "name": name,
                "filename": dataset.original_filename,
                "format": dataset.source_format,
                "size_bytes": dataset.size_bytes,
                "content_hash": dataset.content_hash,
                "rows": dataset.row_count,
                "columns": dataset.column_count,
            },
        )
        if not inline:
            enqueue_job(
                session, "datasets.profile", tenant_id=principal.tenant_id, dataset_id=dataset.id
            )
        return dataset

    @requires(P.DATASETS_READ)
    async def get(
        self, session: AsyncSession, principal: Principal, dataset_id: uuid.UUID
    ) -> Dataset:
        return await DatasetRepository(session).get(dataset_id)

    @requires(P.DATASETS_READ)
    async def preview(
        self, session: AsyncSession, principal: Principal, dataset_id: uuid.UUID, first: int
    ) -> Preview:
        """The first ``first`` rows (1..100), cells as text cut at 200 characters."""
        if not 1 <= first <= PREVIEW_MAX_ROWS:
            raise BadUserInput(f"first must be between 1 and {PREVIEW_MAX_ROWS}.")
        dataset = await DatasetRepository(session).get(dataset_id)
        if dataset.status == DatasetStatus.SUPERSEDED:
            # its file was deleted with the erased rows; the error names the new version
            raise Conflict(f"This version has no rows to show: {dataset.error}")
        names, rows = await asyncio.to_thread(_read_preview, dataset.storage_path, first)
        return Preview(columns=names, rows=rows, row_count=dataset.row_count)

    @requires(P.DATASETS_READ)
    async def get_many(
        self, session: AsyncSession, principal: Principal, dataset_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, Dataset]:
        """The ones that exist (in the caller's tenant), by id."""
        return {d.id: d for d in await DatasetRepository(session).get_many(dataset_ids)}

    @requires(P.DATASETS_READ)
    async def list(
        self, session: AsyncSession, principal: Principal, page: PageRequest, search: str | None
    ) -> Page[Dataset]:
        if search is not None and len(search) > MAX_SEARCH:
            raise InvalidDataset(f"Search for at most {MAX_SEARCH} characters.")
        repo = DatasetRepository(session)
        return await repo.page(repo.listing(search.strip() if search else None), page)

    @requires(P.DATASETS_WRITE)
    async def delete(
        self, session: AsyncSession, principal: Principal, dataset_id: uuid.UUID
    ) -> None:
        """The row goes in this transaction; the object once it commits (a failed
        transaction keeps both)."""
        repo = DatasetRepository(session)
        dataset = await repo.get(dataset_id)
        key = dataset.storage_path
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="datasets.dataset.deleted",
            resource=("dataset", dataset.id),
            details={"name": dataset.name, "content_hash": dataset.content_hash},
        )
        for callback in _on_deleted:
            await callback(session, dataset.id)
        await repo.delete(dataset)
        await delete_after_commit(session, [key])

    # --- the profiling job (system work in the dataset's tenant) ------------------------

    async def profile_pending(self, session: AsyncSession, dataset_id: uuid.UUID) -> str | None:
        """Profile a PROFILING dataset; idempotent (another state: nothing to do). Returns
        the new status, or None when there was nothing to do."""
        repo = DatasetRepository(session)
        dataset = await repo.find(dataset_id, for_update=True)
        if dataset is None or dataset.status != DatasetStatus.PROFILING:
            return None
        try:
            profile = await asyncio.to_thread(_read_and_profile, dataset.storage_path)
        except Exception as error:  # the dataset says why instead of staying PROFILING
            log.exception("profiling failed", extra={"dataset_id": str(dataset_id)})
            dataset.status = DatasetStatus.FAILED.value
            dataset.error = (
                f"Profiling failed ({type(error).__name__}): upload the file again; if it "
                "fails again, contact your administrator with the dataset id."
            )
            return dataset.status
        dataset.profile = profile
        dataset.profiled_at = utcnow()
        dataset.status = DatasetStatus.READY.value
        dataset.error = None
        return dataset.status


datasets = DatasetService()


async def resend_lost_profiling(uploaded_before: datetime | None = None) -> int:
    """Send the profiling job again for datasets still PROFILING long after their upload
    that no job is profiling now: their message was lost (Redis restarted, a worker killed
    before it acknowledged). Without this they stayed PROFILING for ever. A duplicate
    message is harmless: the job profiles only a PROFILING row, under its lock."""
    before = uploaded_before or utcnow() - timedelta(
        seconds=settings.DATASET_REPROFILE_AFTER_SECONDS
    )
    async with transaction(None) as session:
        idle = await SystemDatasets(session).profiling_idle(before)
    for tenant_id, dataset_id in idle:
        send_job("datasets.profile", tenant_id=tenant_id, dataset_id=dataset_id)
    return len(idle)


@dataclass(frozen=True, slots=True)
class TrainingData:
    """What training needs of a dataset: its identity for lineage, where its Parquet is,
    and its profiled columns (name, type, counts)."""

    id: uuid.UUID
    name: str
    content_hash: str
    storage_path: str
    row_count: int | None
    columns: list[dict[str, Any]]


async def training_data(session: AsyncSession, dataset_id: uuid.UUID) -> TrainingData:
    """A READY dataset of the session's tenant (another tenant's is ``NotFound``); one
    still profiling, or whose profiling failed, cannot be trained on yet."""
    dataset = await DatasetRepository(session).get(dataset_id)
    if dataset.status != DatasetStatus.READY or dataset.profile is None:
        raise BadUserInput(
            "The dataset is still being profiled; start training once it is READY."
            if dataset.status == DatasetStatus.PROFILING
            else "The dataset failed profiling; upload it again."
        )
    return TrainingData(
        id=dataset.id,
        name=dataset.name,
        content_hash=dataset.content_hash,
        storage_path=dataset.storage_path,
        row_count=dataset.row_count,
        columns=list(dataset.profile.get("columns", [])),
    )


async def profile_summary(session: AsyncSession, dataset_id: uuid.UUID) -> dict[str, Any] | None:
    """A dataset's profile in brief, for a model's documentation (reports/): rows, and per
    column its type and missing share. None once deleted or while unprofiled."""
    dataset = await DatasetRepository(session).find(dataset_id)
    if dataset is None or dataset.profile is None:
        return None
    columns = [
        {
            "name": c.get("name"),
            "type": c.get("type"),
            "missing_percent": c.get("missing_percent"),
            "distinct_count": c.get("distinct_count"),
        }
        for c in dataset.profile.get("columns", [])
    ]
    return {"rows": dataset.row_count, "columns": columns}


async def datasets_uploaded_by(
    session: AsyncSession, subject_id: uuid.UUID
) -> list[SubjectReference]:
    """Datasets the person uploaded. File contents are not scanned for names (out of
    scope): the report names these datasets so the officer can check them."""
    return [
        SubjectReference("datasets", "dataset", str(d.id), f"{d.name} (uploaded by the subject)")
        for d in await DatasetRepository(session).uploaded_by(subject_id)
    ]


register_subject_finder("datasets", datasets_uploaded_by)
register_identifier_source("datasets", IdentifierSource(find=erasure.find, erase=erasure.erase))
