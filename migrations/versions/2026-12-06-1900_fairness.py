"""governance: fairness — the protected attributes a job evaluates, the version's report

Revision ID: 4f1a7c2e9b30
Revises: 9d3f6a1c2b84
Create Date: 2026-12-07 09:00:00.000000

A training job names the columns its fairness report evaluates (older jobs: none). A
model version keeps the report (per attribute: groups, rates, disparities), deferred like
the monitoring reference; null on versions trained before it existed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f1a7c2e9b30"
down_revision: str | None = "9d3f6a1c2b84"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("protected_attributes", sa.JSON(), server_default="[]", nullable=False)
        )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fairness", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("fairness")
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.drop_column("protected_attributes")
