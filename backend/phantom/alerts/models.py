"""Alert rules per model version, alerts, and the streaks of breached windows that rules
with ``windows > 1`` wait for."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped
from phantom.kit.rows import utcnow


class AlertKind(StrEnum):
    """What is judged: monitoring's ``SignalKind`` values."""

    FEATURE_DRIFT = "FEATURE_DRIFT"
    PREDICTION_DRIFT = "PREDICTION_DRIFT"
    ERROR_RATE = "ERROR_RATE"
    LATENCY_P99 = "LATENCY_P99"
    PERFORMANCE = "PERFORMANCE"
    ESTIMATED_PERFORMANCE = "ESTIMATED_PERFORMANCE"


class AlertStatus(StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class AlertSeverity(StrEnum):
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"


class AlertComparison(StrEnum):
    GTE = "GTE"  # fires when the value is at or above the threshold
    LTE = "LTE"  # at or below (performance metrics where higher is better)


ACTIVE = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)


class AlertRule(TenantScoped, Base):
    """One rule of a model version. A version without rule rows uses the defaults
    (``alerts.rules.DEFAULT_RULES``)."""

    __tablename__ = "alert_rules"

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    feature: Mapped[str | None] = mapped_column(String(200))  # None: every feature/metric
    comparison: Mapped[str] = mapped_column(String(8))
    threshold: Mapped[float]
    windows: Mapped[int]
    severity: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class Alert(TenantScoped, Base):
    """A rule that fired. At most one active (open or acknowledged) alert per version,
    kind and subject (the feature, or the metric): a repeat updates it."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_active",
            "model_version_id",
            "kind",
            "subject",
            unique=True,
            postgresql_where=text("status IN ('OPEN', 'ACKNOWLEDGED')"),
            sqlite_where=text("status IN ('OPEN', 'ACKNOWLEDGED')"),
        ),
        Index("ix_alerts_status_created", "status", "created_at"),
    )

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200), default="")  # feature or metric
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=AlertStatus.OPEN.value)
    comparison: Mapped[str] = mapped_column(String(8))
    value: Mapped[float]  # the latest breaching value
    threshold: Mapped[float]
    window: Mapped[str] = mapped_column(String(8))
    window_start: Mapped[datetime]  # the latest breaching window
    count: Mapped[int] = mapped_column(default=1)  # breaching windows seen while active
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    acknowledge_comment: Mapped[str | None] = mapped_column(String(1000), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    resolve_comment: Mapped[str | None] = mapped_column(String(1000), default=None)


class AlertStreak(TenantScoped, Base):
    """How many windows in a row breached one rule (by kind, subject, severity and window
    length), so a rule can wait for N consecutive windows. Re-evaluating the same window
    (an hour still filling) recomputes its contribution instead of counting it twice."""

    __tablename__ = "alert_streaks"
    __table_args__ = (
        UniqueConstraint("model_version_id", "kind", "subject", "severity", "window"),
    )

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16))
    window: Mapped[str] = mapped_column(String(8))
    window_start: Mapped[datetime]
    before: Mapped[int] = mapped_column(default=0)  # the streak up to the previous window
    breached: Mapped[bool] = mapped_column(default=False)  # this window

    @property
    def length(self) -> int:
        return self.before + 1 if self.breached else 0
