from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class RequestKind(StrEnum):
    ACCESS = "access"  # GDPR art. 15: what we hold about the person
    ERASURE = "erasure"  # GDPR art. 17: crypto-shred their audit data, remove their account


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"


class DataSubjectRequest(TenantScoped, Base):
    """Created by one person, approved by another (four eyes), then executed. The
    subject's email and the report are sealed under the master key; an erasure clears
    the email, so the request itself no longer names the person."""

    __tablename__ = "data_subject_requests"

    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING.value)
    subject_id: Mapped[uuid.UUID]  # the subject's user id (pseudonymous once erased)
    subject_email_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    reason: Mapped[str] = mapped_column(String(500))
    requested_by: Mapped[uuid.UUID]
    decided_by: Mapped[uuid.UUID | None]
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(500))
    executed_by: Mapped[uuid.UUID | None]
    executed_at: Mapped[datetime | None]
    report_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]
