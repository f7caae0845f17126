"""kit: the KMS key ring (master data keys wrapped by AWS KMS)

Revision ID: 3a7c1e9d5b24
Revises: 5d2f8a1c6e93
Create Date: 2026-12-06 22:00:00.000000

With ``PHANTOM_KEY_PROVIDER=aws-kms`` the master keys are data keys from KMS, stored
here only wrapped (``kit/keys.py``): every API and worker process unwraps the same ones.
Per database, not per tenant: no row-level security. Empty with the ``env`` provider.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a7c1e9d5b24"
down_revision: str | None = "5d2f8a1c6e93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "master_data_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("kms_key_arn", sa.String(length=2048), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_master_data_keys")),
        sa.UniqueConstraint("generation", name=op.f("uq_master_data_keys_generation")),
        sa.UniqueConstraint("key_id", name=op.f("uq_master_data_keys_key_id")),
    )


def downgrade() -> None:
    op.drop_table("master_data_keys")
