"""kit: object deletions that survive a store away (the outbox)

Revision ID: 2c9d4e6f8a13
Revises: 8e4b2d7f1a36
Create Date: 2026-12-07 00:10:00.000000

A stored object whose rows were deleted (a dataset, an erased dataset's old file, a
prediction log batch past retention, a batch output) is listed here in the same
transaction and deleted after the commit; what the store refused then is deleted by the
``ops.sweep_deletions`` job. Per database, not per tenant: no row-level security (the
keys hold ids only).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2c9d4e6f8a13"
down_revision: str | None = "8e4b2d7f1a36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "object_deletions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_object_deletions")),
    )
    op.create_index(op.f("ix_object_deletions_requested_at"), "object_deletions", ["requested_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_object_deletions_requested_at"), table_name="object_deletions")
    op.drop_table("object_deletions")
