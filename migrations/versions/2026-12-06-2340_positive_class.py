"""automl: the positive class a binary training job was asked for

Revision ID: 8e41c5a2f9d7
Revises: 3a7c1e9d5b24
Create Date: 2026-12-06 23:40:00.000000

``positiveClass`` on ``startTraining``: null keeps the default (the second of the sorted
classes). The model version records it as the order of its classes (``classes[1]``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e41c5a2f9d7"
down_revision: str | None = "3a7c1e9d5b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "training_jobs", sa.Column("positive_class", sa.String(length=1000), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("training_jobs", "positive_class")
