from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class DatasetStatus(StrEnum):
    PROFILING = "PROFILING"  # a worker job is profiling a large file
    READY = "READY"
    FAILED = "FAILED"
    # rows were erased (a data subject request): a newer version replaces it, its file is
    # deleted, the row stays for the lineage of the models trained on it
    SUPERSEDED = "SUPERSEDED"


class Dataset(TenantScoped, Base):
    """An uploaded table, stored as Parquet in the object store under the tenant's prefix.
    ``storage_path`` is a key built from ids (``kit.storage.tenant_key``), never a name."""

    __tablename__ = "datasets"

    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    original_filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_hash: Mapped[str] = mapped_column(String(71))  # sha256:<64 hex>
    storage_path: Mapped[str] = mapped_column(String(255))
    row_count: Mapped[int | None]
    column_count: Mapped[int | None]
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    profiled_at: Mapped[datetime | None]
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # lineage: an erasure writes a new version without the subject's rows
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    version_number: Mapped[int] = mapped_column(default=1, server_default="1")
