"""serving: the model fit to serve, recorded on the version; the job's serving choice

Revision ID: 1edd10d699d4
Revises: 5e2b9c7a41d3
Create Date: 2026-12-06 11:00:00.000000

A model version records which of its fit's models serves, why (one sentence), and what
a prediction costs (median one-row call, rows per second on a 1,000-row batch); older
versions have none of these. A training job records how the served model is chosen:
FIT_TO_SERVE (the default, and what older jobs would have had) or BEST_SCORE.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1edd10d699d4"
down_revision: str | None = "5e2b9c7a41d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("serving_model", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("serving_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("predict_ms_per_row", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("predict_rows_per_second", sa.Float(), nullable=True))
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "serving_choice",
                sa.String(length=16),
                server_default="FIT_TO_SERVE",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.drop_column("serving_choice")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("predict_rows_per_second")
        batch_op.drop_column("predict_ms_per_row")
        batch_op.drop_column("serving_reason")
        batch_op.drop_column("serving_model")
