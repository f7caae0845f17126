"""The object store: dataset files and, later, model artifacts, over ``fsspec``.

``PHANTOM_STORAGE_URL`` picks the backend: ``file://./var/store`` (default) or
``s3://bucket/prefix`` (install the ``s3`` extra). Keys are built here from ids only
(``tenants/<tenant_id>/<kind>/<object_id><suffix>``): no user input ever reaches a path, so
traversal and cross-tenant names are impossible by construction.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from functools import lru_cache
from typing import IO, Any

import fsspec

from phantom.config import settings

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
