"""What every table row has: an id and a UTC creation time. Here, not in ``db``, so
``kit`` (pagination, repositories) can name rows without importing ``db``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
