"""A customer's rows in the tenant's datasets: found for an access report, removed for an
erasure (data subject requests, ``compliance.hooks``).

An erasure never edits a dataset in place: each affected dataset gets a NEW version (a
new row, ``parent_id`` the old one, ``version_number`` one more) whose file lacks the
rows. The old version becomes ``SUPERSEDED``, loses its stored profile (top values and
extremes of the erased rows) and its file is deleted once the transaction commits, so
the rows are really gone; its row stays, so the model versions
trained on it still name their training data (the compliance report lists them for
retraining). Files are read one record batch at a time (``kit.rowfilter``), in a thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.compliance.hooks import (
    Identifier,
    IdentifierErased,
    IdentifierMatch,
    scan_stored,
)
from phantom.config import settings
from phantom.datasets.models import Dataset, DatasetStatus
from phantom.datasets.profiling import profile_table
from phantom.datasets.repository import DatasetRepository
from phantom.kit import rowfilter
from phantom.kit.jobs import enqueue_job
from phantom.kit.rows import utcnow
from phantom.kit.storage import delete_after_commit, get_store, tenant_key
from phantom.kit.transactions import on_rollback

log = logging.getLogger(__name__)

ERASED_ACTION = "datasets.dataset.rows_erased"


def _columns(key: str, identifier: Identifier) -> list[str]:
    with get_store().open(key) as source:
        return [n for n in rowfilter.column_names(source) if identifier.matches_column(n)]


def _scan(key: str, identifier: Identifier) -> rowfilter.Found | None:
    return scan_stored(key, identifier, lambda: _columns(key, identifier), "dataset file")


async def find(session: AsyncSession, identifier: Identifier) -> list[IdentifierMatch]:
    found: list[IdentifierMatch] = []
    for dataset in await DatasetRepository(session).with_files():
        scan = await asyncio.to_thread(_scan, dataset.storage_path, identifier)
        if scan is None or scan.row_count == 0:
            continue
        found.append(
            IdentifierMatch(
                domain="datasets",
                kind="dataset",
                id=str(dataset.id),
                facts={"name": dataset.name, "version_number": dataset.version_number},
                row_count=scan.row_count,
                rows=scan.rows,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class _Written:
    removed: int
    kept: int
    size_bytes: int
    content_hash: str
    columns: int
    profile: dict[str, Any] | None


def _rewrite(old_key: str, new_key: str, identifier: Identifier) -> _Written | None:
    """Thread work: the old file without the rows, stored under ``new_key``; None when
    nothing matched (nothing is written)."""
    columns = _columns(old_key, identifier)
    if not columns:
        return None
    with tempfile.TemporaryDirectory(prefix="phantom-erasure-") as workdir:
        path = Path(workdir) / "data.parquet"
        with get_store().open(old_key) as source, path.open("wb") as target:
            result = rowfilter.rewrite_without(source, target, columns, identifier.value)
        if result.removed == 0:
            return None
        digest = hashlib.sha256()
        with path.open("rb") as written:
            for chunk in iter(lambda: written.read(1024 * 1024), b""):
                digest.update(chunk)
        size = path.stat().st_size
        profile = None
        if size <= settings.DATASET_INLINE_PROFILE_BYTES:
            profile = profile_table(pq.read_table(path))
        with path.open("rb") as written:
            get_store().write(new_key, written)
        return _Written(
            removed=result.removed,
            kept=result.kept,
            size_bytes=size,
            content_hash=f"sha256:{digest.hexdigest()}",
            columns=len(pq.ParquetFile(path).schema_arrow.names),
            profile=profile,
        )


async def erase(
    session: AsyncSession, identifier: Identifier, request_id: uuid.UUID
) -> list[IdentifierErased]:
    repo = DatasetRepository(session)
    store = get_store()
    done: list[IdentifierErased] = []
    for dataset in await repo.with_files(for_update=True):
        new_id = uuid.uuid4()
        new_key = tenant_key(dataset.tenant_id, "datasets", new_id, ".parquet")
        on_rollback(session, lambda key=new_key: store.delete(key))  # type: ignore[misc]
        try:
            written = await asyncio.to_thread(_rewrite, dataset.storage_path, new_key, identifier)
        except FileNotFoundError:
            log.warning("dataset file missing during an erasure: %s", dataset.storage_path)
            continue
        if written is None:
            continue
        inline = written.profile is not None
        successor = Dataset(
            id=new_id,
            name=dataset.name,
            status=(DatasetStatus.READY if inline else DatasetStatus.PROFILING).value,
            source_format=dataset.source_format,
            original_filename=dataset.original_filename,
            size_bytes=written.size_bytes,
            content_hash=written.content_hash,
            storage_path=new_key,
            row_count=written.kept,
            column_count=written.columns,
            profile=written.profile,
            profiled_at=utcnow() if inline else None,
            created_by=dataset.created_by,
            parent_id=dataset.id,
            version_number=dataset.version_number + 1,
        )
        await repo.add(successor)
        old_key = dataset.storage_path
        dataset.status = DatasetStatus.SUPERSEDED.value
        # the stored profile lists top values and extremes of the erased rows too: with
        # the file gone, it would be the last copy of the customer's identifier and data
        dataset.profile = None
        dataset.error = (
            f"Rows were erased by a data subject request; version {successor.version_number} "
            f"({successor.id}) replaces this one."
        )
        await delete_after_commit(session, [old_key])
        await audit.record(
            session,
            actor=audit.Actor.system("compliance.erasure"),
            action=ERASED_ACTION,
            resource=("dataset", dataset.id),
            details={
                "data_subject_request_id": str(request_id),
                "new_dataset_id": str(successor.id),
                "new_version_number": successor.version_number,
                "rows_removed": written.removed,
                "rows_kept": written.kept,
                "content_hash": written.content_hash,
            },
        )
        if not inline:
            enqueue_job(
                session, "datasets.profile", tenant_id=dataset.tenant_id, dataset_id=successor.id
            )
        done.append(
            IdentifierErased(
                domain="datasets",
                kind="dataset",
                id=str(dataset.id),
                facts={
                    "name": dataset.name,
                    "version_number": dataset.version_number,
                    "new_dataset_id": str(successor.id),
                    "new_version_number": successor.version_number,
                },
                rows_removed=written.removed,
            )
        )
    return done
