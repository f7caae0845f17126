"""kit: idempotency keys (Stripe's contract, kit/idempotency.py)

Revision ID: 9c4e2b7a1d60
Revises: 2c9d4e6f8a13
Create Date: 2026-12-07 00:20:00.000000

One row per (tenant, caller, key): the key's SHA-256, the request's fingerprint and what
rebuilds the first answer (an id, or a bulk write's summary). Tenant-owned, with
row-level security; purged after 24 h by the tenant's housekeeping.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "9c4e2b7a1d60"
down_revision: str | None = "2c9d4e6f8a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_idempotency_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint(
            "tenant_id",
            "scope",
            "key_hash",
            name=op.f("uq_idempotency_keys_tenant_id_scope_key_hash"),
        ),
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False
    )
    enable_tenant_rls("idempotency_keys")


def downgrade() -> None:
    disable_tenant_rls("idempotency_keys")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
