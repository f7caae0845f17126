"""sso: the permissions a configuration may grant (its saver's, at save time)

Revision ID: 3f0b6c2d9e71
Revises: 4f2a9c6e1d37
Create Date: 2026-12-06 01:30:00.000000

Existing rows get no ceiling (NULL): sign-in then bounds them by the built-in ``admin``
role and never grants ``owner`` until an owner saves the configuration again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f0b6c2d9e71"
down_revision: str | None = "4f2a9c6e1d37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("oidc_configs", sa.Column("grant_ceiling", sa.JSON(), nullable=True))
    op.add_column(
        "oidc_configs",
        sa.Column("grants_owner", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("oidc_configs", "grants_owner")
    op.drop_column("oidc_configs", "grant_ceiling")
