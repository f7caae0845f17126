"""IDs in arguments: a malformed id answers like an unknown one (NOT_FOUND), so probing
with junk learns nothing an unknown id would not tell."""

from __future__ import annotations

import uuid

import strawberry

from phantom.kit.errors import NotFound


def parse_id(value: strawberry.ID | str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(what) from None
