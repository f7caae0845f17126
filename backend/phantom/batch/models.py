"""A batch prediction job: a model version scoring a whole dataset into a Parquet file.

Runs like a training job (``kit/leases.py``): the row is the job's state, a worker owns it
while its lease holds, and every write of a result is conditioned on the claimer's
``fencing_token``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped
from phantom.kit.leases import TERMINAL, JobStatus

__all__ = ["TERMINAL", "BatchPredictionJob", "JobStatus"]


class BatchPredictionJob(TenantScoped, Base):
    __tablename__ = "batch_prediction_jobs"
    __table_args__ = (
        Index("ix_batch_prediction_jobs_status_lease", "status", "lease_expires_at"),
        Index("ix_batch_prediction_jobs_tenant_version", "tenant_id", "model_version_id"),
    )

    model_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL")
    )
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    dataset_name: Mapped[str] = mapped_column(String(200))
    dataset_content_hash: Mapped[str] = mapped_column(String(71))
    rows_total: Mapped[int | None] = mapped_column(BigInteger)  # the dataset's, if profiled
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    rows_scored: Mapped[int] = mapped_column(BigInteger, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(32))
    attempt: Mapped[int] = mapped_column(Integer, default=0)  # claims so far
    max_attempts: Mapped[int] = mapped_column(Integer)
    fencing_token: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None]
    enqueued_at: Mapped[datetime | None]  # the last time a message was sent for it
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    cancel_requested_at: Mapped[datetime | None]
    event_seq: Mapped[int] = mapped_column(Integer, default=0)  # last published progress event
    output_path: Mapped[str | None] = mapped_column(String(300))  # store key, once SUCCEEDED
    output_bytes: Mapped[int | None] = mapped_column(BigInteger)
    output_hash: Mapped[str | None] = mapped_column(String(71))  # sha256:<hex>
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
