"""approvals: promotion policies and promotion requests (four-eyes promotion)

Revision ID: 5c8e2f7a1d90
Revises: 4f1a7c2e9b30
Create Date: 2026-12-07 09:00:00.000000

At most one PENDING request per model version and stage: a partial unique index. No
policy row is written for existing tenants: they get the defaults (PRODUCTION needs a
second person's approval), as new tenants do; an owner or compliance officer may set
another policy, which is audited (docs/governance.md#existing-organizations).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "5c8e2f7a1d90"
down_revision: str | None = "4f1a7c2e9b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("promotion_policies", "promotion_requests")


def upgrade() -> None:
    op.create_table(
        "promotion_policies",
        sa.Column("production_requires_approval", sa.Boolean(), nullable=False),
        sa.Column("staging_requires_approval", sa.Boolean(), nullable=False),
        sa.Column("request_ttl_hours", sa.Integer(), nullable=False),
        sa.Column("updated_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_promotion_policies_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_policies")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_promotion_policies_tenant_id")),
    )
    op.create_index(
        op.f("ix_promotion_policies_tenant_id"), "promotion_policies", ["tenant_id"], unique=False
    )
    op.create_table(
        "promotion_requests",
        sa.Column("model_version_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("requested_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("report_id", sa.Uuid(), nullable=True),
        sa.Column("report_sha256", sa.String(length=71), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_promotion_requests_model_version_id_model_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_promotion_requests_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_requests")),
    )
    op.create_index(
        op.f("ix_promotion_requests_model_version_id"),
        "promotion_requests",
        ["model_version_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_promotion_requests_tenant_id"), "promotion_requests", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_promotion_requests_status_expires",
        "promotion_requests",
        ["status", "expires_at"],
        unique=False,
    )
    op.create_index(
        "uq_promotion_requests_pending",
        "promotion_requests",
        ["model_version_id", "stage"],
        unique=True,
        postgresql_where=sa.text("status = 'PENDING'"),
        sqlite_where=sa.text("status = 'PENDING'"),
    )
    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TABLES:
        disable_tenant_rls(table)
    op.drop_index(
        "uq_promotion_requests_pending",
        table_name="promotion_requests",
        postgresql_where=sa.text("status = 'PENDING'"),
        sqlite_where=sa.text("status = 'PENDING'"),
    )
    op.drop_index("ix_promotion_requests_status_expires", table_name="promotion_requests")
    op.drop_index(op.f("ix_promotion_requests_tenant_id"), table_name="promotion_requests")
    op.drop_index(op.f("ix_promotion_requests_model_version_id"), table_name="promotion_requests")
    op.drop_table("promotion_requests")
    op.drop_index(op.f("ix_promotion_policies_tenant_id"), table_name="promotion_policies")
    op.drop_table("promotion_policies")
