from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from phantom.db import Base, TenantScoped
from phantom.kit.rows import IdMixin


class Tenant(IdMixin, Base):
    __tablename__ = "tenants"

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None: the deployment's defaults (``PHANTOM_TRAINING_MAX_*``)
    training_max_budget_seconds: Mapped[int | None]
    training_max_concurrent_jobs: Mapped[int | None]


class User(IdMixin, Base):
    """A person. Users are global; what they may do in a tenant comes from a membership."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: SSO-only
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    INVITED = "invited"  # waits for the person to set a password or sign in with SSO
    DEACTIVATED = "deactivated"


class Membership(TenantScoped, Base):
    """A user's place in a tenant. Roles are Casbin assignments (``authz``), not columns."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=MembershipStatus.ACTIVE.value)
    last_login_at: Mapped[datetime | None]
    invite_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[datetime | None]
    sso_subject: Mapped[str | None] = mapped_column(String(255))  # the IdP's `sub`, once linked
    # The user's password opens this membership only once the person proved it here
    # (accepting this invitation with it, or creating the tenant): users are global, and
    # a password set through another organization must not open this one.
    password_sign_in: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship(lazy="raise")


class ApiToken(TenantScoped, Base):
    """An integrator's credential. Only the SHA-256 of the secret is stored: the secret
    has 256 bits of entropy, so a fast hash is safe and allows an indexed lookup."""

    __tablename__ = "api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str] | None] = mapped_column(JSON)  # None: all of the user's

    owner: Mapped[User] = relationship(lazy="raise")
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class UserSession(TenantScoped, Base):
    """A browser session, revocable server side. The cookie holds the secret; we keep
    its SHA-256 and the CSRF token the SPA must echo in ``X-CSRF-Token``."""

    __tablename__ = "user_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
