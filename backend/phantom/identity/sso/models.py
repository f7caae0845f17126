from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped
from phantom.kit.rows import utcnow


class OidcConfig(TenantScoped, Base):
    """A tenant's OpenID Provider: at most one per tenant. The client secret is sealed
    with AES-256-GCM under a key derived from the master key, bound to the tenant."""

    __tablename__ = "oidc_configs"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    issuer: Mapped[str] = mapped_column(String(2048))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    allowed_email_domains: Mapped[list[str]] = mapped_column(JSON)
    default_role: Mapped[str] = mapped_column(String(64))
    role_claim: Mapped[str | None] = mapped_column(String(100))
    role_mapping: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    sso_required: Mapped[bool] = mapped_column(default=False)
    # What the configuration may grant at sign-in: the permissions of the credential that
    # saved it (None: saved before this rule, bounded by the built-in admin role), and
    # whether that credential was an owner's.
    grant_ceiling: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    grants_owner: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Who saved it: at each sign-in the ceiling is bounded by this member's *current*
    # permissions (none once they are deactivated or gone, NULL included).
    saved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
