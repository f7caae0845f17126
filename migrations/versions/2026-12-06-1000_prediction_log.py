"""monitoring: the prediction log's batches

Revision ID: 5e2b9c7a41d3
Revises: 8c41e7a2b5d0
Create Date: 2026-12-06 10:00:00.000000

One row per flushed batch of the prediction log; the rows themselves are Parquet
objects in the store.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "5e2b9c7a41d3"
down_revision: str | None = "8c41e7a2b5d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prediction_batches",
        sa.Column("model_version_id", sa.Uuid(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("first_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=71), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_prediction_batches_model_version_id_model_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_prediction_batches_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_batches")),
    )
    with op.batch_alter_table("prediction_batches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_prediction_batches_version_time",
            ["model_version_id", "first_at", "last_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_prediction_batches_tenant_id"), ["tenant_id"], unique=False
        )
    enable_tenant_rls("prediction_batches")


def downgrade() -> None:
    disable_tenant_rls("prediction_batches")
    with op.batch_alter_table("prediction_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prediction_batches_tenant_id"))
        batch_op.drop_index("ix_prediction_batches_version_time")
    op.drop_table("prediction_batches")
