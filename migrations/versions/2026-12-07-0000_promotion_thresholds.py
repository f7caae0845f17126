"""approvals: a promotion request may carry the serving threshold it asks for

Revision ID: 8e4b2d7f1a36
Revises: 8e41c5a2f9d7
Create Date: 2026-12-07 00:00:00.000000

Finding W4-4: a version in a stage that needs a second person's approval keeps the
threshold that was approved; a change is asked for with ``requestPromotion`` and applied
when someone else approves it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e4b2d7f1a36"
down_revision: str | None = "8e41c5a2f9d7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("promotion_requests", sa.Column("serving_threshold", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("promotion_requests", "serving_threshold")
