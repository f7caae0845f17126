"""Webhooks a tenant registered, and one delivery row per event per webhook."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped
from phantom.kit.rows import utcnow


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # not tried yet
    RETRYING = "RETRYING"  # tried and failed; tried again at ``next_attempt_at``
    DELIVERED = "DELIVERED"  # the receiver answered 2xx
    FAILED = "FAILED"  # out of attempts, or refused by policy (never retried)


class Webhook(TenantScoped, Base):
    """A receiver URL and the events it wants. The signing secret is sealed under the
    master key, bound to the tenant and the webhook (a row copied elsewhere won't open)."""

    __tablename__ = "webhooks"

    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON)
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class WebhookDelivery(TenantScoped, Base):
    """One event for one webhook: the exact body (retries send the same bytes), and the
    state of its attempts. ``claimed_until`` is the lease of the worker sending it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    webhook_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID]
    event: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
