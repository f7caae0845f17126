"""automl: holdout insights and the reproducibility record; the job's seed

Revision ID: 4c7e2a9b1f60
Revises: 7c41e2a9d5f0
Create Date: 2026-12-07 10:00:00.000000

A model version keeps its insights (bootstrap intervals of the holdout metrics, the
confusion matrix, partial dependence) and its reproducibility record; a training job keeps
the record too, and its seed (every job so far ran with seed 0, the default).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4c7e2a9b1f60"
down_revision: str | None = "7c41e2a9d5f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("insights", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reproducibility", sa.JSON(), nullable=True))
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seed", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("reproducibility", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.drop_column("reproducibility")
        batch_op.drop_column("seed")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("reproducibility")
        batch_op.drop_column("insights")
