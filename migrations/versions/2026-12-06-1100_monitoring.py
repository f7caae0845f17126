"""monitoring: model version references, hour windows, outcomes, drift thresholds

Revision ID: 031a1434e35b
Revises: b7e4a19c3d52
Create Date: 2026-12-06 11:00:00.000000

Versions registered before this have no reference (NULL): they are monitored for volume,
latency and errors, without drift.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import phantom.db
from phantom.kit.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "031a1434e35b"
down_revision: str | None = "b7e4a19c3d52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("monitoring_windows", "prediction_outcomes", "monitoring_settings")


def _common(table: str) -> list[Any]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f(f"fk_{table}_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["model_version_id"],
        ["model_versions.id"],
        name=op.f(f"fk_{table}_model_version_id_model_versions"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.JSON(), nullable=True))

    op.create_table(
        "monitoring_windows",
        sa.Column("model_version_id", sa.Uuid(), nullable=False),
        sa.Column("start", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("calls", sa.BigInteger(), nullable=False),
        sa.Column("failed_calls", sa.BigInteger(), nullable=False),
        sa.Column("latency", sa.JSON(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("predictions", sa.JSON(), nullable=True),
        sa.Column("updated_at", phantom.db.UTCDateTime(timezone=True), nullable=True),
        *_common("monitoring_windows"),
        _version_fk("monitoring_windows"),
        sa.UniqueConstraint(
            "model_version_id", "start", name=op.f("uq_monitoring_windows_model_version_id_start")
        ),
    )
    op.create_table(
        "prediction_outcomes",
        sa.Column("model_version_id", sa.Uuid(), nullable=False),
        sa.Column("prediction_id", sa.Uuid(), nullable=False),
        sa.Column("window_start", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("predicted_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actual", sa.String(length=1000), nullable=False),
        sa.Column("predicted", sa.JSON(), nullable=True),
        sa.Column("probabilities", sa.JSON(), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("recorded_at", phantom.db.UTCDateTime(timezone=True), nullable=False),
        *_common("prediction_outcomes"),
        _version_fk("prediction_outcomes"),
        sa.UniqueConstraint(
            "model_version_id",
            "prediction_id",
            name=op.f("uq_prediction_outcomes_model_version_id_prediction_id"),
        ),
    )
    op.create_table(
        "monitoring_settings",
        sa.Column("psi_warn", sa.Double(), nullable=False),
        sa.Column("psi_alert", sa.Double(), nullable=False),
        sa.Column("min_rows", sa.Integer(), nullable=False),
        *_common("monitoring_settings"),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_monitoring_settings_tenant_id")),
    )
    for table, columns in (
        ("monitoring_windows", ("tenant_id", "model_version_id")),
        ("prediction_outcomes", ("tenant_id", "model_version_id", "window_start")),
        ("monitoring_settings", ("tenant_id",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_tenant_rls(table)
        op.drop_table(table)
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_column("reference")
