"""A tenant's promotion policy and its promotion requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class PromotionStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"  # and promoted, in the same transaction
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"  # not decided before expires_at
    WITHDRAWN = "WITHDRAWN"  # by the requester


class PromotionPolicy(TenantScoped, Base):
    """Which stages need a second person's approval. No row: the defaults (PRODUCTION
    does, STAGING does not, requests last ``PHANTOM_PROMOTION_REQUEST_TTL_HOURS``)."""

    __tablename__ = "promotion_policies"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    production_requires_approval: Mapped[bool]
    staging_requires_approval: Mapped[bool]
    request_ttl_hours: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by: Mapped[uuid.UUID | None]


class PromotionRequest(TenantScoped, Base):
    """One request to move a version to a stage. ``requested_by`` and ``decided_by`` are
    user ids without a foreign key: the four-eyes rule must hold even after a member is
    removed (compliance's data subject requests keep theirs the same way). The report
    columns name the model documentation the approver saw (wired by the report work)."""

    __tablename__ = "promotion_requests"
    __table_args__ = (
        # one open request per version and stage; a second names the first
        Index(
            "uq_promotion_requests_pending",
            "model_version_id",
            "stage",
            unique=True,
            postgresql_where=text("status = 'PENDING'"),
            sqlite_where=text("status = 'PENDING'"),
        ),
        Index("ix_promotion_requests_status_expires", "status", "expires_at"),
    )

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    justification: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[uuid.UUID]
    requested_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    decided_by: Mapped[uuid.UUID | None]
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    report_id: Mapped[uuid.UUID | None]  # no foreign key yet (the report work adds one)
    report_sha256: Mapped[str | None] = mapped_column(String(71))
    # binary classifiers: the threshold to serve once approved (None: keep the version's)
    serving_threshold: Mapped[float | None] = mapped_column(Float)
