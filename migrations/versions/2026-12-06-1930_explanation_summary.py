"""explanations: a model version's global SHAP summary on its holdout

Revision ID: 7c41e2a9d5f0
Revises: 5b7e2c9d4a13
Create Date: 2026-12-08 10:00:00.000000

Computed at training (``explain/summary.py``) and read only by the model page: deferred
on the ORM side. Null for versions trained before it existed, or when it could not be
computed within the job's time (the model is kept either way).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c41e2a9d5f0"
down_revision: str | None = "5b7e2c9d4a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("explanation_summary", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("explanation_summary")
