"""registry: a model's business line (free text for the executive overview)

Revision ID: 9b3d5e7f1a20
Revises: 4c7e2a9b1f60
Create Date: 2026-12-06 20:00:00.000000

Executives see models in production by owner and business line; the line is set on the
registered model by someone who may promote it. No new table: row-level security of
``registered_models`` already covers it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b3d5e7f1a20"
down_revision: str | None = "4c7e2a9b1f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registered_models", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business_line", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registered_models", schema=None) as batch_op:
        batch_op.drop_column("business_line")
