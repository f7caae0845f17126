"""batch prediction jobs

Revision ID: 6e65afb94b52
Revises: 1edd10d699d4
Create Date: 2026-12-06 11:00:00.000000

A model version scoring a whole dataset into a stored Parquet file, leased and fenced
like a training job (``kit/leases.py``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "6e65afb94b52"
down_revision: str | None = "1edd10d699d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = phantom.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "batch_prediction_jobs",
        sa.Column("model_version_id", sa.Uuid(), nullable=True),
        sa.Column("dataset_id", sa.Uuid(), nullable=True),
        sa.Column("dataset_name", sa.String(length=200), nullable=False),
        sa.Column("dataset_content_hash", sa.String(length=71), nullable=False),
        sa.Column("rows_total", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("rows_scored", sa.BigInteger(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("fencing_token", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", TIME, nullable=True),
        sa.Column("enqueued_at", TIME, nullable=True),
        sa.Column("started_at", TIME, nullable=True),
        sa.Column("finished_at", TIME, nullable=True),
        sa.Column("cancel_requested_at", TIME, nullable=True),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("output_path", sa.String(length=300), nullable=True),
        sa.Column("output_bytes", sa.BigInteger(), nullable=True),
        sa.Column("output_hash", sa.String(length=71), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_batch_prediction_jobs_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_batch_prediction_jobs_dataset_id_datasets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_batch_prediction_jobs_model_version_id_model_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_batch_prediction_jobs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_prediction_jobs")),
    )
    with op.batch_alter_table("batch_prediction_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_batch_prediction_jobs_created_by"), ["created_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_batch_prediction_jobs_dataset_id"), ["dataset_id"], unique=False
        )
        batch_op.create_index(
            "ix_batch_prediction_jobs_status_lease", ["status", "lease_expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_batch_prediction_jobs_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            "ix_batch_prediction_jobs_tenant_version",
            ["tenant_id", "model_version_id"],
            unique=False,
        )
    enable_tenant_rls("batch_prediction_jobs")


def downgrade() -> None:
    disable_tenant_rls("batch_prediction_jobs")
    op.drop_table("batch_prediction_jobs")
