"""Monitoring's tables: the prediction log's batches (serving writes them), per-hour
window aggregates, outcomes, and per-tenant thresholds."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
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


class MonitoringWindow(TenantScoped, Base):
    """One hour of one model version's traffic as mergeable counts (``windows.py``): a day
    is the sum of its hours, and drift is computed from these, never from raw rows."""

    __tablename__ = "monitoring_windows"
    __table_args__ = (UniqueConstraint("model_version_id", "start"),)

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[datetime]  # the hour, UTC
    rows: Mapped[int] = mapped_column(BigInteger, default=0)
    calls: Mapped[int] = mapped_column(BigInteger, default=0)
    failed_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    latency: Mapped[list[int]] = mapped_column(JSON)  # calls per LATENCY_EDGES bin
    # {feature: {"counts": [...], "missing": n}} in the reference's bins
    features: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {"counts", "missing", and "sums" (binary) or "confidence" (multiclass)}; None without
    # a reference
    predictions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime | None]


class PredictionOutcome(TenantScoped, Base):
    """What actually happened for one logged prediction, with what was predicted and the
    window it was predicted in (realized performance per window). One per prediction: a
    later outcome for the same prediction replaces the earlier one."""

    __tablename__ = "prediction_outcomes"
    __table_args__ = (UniqueConstraint("model_version_id", "prediction_id"),)

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    prediction_id: Mapped[uuid.UUID]
    window_start: Mapped[datetime] = mapped_column(index=True)
    predicted_at: Mapped[datetime]
    actual: Mapped[str] = mapped_column(String(1000))
    predicted: Mapped[Any] = mapped_column(JSON, nullable=True)
    probabilities: Mapped[dict[str, float] | None] = mapped_column(JSON)
    score: Mapped[float | None]
    recorded_at: Mapped[datetime]


class MonitoringSettings(TenantScoped, Base):
    """A tenant's drift thresholds; no row: the deployment's defaults
    (``PHANTOM_MONITORING_*``)."""

    __tablename__ = "monitoring_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    psi_warn: Mapped[float]
    psi_alert: Mapped[float]
    min_rows: Mapped[int]


class PredictionLogRetention(TenantScoped, Base):
    """How long a tenant keeps its raw prediction log (days); no row: the deployment's
    ``PHANTOM_PREDICTION_LOG_RETENTION_DAYS``. Aggregates are kept either way."""

    __tablename__ = "prediction_log_retention"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    days: Mapped[int]
