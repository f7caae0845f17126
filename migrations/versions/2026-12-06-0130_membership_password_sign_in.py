"""memberships.password_sign_in: a password opens only the memberships it was proven for

Revision ID: 4f2a9c6e1d37
Revises: d6524c625c3f
Create Date: 2026-12-06 01:30:00.000000

Users are global, so a password set through one organization's invitation must not open
another organization's membership (issue 10). Existing password members keep signing in
with it; memberships linked to an IdP identity (SSO) do not get password sign-in.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f2a9c6e1d37"
down_revision: str | None = "d6524c625c3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "memberships",
        sa.Column("password_sign_in", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT set_config('app.system', 'on', true)")  # RLS: every tenant's rows
    op.execute(
        "UPDATE memberships SET password_sign_in = true "
        "WHERE status <> 'invited' AND sso_subject IS NULL "
        "AND user_id IN (SELECT id FROM users WHERE password_hash IS NOT NULL)"
    )


def downgrade() -> None:
    op.drop_column("memberships", "password_sign_in")
