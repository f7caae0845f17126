"""The object store: dataset files and, later, model artifacts, over ``fsspec``.

``PHANTOM_STORAGE_URL`` picks the backend: ``file://./var/store`` (default) or
``s3://bucket/prefix`` (install the ``s3`` extra). Keys are built here from ids only
(``tenants/<tenant_id>/<kind>/<object_id><suffix>``): no user input ever reaches a path, so
traversal and cross-tenant names are impossible by construction.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import IO, Any

import fsspec
from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.config import settings
from phantom.kit.transactions import on_commit

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


def tenant_key(
    tenant_id: uuid.UUID, kind: str, object_id: uuid.UUID, suffix: str, day: date | None = None
) -> str:
    """The key of one object of a tenant. ``kind`` and ``suffix`` are code constants;
    ``day`` partitions kinds with many small objects (the prediction log) by date."""
    if not kind.isidentifier() or not (suffix == "" or suffix[1:].isalnum()):
        raise ValueError("storage kinds and suffixes are constants of the code")
    folder = f"tenants/{uuid.UUID(str(tenant_id))}/{kind}"
    if day is not None:
        folder += f"/{day.isoformat()}"
    return f"{folder}/{uuid.UUID(str(object_id))}{suffix}"


class ObjectStore:
    def __init__(self, url: str) -> None:
        self.fs: Any
        self.fs, self.root = fsspec.core.url_to_fs(url)
        self.root = self.root.rstrip("/")

    def path(self, key: str) -> str:
        return f"{self.root}/{key}"

    def write(self, key: str, source: IO[bytes]) -> None:
        """Copy a stream into the object, in chunks; a half-written object is removed."""
        path = self.path(key)
        self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        try:
            with self.fs.open(path, "wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
        except BaseException:
            self.delete(key)
            raise

    def open(self, key: str) -> IO[bytes]:
        stream: IO[bytes] = self.fs.open(self.path(key), "rb")
        return stream

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self.path(key)))

    def delete(self, key: str) -> None:
        """Idempotent: deleting a missing object is not an error (a job may run twice)."""
        try:
            self.fs.rm_file(self.path(key))
        except FileNotFoundError:
            pass


@lru_cache(maxsize=1)
def get_store() -> ObjectStore:
    return ObjectStore(settings.STORAGE_URL)


# --- deletions that survive a store away (the outbox) --------------------------------------


def deletions_table(metadata: MetaData) -> Table:
    """Objects to delete because the transaction that dropped their rows committed.
    Defined here (``kit`` sits below ``db``); ``phantom.models`` puts the same table on the
    one metadata, for migrations and grants."""
    return Table(
        "object_deletions",
        metadata,
        Column("id", Uuid(), primary_key=True),
        Column("key", String(512), nullable=False),
        Column("requested_at", DateTime(timezone=True), nullable=False, index=True),
    )


DELETIONS = deletions_table(MetaData())
SWEEP_BATCH = 500


async def delete_after_commit(session: AsyncSession, keys: Iterable[str]) -> None:
    """Delete these objects once the session commits, for sure: the keys are written in
    the same transaction, deleted right after the commit, and any the store refused then
    (S3 throttling, a network blip) are deleted by ``sweep_deletions`` (every minute)
    until they are gone. A bare after-commit delete that failed left the object for ever:
    an erased dataset's old file kept the personal data its erasure had removed."""
    keys = list(keys)
    if not keys:
        return
    now = datetime.now(UTC)
    await session.execute(
        insert(DELETIONS), [{"id": uuid.uuid4(), "key": key, "requested_at": now} for key in keys]
    )
    on_commit(session, lambda: _delete_now(keys))


def _delete_now(keys: list[str]) -> None:
    store = get_store()
    for key in keys:
        try:
            store.delete(key)
        except Exception as error:  # the sweep tries again; the transaction stands
            log.warning("object deletion deferred to the sweep: %s (%s)", key, error)


async def sweep_deletions(session: AsyncSession) -> tuple[int, int]:
    """(deleted, still failing): each pending deletion tried again; a row goes once its
    object is gone (deleting a missing object succeeds). Rows another sweep holds are
    skipped."""
    rows = (
        await session.execute(
            select(DELETIONS.c.id, DELETIONS.c.key)
            .order_by(DELETIONS.c.requested_at)
            .limit(SWEEP_BATCH)
            .with_for_update(skip_locked=True)
        )
    ).all()
    store = get_store()
    done, failing = [], 0
    for row_id, key in rows:
        try:
            await asyncio.to_thread(store.delete, key)
        except Exception as error:
            log.warning("object deletion failed again: %s (%s)", key, error)
            failing += 1
        else:
            done.append(row_id)
    if done:
        await session.execute(delete(DELETIONS).where(DELETIONS.c.id.in_(done)))
    return len(done), failing
