"""Time-ordered ids (UUID version 7, RFC 9562): the first 48 bits are the Unix time in
milliseconds, so an id says when it was made. Prediction ids use it: an outcome that
arrives weeks later names its prediction, and the id alone narrows the search to the log
files of that millisecond."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)


def uuid7_block(at: datetime, count: int) -> list[uuid.UUID]:
    """``count`` distinct ids stamped with ``at``: one random draw, then consecutive
    values (a 1,000-row request costs one draw, not 1,000)."""
    milliseconds = int(at.timestamp() * 1000)
    base = secrets.randbits(74) & ~0x3FFF  # room for 16,384 consecutive ids
    ids = []
    for index in range(count):
        random = base + index
        value = (milliseconds << 80) | _VERSION_AND_VARIANT
        value |= ((random >> 62) & 0xFFF) << 64 | (random & ((1 << 62) - 1))
        ids.append(uuid.UUID(int=value))
    return ids


def uuid7_time(value: uuid.UUID) -> datetime | None:
    """When a version-7 id was made (to the millisecond); None for any other id."""
    if value.version != 7:
        return None
    return datetime.fromtimestamp((value.int >> 80) / 1000, tz=UTC)
