"""compliance: data subject requests naming a customer identifier; dataset lineage

Revision ID: 5d2f8a1c6e93
Revises: 9e3b5d1c7a42
Create Date: 2026-12-06 21:00:00.000000

A request may name a customer by a column and a value (sealed, like the email) instead
of a member; its match summary (counts, no values) is kept in clear. An erasure writes a
new dataset version without the customer's rows: ``parent_id`` and ``version_number``
record the lineage. No new table: the row-level security of both tables covers them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2f8a1c6e93"
down_revision: str | None = "9e3b5d1c7a42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_subject_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject_kind", sa.String(length=16), nullable=False, server_default="member")
        )
        batch_op.add_column(sa.Column("identifier_column", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("identifier_sealed", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("matches", sa.JSON(), nullable=True))
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("version_number", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_datasets_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_datasets_parent_id_datasets"),
            "datasets",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_datasets_parent_id_datasets"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_datasets_parent_id"))
        batch_op.drop_column("version_number")
        batch_op.drop_column("parent_id")
    with op.batch_alter_table("data_subject_requests", schema=None) as batch_op:
        batch_op.drop_column("matches")
        batch_op.drop_column("identifier_sealed")
        batch_op.drop_column("identifier_column")
        batch_op.drop_column("subject_kind")
