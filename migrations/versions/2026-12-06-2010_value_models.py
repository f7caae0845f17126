"""value: value models; a version's holdout predictions and serving threshold

Revision ID: 9e3b5d1c7a42
Revises: 9b3d5e7f1a20
Create Date: 2026-12-07 11:00:00.000000

Value models are per registered model (row-level security like every tenant table). A
version keeps its holdout's (truth, probability or prediction) pairs, so value is counted
from them; versions trained before have none and say so. ``serving_threshold`` null keeps
the engine's own threshold, as every version had until now.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "9e3b5d1c7a42"
down_revision: str | None = "9b3d5e7f1a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "value_models",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("true_positive_value", sa.Float(), nullable=True),
        sa.Column("true_negative_value", sa.Float(), nullable=True),
        sa.Column("false_positive_cost", sa.Float(), nullable=True),
        sa.Column("false_negative_cost", sa.Float(), nullable=True),
        sa.Column("under_prediction_cost", sa.Float(), nullable=True),
        sa.Column("over_prediction_cost", sa.Float(), nullable=True),
        sa.Column("value_matrix", sa.JSON(), nullable=True),
        sa.Column("matrix_classes", sa.JSON(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("monthly_volume", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["registered_models.id"],
            name=op.f("fk_value_models_model_id_registered_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_value_models_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_models")),
        sa.UniqueConstraint(
            "tenant_id", "model_id", name=op.f("uq_value_models_tenant_id_model_id")
        ),
    )
    op.create_index(op.f("ix_value_models_model_id"), "value_models", ["model_id"], unique=False)
    op.create_index(op.f("ix_value_models_tenant_id"), "value_models", ["tenant_id"], unique=False)
    enable_tenant_rls("value_models")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holdout_predictions", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("serving_threshold", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("serving_threshold")
        batch_op.drop_column("holdout_predictions")
    disable_tenant_rls("value_models")
    op.drop_index(op.f("ix_value_models_tenant_id"), table_name="value_models")
    op.drop_index(op.f("ix_value_models_model_id"), table_name="value_models")
    op.drop_table("value_models")
