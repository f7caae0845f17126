"""datasets: uploaded tables, stored as Parquet, with their profiles

Revision ID: a3d5c7e9f1b2
Revises: ed676c2e1ce1
Create Date: 2026-11-24 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "a3d5c7e9f1b2"
down_revision: str | None = "ed676c2e1ce1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_hash", sa.String(length=71), nullable=False),
        sa.Column("storage_path", sa.String(length=255), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=True),
        sa.Column("column_count", sa.Integer(), nullable=True),
        sa.Column("profile", sa.JSON(), nullable=True),
        sa.Column("profiled_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_datasets_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_datasets_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
    )
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_datasets_created_by"), ["created_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_datasets_tenant_id"), ["tenant_id"], unique=False)
    enable_tenant_rls("datasets")


def downgrade() -> None:
    disable_tenant_rls("datasets")
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_datasets_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_datasets_created_by"))
    op.drop_table("datasets")
