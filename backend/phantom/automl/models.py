from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped
from phantom.kit.leases import TERMINAL, JobStatus

__all__ = ["TERMINAL", "Engine", "JobStatus", "TrainingJob"]


class Engine(StrEnum):
    AUTOGLUON = "AUTOGLUON"
    H2O = "H2O"
    SKLEARN = "SKLEARN"  # HistGradientBoosting: fast, scikit-learn only (engines/sklearn.py)


class TrainingJob(TenantScoped, Base):
    """One AutoML run. The row is the source of truth for the job's state: queue messages
    carry only its id. A worker owns the job while its lease holds; ``fencing_token`` grows
    with every claim, and every write of a result is conditioned on the claimer's token,
    so a worker that lost its lease can never overwrite its successor."""

    __tablename__ = "training_jobs"
    __table_args__ = (
        Index("ix_training_jobs_tenant_status_created", "tenant_id", "status", "created_at"),
        Index("ix_training_jobs_status_lease", "status", "lease_expires_at"),
    )

    dataset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    dataset_name: Mapped[str] = mapped_column(String(200))
    dataset_content_hash: Mapped[str] = mapped_column(String(71))
    model_name: Mapped[str] = mapped_column(String(200))
    target: Mapped[str | None] = mapped_column(String(1000))
    requested_task_type: Mapped[str] = mapped_column(String(32))
    task_type: Mapped[str] = mapped_column(String(32))  # resolved at start: never AUTO
    metric: Mapped[str] = mapped_column(String(32))
    engine: Mapped[str] = mapped_column(String(16))
    time_budget_seconds: Mapped[int]
    excluded_columns: Mapped[list[str]] = mapped_column(JSON)
    # columns the fairness report evaluates (also excluded ones: evaluated, not learned from)
    protected_attributes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # how the served model is chosen: FIT_TO_SERVE or BEST_SCORE (automl/fit_to_serve.py)
    serving_choice: Mapped[str] = mapped_column(
        String(16), default="FIT_TO_SERVE", server_default="FIT_TO_SERVE"
    )
    # binary: the class asked to be positive (``positiveClass``); None: the default, the
    # second of the sorted classes
    positive_class: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(32))
    attempt: Mapped[int] = mapped_column(Integer, default=0)  # claims so far
    max_attempts: Mapped[int] = mapped_column(Integer)
    fencing_token: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None]
    enqueued_at: Mapped[datetime | None]  # the last time a message was sent for it
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    cancel_requested_at: Mapped[datetime | None]
    event_seq: Mapped[int] = mapped_column(Integer, default=0)  # last published progress event
    leaderboard: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    feature_importance: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    metrics: Mapped[dict[str, float]] = mapped_column(JSON)
    dropped_columns: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # the fit's random seed (the split, the engine, the bootstrap); a retrain keeps it
    seed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # set when SUCCEEDED: what it takes to train this again (``automl/insights.py``)
    reproducibility: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # FORECASTING only (``automl/forecasting.ForecastSettings``): time column, series id
    # column, horizon, interval level; None for every other task
    forecast: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
