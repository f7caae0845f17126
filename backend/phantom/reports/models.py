from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class ModelReport(TenantScoped, Base):
    """One generated report of a model version: its HTML and PDF in the object store and
    their SHA-256s, which the audit chain also records (so an edited row proves nothing)."""

    __tablename__ = "model_reports"
    __table_args__ = (
        Index("ix_model_reports_version_generated", "model_version_id", "generated_at"),
    )

    model_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE")
    )
    generated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    generated_at: Mapped[datetime]
    html_key: Mapped[str] = mapped_column(String(255))
    pdf_key: Mapped[str] = mapped_column(String(255))
    html_sha256: Mapped[str] = mapped_column(String(64))  # hex, no prefix
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)  # HTML plus PDF
