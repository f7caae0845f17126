from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class PredictionBatch(TenantScoped, Base):
    """One flushed batch of the prediction log: a Parquet object in the store (every
    scored row: inputs, outputs, prediction id, time, credential, channel, latency) and
    its SHA-256, which the audit chain also records."""

    __tablename__ = "prediction_batches"
    __table_args__ = (
        Index("ix_prediction_batches_version_time", "model_version_id", "first_at", "last_at"),
    )

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE")
    )
    rows: Mapped[int]
    calls: Mapped[int]
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    storage_key: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(71))
    bytes: Mapped[int] = mapped_column(BigInteger)
