from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class RequestKind(StrEnum):
    ACCESS = "access"  # GDPR art. 15: what we hold about the person
    ERASURE = "erasure"  # GDPR art. 17: crypto-shred their audit data, remove their account


class SubjectKind(StrEnum):
    MEMBER = "member"  # a platform user, named by their email
    IDENTIFIER = "identifier"  # a customer, named by a column and a value in the data


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
    # the subject's user id (pseudonymous once erased); for a customer identifier, a
    # random id that keys the customer's personal data in the audit log
    subject_id: Mapped[uuid.UUID]
    subject_kind: Mapped[str] = mapped_column(
        String(16), default=SubjectKind.MEMBER.value, server_default=SubjectKind.MEMBER.value
    )
    identifier_column: Mapped[str | None] = mapped_column(String(200))
    identifier_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # the value
    # what the last search found, without values: {"datasets": [...], "prediction_rows",
    # "prediction_batches", "models_to_retrain": [...], "searched_at"}
    matches: Mapped[dict[str, Any] | None] = mapped_column(JSON)
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
