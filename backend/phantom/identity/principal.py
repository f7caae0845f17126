from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AuthMethod(StrEnum):
    SESSION = "SESSION"
    API_TOKEN = "API_TOKEN"  # noqa: S105 - an enum value, not a secret


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, in which tenant. The tenant is always the credential's own."""

    user_id: uuid.UUID
    email: str
    display_name: str
    tenant_id: uuid.UUID
    tenant_slug: str
    tenant_name: str
    roles: tuple[str, ...]
    auth_method: AuthMethod
    credential_id: uuid.UUID  # the session's or the API token's id
    csrf_token: str | None = None  # sessions only
    scopes: frozenset[str] | None = None  # an API token's permissions; None: the user's
    # an API token's expiry (None: it never expires, or a session): what it grants may
    # not outlive it (sessions are short and renewed by signing in: not a bound)
    expires_at: datetime | None = None
