"""audit: a MAC on every event, and the tenant's last event written before MACs existed

Events written from now on carry ``mac`` (HMAC-SHA256 under the tenant's MAC key, sealed
under the master key). Events already in a chain have none: ``audit_mac_epochs`` fixes,
per tenant, the last seq written before this migration. Verification accepts an event
without a MAC only at or below it (those are trusted as before: by the hash chain and the
signed checkpoints). The application's role may only read that table (``phantom
migrate`` revokes the rest), so it cannot widen the MAC-less prefix. Stop the previous
version's processes before migrating: an event they append afterwards has no MAC and is
reported as forged.

Revision ID: d6524c625c3f
Revises: 8bcb670d44a3
Create Date: 2026-12-06 01:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "d6524c625c3f"
down_revision: str | None = "8bcb670d44a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.LargeBinary(length=32), nullable=True))
    op.create_table(
        "audit_mac_epochs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("pre_mac_through_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_audit_mac_epochs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_audit_mac_epochs")),
        info={"read_only": True},
    )
    enable_tenant_rls("audit_mac_epochs")
    if op.get_bind().dialect.name == "postgresql":
        # every tenant's head, with appends held off until this transaction commits
        op.execute("SELECT set_config('app.system', 'on', true)")
        op.execute("LOCK TABLE audit_chain_heads IN SHARE ROW EXCLUSIVE MODE")
    op.execute(
        "INSERT INTO audit_mac_epochs (tenant_id, pre_mac_through_seq) "
        "SELECT tenant_id, last_seq FROM audit_chain_heads"
    )


def downgrade() -> None:
    disable_tenant_rls("audit_mac_epochs")
    op.drop_table("audit_mac_epochs")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("mac")
