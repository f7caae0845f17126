"""reports: model documentation fields, and generated model reports

Revision ID: 5b7e2c9d4a13
Revises: 5c8e2f7a1d90
Create Date: 2026-12-07 10:00:00.000000

Three free-text documentation columns on ``model_versions`` (intended use, owner,
limitations), and ``model_reports``: one row per generated report, its HTML and PDF
objects and their SHA-256s (also recorded in the audit chain).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "5b7e2c9d4a13"
down_revision: str | None = "5c8e2f7a1d90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = phantom.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("intended_use", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("owner", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("limitations", sa.Text(), nullable=True))
    op.create_table(
        "model_reports",
        sa.Column("model_version_id", sa.Uuid(), nullable=False),
        sa.Column("generated_by", sa.Uuid(), nullable=True),
        sa.Column("generated_at", TIME, nullable=False),
        sa.Column("html_key", sa.String(length=255), nullable=False),
        sa.Column("pdf_key", sa.String(length=255), nullable=False),
        sa.Column("html_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["generated_by"],
            ["users.id"],
            name=op.f("fk_model_reports_generated_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_model_reports_model_version_id_model_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_model_reports_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_reports")),
    )
    with op.batch_alter_table("model_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_model_reports_generated_by"), ["generated_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_model_reports_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_model_reports_version_generated",
            ["model_version_id", "generated_at"],
            unique=False,
        )
    enable_tenant_rls("model_reports")


def downgrade() -> None:
    disable_tenant_rls("model_reports")
    with op.batch_alter_table("model_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_model_reports_version_generated")
        batch_op.drop_index(batch_op.f("ix_model_reports_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_model_reports_generated_by"))
    op.drop_table("model_reports")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("limitations")
        batch_op.drop_column("owner")
        batch_op.drop_column("intended_use")
