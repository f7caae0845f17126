"""sso: per-tenant OpenID Connect configuration

Revision ID: 7c3e9f1a4b20
Revises: 5d1c0a7e2b14
Create Date: 2026-11-24 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "7c3e9f1a4b20"
down_revision: str | None = "5d1c0a7e2b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oidc_configs",
        sa.Column("issuer", sa.String(length=2048), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("allowed_email_domains", sa.JSON(), nullable=False),
        sa.Column("default_role", sa.String(length=64), nullable=False),
        sa.Column("role_claim", sa.String(length=100), nullable=True),
        sa.Column("role_mapping", sa.JSON(), nullable=False),
        sa.Column("sso_required", sa.Boolean(), nullable=False),
        sa.Column("updated_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_oidc_configs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_configs")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_oidc_configs_tenant_id")),
    )
    op.create_index(op.f("ix_oidc_configs_tenant_id"), "oidc_configs", ["tenant_id"], unique=False)
    enable_tenant_rls("oidc_configs")


def downgrade() -> None:
    disable_tenant_rls("oidc_configs")
    op.drop_index(op.f("ix_oidc_configs_tenant_id"), table_name="oidc_configs")
    op.drop_table("oidc_configs")
