"""authz: casbin rules, custom roles, member status, token scopes, row-level security

Revision ID: 5d1c0a7e2b14
Revises: 909be2ccc658
Create Date: 2026-11-23 23:54:40.972238
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "5d1c0a7e2b14"
down_revision: str | None = "909be2ccc658"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("memberships", "api_tokens", "user_sessions", "custom_roles")
# the built-in viewer's grants when this revision was written: tokens narrowed to
# 'viewer' keep exactly what they could do
VIEWER_SCOPES = [
    "datasets:read",
    "events:read",
    "insights:read",
    "models:read",
    "tokens:create",
    "training:read",
]


def upgrade() -> None:
    op.create_table(
        "casbin_rule",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ptype", sa.String(length=255), nullable=False),
        sa.Column("v0", sa.String(length=255), nullable=True),
        sa.Column("v1", sa.String(length=255), nullable=True),
        sa.Column("v2", sa.String(length=255), nullable=True),
        sa.Column("v3", sa.String(length=255), nullable=True),
        sa.Column("v4", sa.String(length=255), nullable=True),
        sa.Column("v5", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casbin_rule")),
    )
    op.create_index("ix_casbin_rule_ptype_v1", "casbin_rule", ["ptype", "v1"], unique=False)
    op.create_table(
        "custom_roles",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("updated_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_custom_roles_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_roles")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_custom_roles_tenant_id_name")),
    )
    op.create_index(op.f("ix_custom_roles_tenant_id"), "custom_roles", ["tenant_id"], unique=False)

    with op.batch_alter_table("memberships") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="active")
        )
        batch.add_column(
            sa.Column("last_login_at", phantom.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("invite_hash", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("invite_expires_at", phantom.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(op.f("uq_memberships_invite_hash"), ["invite_hash"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scopes", sa.JSON(), nullable=True))

    # roles move from a column to Casbin assignments: g, user, role, tenant
    bind = op.get_bind()
    memberships = sa.table(
        "memberships",
        sa.column("tenant_id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        sa.column("role", sa.String()),
    )
    rules = sa.table(
        "casbin_rule",
        sa.column("ptype", sa.String()),
        sa.column("v0", sa.String()),
        sa.column("v1", sa.String()),
        sa.column("v2", sa.String()),
    )
    rows = bind.execute(
        sa.select(memberships.c.tenant_id, memberships.c.user_id, memberships.c.role)
    )
    assignments = [
        {"ptype": "g", "v0": str(user_id), "v1": role, "v2": str(tenant_id)}
        for tenant_id, user_id, role in rows
    ]
    if assignments:
        op.bulk_insert(rules, assignments)
    tokens = sa.table("api_tokens", sa.column("role", sa.String()), sa.column("scopes", sa.JSON()))
    bind.execute(tokens.update().where(tokens.c.role == "viewer").values(scopes=VIEWER_SCOPES))

    with op.batch_alter_table("memberships") as batch:
        batch.alter_column("status", server_default=None)
        batch.drop_column("role")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("role")

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("role", sa.String(length=64), nullable=True))
        batch.drop_column("scopes")
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=64), nullable=False, server_default="viewer")
        )
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE memberships SET role = (SELECT v1 FROM casbin_rule WHERE ptype = 'g' "
            "AND v0 = CAST(memberships.user_id AS VARCHAR) "
            "AND v2 = CAST(memberships.tenant_id AS VARCHAR) ORDER BY id LIMIT 1) "
            "WHERE EXISTS (SELECT 1 FROM casbin_rule WHERE ptype = 'g' "
            "AND v0 = CAST(memberships.user_id AS VARCHAR))"
        )
    )
    with op.batch_alter_table("memberships") as batch:
        batch.alter_column("role", server_default=None)
        batch.drop_constraint(op.f("uq_memberships_invite_hash"), type_="unique")
        batch.drop_column("sso_subject")
        batch.drop_column("invite_expires_at")
        batch.drop_column("invite_hash")
        batch.drop_column("last_login_at")
        batch.drop_column("status")
    op.drop_index(op.f("ix_custom_roles_tenant_id"), table_name="custom_roles")
    op.drop_table("custom_roles")
    op.drop_index("ix_casbin_rule_ptype_v1", table_name="casbin_rule")
    op.drop_table("casbin_rule")
