"""Audit tables. Event headers and checkpoints are append-only for the application's
database role (``info={"append_only": True}``: ``phantom migrate`` grants it only INSERT
and SELECT); event details live apart so retention can delete them while the headers
and hashes stay."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped
from phantom.kit.rows import IdMixin

APPEND_ONLY = {"append_only": True}
READ_ONLY = {"read_only": True}  # the application's role may only SELECT (migrations write)


class AuditEvent(TenantScoped, Base):
    """One event of a tenant's chain. ``hash`` covers the previous event's hash, every
    header column below and ``details_digest`` (the SHA-256 of the details ciphertext),
    so details can be purged by retention without breaking the chain."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        Index("ix_audit_events_tenant_action", "tenant_id", "action"),
        Index("ix_audit_events_tenant_actor", "tenant_id", "actor_id"),
        Index("ix_audit_events_tenant_resource", "tenant_id", "resource_type", "resource_id"),
        Index("ix_audit_events_tenant_occurred", "tenant_id", "occurred_at"),
        {"info": APPEND_ONLY},
    )

    seq: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime]
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None]
    credential_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    resource_type: Mapped[str | None] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[str | None] = mapped_column(String(64))
    subjects: Mapped[str] = mapped_column(String(2000))  # space-separated subject ids
    key_id: Mapped[uuid.UUID]  # the data key that encrypted the details
    details_digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # HMAC-SHA256 under the tenant's MAC key (``proof.event_mac``): the database role
    # alone cannot write an event that verifies. NULL only for events written before MACs
    # existed, at or below the tenant's ``AuditMacEpoch``.
    mac: Mapped[bytes | None] = mapped_column(LargeBinary(32))


class AuditEventDetails(TenantScoped, Base):
    """The encrypted details of one event (AES-256-GCM, bound to tenant and seq)."""

    __tablename__ = "audit_event_details"
    __table_args__ = (UniqueConstraint("tenant_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class AuditCheckpoint(TenantScoped, Base):
    """An Ed25519 signature over the chain head (tenant, seq, hash, time)."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        {"info": APPEND_ONLY},
    )

    seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signed_at: Mapped[datetime]
    signing_key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class AuditKey(TenantScoped, Base):
    """A tenant's data key (kind ``data``) or checkpoint signing key (kind ``signing``),
    wrapped by the master key (``kit.crypto.seal``). Keys are never deleted while events
    refer to them; rotation starts a new one and marks the old retired."""

    __tablename__ = "audit_keys"

    kind: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(16))  # which master key wrapped it
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))  # signing keys
    public_key_id: Mapped[str | None] = mapped_column(String(32))
    first_seq: Mapped[int | None] = mapped_column(BigInteger)  # data keys: first event
    retired_at: Mapped[datetime | None]


class AuditSubjectKey(TenantScoped, Base):
    """A data subject's key for the personal data inside event details. Erasure destroys
    it (``wrapped`` = NULL): that data becomes unreadable; the chain is untouched."""

    __tablename__ = "audit_subject_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "subject_id"),)

    subject_id: Mapped[uuid.UUID]
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    master_key_id: Mapped[str | None] = mapped_column(String(16))
    destroyed_at: Mapped[datetime | None]


class AuditChainHead(Base):
    """The tip of a tenant's chain. Appends lock this row, so every process appends in
    one gapless order per tenant; the lock is held until the caller's transaction ends."""

    __tablename__ = "audit_chain_heads"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    data_key_id: Mapped[uuid.UUID | None]
    checkpoint_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    checkpoint_at: Mapped[datetime | None]


class AuditMacEpoch(Base):
    """The last event of a tenant written before event MACs existed, fixed by the
    migration that introduced them. The application's role may only read it, so it cannot
    widen the MAC-less prefix; a tenant without a row has MACs on every event."""

    __tablename__ = "audit_mac_epochs"
    __table_args__ = ({"info": READ_ONLY},)

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    pre_mac_through_seq: Mapped[int] = mapped_column(BigInteger)


class AuditRetentionPolicy(TenantScoped, Base):
    """How long event details are kept; headers and hashes are kept for ever."""

    __tablename__ = "audit_retention_policies"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    details_days: Mapped[int | None]  # None: keep details for ever
    updated_at: Mapped[datetime]
    updated_by: Mapped[uuid.UUID | None]
    purged_through_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class KeyCanary(IdMixin, Base):
    """One value per database sealed under the master key, opened at start-up: a wrong
    ``PHANTOM_MASTER_KEY`` stops the process before it writes data nobody can read."""

    __tablename__ = "master_key_canaries"

    name: Mapped[str] = mapped_column(String(32), unique=True)
    master_key_id: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
