"""sso: who saved a configuration; every pending invitation expires

Revision ID: 8c41e7a2b5d0
Revises: 3f0b6c2d9e71
Create Date: 2026-12-06 02:00:00.000000

A configuration is only as strong as its saver still is: sign-in bounds its ceiling by
the saver's current permissions. Existing rows take their saver from the tenant's last
``identity.sso.configured`` event (a person or their token); a row with none found
grants nothing until an owner or admin saves it again.

Invitations always expire now (those of SSO-only organizations had no expiry): pending
ones without an expiry get the usual seven days from this upgrade.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import phantom.db

revision: str = "8c41e7a2b5d0"
down_revision: str | None = "3f0b6c2d9e71"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INVITATION_DAYS = 7  # identity.members.INVITATION_DAYS at the time of writing


def upgrade() -> None:
    with op.batch_alter_table("oidc_configs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("saved_by", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_oidc_configs_saved_by_users"),
            "users",
            ["saved_by"],
            ["id"],
            ondelete="SET NULL",
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT set_config('app.system', 'on', true)")  # RLS: every tenant's rows
    op.execute(
        "UPDATE oidc_configs SET saved_by = ("
        " SELECT e.actor_id FROM audit_events e JOIN users u ON u.id = e.actor_id"
        " WHERE e.tenant_id = oidc_configs.tenant_id"
        " AND e.action = 'identity.sso.configured' AND e.actor_type IN ('user', 'token')"
        " ORDER BY e.seq DESC LIMIT 1)"
    )
    memberships = sa.table(
        "memberships",
        sa.column("status", sa.String()),
        sa.column("invite_expires_at", phantom.db.UTCDateTime(timezone=True)),
    )
    op.execute(
        memberships.update()
        .where(memberships.c.status == "invited", memberships.c.invite_expires_at.is_(None))
        .values(invite_expires_at=datetime.now(UTC) + timedelta(days=INVITATION_DAYS))
    )


def downgrade() -> None:
    with op.batch_alter_table("oidc_configs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_oidc_configs_saved_by_users"), type_="foreignkey")
        batch_op.drop_column("saved_by")
