"""monitoring: a tenant's own retention of the prediction log

Revision ID: 9d3f6a1c2b84
Revises: 031a1434e35b
Create Date: 2026-12-06 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "9d3f6a1c2b84"
down_revision: str | None = "031a1434e35b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prediction_log_retention",
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_prediction_log_retention_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_log_retention")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_prediction_log_retention_tenant_id")),
    )
    with op.batch_alter_table("prediction_log_retention", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prediction_log_retention_tenant_id"), ["tenant_id"], unique=False
        )
    enable_tenant_rls("prediction_log_retention")


def downgrade() -> None:
    disable_tenant_rls("prediction_log_retention")
    with op.batch_alter_table("prediction_log_retention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prediction_log_retention_tenant_id"))
    op.drop_table("prediction_log_retention")
