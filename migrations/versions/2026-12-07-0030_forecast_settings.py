"""automl, registry: forecasting settings on training jobs and model versions

Revision ID: 7f4c2a9e1d36
Revises: 9c4e2b7a1d60
Create Date: 2026-12-07 00:30:00.000000

A FORECASTING job's time column, series id column, horizon and interval level
(``training_jobs.forecast``); on its version, the same with what the fit found (frequency,
season, per-candidate backtest scores, the training data's end, a short history tail per
series for charts: ``model_versions.forecast``). Null for every other task.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7f4c2a9e1d36"
down_revision: str | None = "9c4e2b7a1d60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forecast", sa.JSON(), nullable=True))
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forecast", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("forecast")
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.drop_column("forecast")
