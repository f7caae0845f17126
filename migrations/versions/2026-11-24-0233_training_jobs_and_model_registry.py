"""training jobs and model registry

Revision ID: 8bcb670d44a3
Revises: a3d5c7e9f1b2
Create Date: 2026-11-24 02:33:28.002839
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "8bcb670d44a3"
down_revision: str | None = "a3d5c7e9f1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registered_models",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("task_type", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=True),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_registered_models_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registered_models")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_registered_models_tenant_id_name")),
    )
    with op.batch_alter_table("registered_models", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registered_models_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "training_jobs",
        sa.Column("dataset_id", sa.Uuid(), nullable=True),
        sa.Column("dataset_name", sa.String(length=200), nullable=False),
        sa.Column("dataset_content_hash", sa.String(length=71), nullable=False),
        sa.Column("model_name", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=True),
        sa.Column("requested_task_type", sa.String(length=32), nullable=False),
        sa.Column("task_type", sa.String(length=32), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("time_budget_seconds", sa.Integer(), nullable=False),
        sa.Column("excluded_columns", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("fencing_token", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("enqueued_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_requested_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("leaderboard", sa.JSON(), nullable=False),
        sa.Column("feature_importance", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("dropped_columns", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_training_jobs_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_training_jobs_dataset_id_datasets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_training_jobs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_jobs")),
    )
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_jobs_created_by"), ["created_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_jobs_dataset_id"), ["dataset_id"], unique=False
        )
        batch_op.create_index(
            "ix_training_jobs_status_lease", ["status", "lease_expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_training_jobs_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_training_jobs_tenant_status_created",
            ["tenant_id", "status", "created_at"],
            unique=False,
        )

    op.create_table(
        "model_versions",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("stage_changed_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("training_job_id", sa.Uuid(), nullable=True),
        sa.Column("dataset_id", sa.Uuid(), nullable=True),
        sa.Column("dataset_name", sa.String(length=200), nullable=False),
        sa.Column("dataset_content_hash", sa.String(length=71), nullable=False),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("task_type", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=True),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("best_model_name", sa.String(length=200), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("classes", sa.JSON(), nullable=True),
        sa.Column("artifact_path", sa.String(length=255), nullable=False),
        sa.Column("artifact_hash", sa.String(length=71), nullable=False),
        sa.Column("artifact_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_model_versions_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_model_versions_dataset_id_datasets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["registered_models.id"],
            name=op.f("fk_model_versions_model_id_registered_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_model_versions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["training_job_id"],
            ["training_jobs.id"],
            name=op.f("fk_model_versions_training_job_id_training_jobs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("model_id", "version", name=op.f("uq_model_versions_model_id_version")),
        sa.UniqueConstraint("training_job_id", name=op.f("uq_model_versions_training_job_id")),
    )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_model_versions_created_by"), ["created_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_model_versions_dataset_id"), ["dataset_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_model_versions_model_id"), ["model_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_model_versions_tenant_id"), ["tenant_id"], unique=False
        )

    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training_max_budget_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("training_max_concurrent_jobs", sa.Integer(), nullable=True))

    for table in ("registered_models", "training_jobs", "model_versions"):
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in ("model_versions", "training_jobs", "registered_models"):
        disable_tenant_rls(table)
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("training_max_concurrent_jobs")
        batch_op.drop_column("training_max_budget_seconds")

    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_versions_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_model_versions_model_id"))
        batch_op.drop_index(batch_op.f("ix_model_versions_dataset_id"))
        batch_op.drop_index(batch_op.f("ix_model_versions_created_by"))

    op.drop_table("model_versions")
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_training_jobs_tenant_status_created")
        batch_op.drop_index(batch_op.f("ix_training_jobs_tenant_id"))
        batch_op.drop_index("ix_training_jobs_status_lease")
        batch_op.drop_index(batch_op.f("ix_training_jobs_dataset_id"))
        batch_op.drop_index(batch_op.f("ix_training_jobs_created_by"))

    op.drop_table("training_jobs")
    with op.batch_alter_table("registered_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registered_models_tenant_id"))

    op.drop_table("registered_models")
