from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class ModelStage(StrEnum):
    NONE = "NONE"  # registered, not yet promoted
    STAGING = "STAGING"
    PRODUCTION = "PRODUCTION"  # at most one version per model
    ARCHIVED = "ARCHIVED"


class RegisteredModel(TenantScoped, Base):
    """A named model of a tenant; its versions come from training jobs."""

    __tablename__ = "registered_models"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    task_type: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(1000))
    latest_version: Mapped[int] = mapped_column(default=0)
    # free text for the executive overview ("Retail credit"); set by who may promote
    business_line: Mapped[str | None] = mapped_column(String(200), default=None)


class ModelVersion(TenantScoped, Base):
    """A trained, archived predictor with its lineage: the dataset (id and content hash,
    so the exact bytes are known even after the dataset is deleted), the job, the engine.
    ``features`` is the input schema prediction validates rows against."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("model_id", "version"),)

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("registered_models.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    stage: Mapped[str] = mapped_column(String(16))
    stage_changed_at: Mapped[datetime | None]
    training_job_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("training_jobs.id", ondelete="SET NULL"), unique=True
    )
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    dataset_name: Mapped[str] = mapped_column(String(200))
    dataset_content_hash: Mapped[str] = mapped_column(String(71))
    engine: Mapped[str] = mapped_column(String(16))  # autogluon, h2o, anomaly, sklearn
    task_type: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(1000))
    metric: Mapped[str] = mapped_column(String(32))
    metrics: Mapped[dict[str, float]] = mapped_column(JSON)
    best_model_name: Mapped[str] = mapped_column(String(200))  # the leaderboard's best
    # what the artefact serves and why (automl/fit_to_serve.py); null on older versions
    serving_model: Mapped[str | None] = mapped_column(String(200))
    serving_reason: Mapped[str | None] = mapped_column(Text)
    predict_ms_per_row: Mapped[float | None] = mapped_column(Float)  # median one-row call
    predict_rows_per_second: Mapped[float | None] = mapped_column(Float)  # 1,000-row batch
    features: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    classes: Mapped[list[Any] | None] = mapped_column(JSON)
    artifact_path: Mapped[str] = mapped_column(String(255))
    artifact_hash: Mapped[str] = mapped_column(String(71))
    artifact_bytes: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # what monitoring compares production with (``monitoring/reference.py``); None for
    # versions trained before it existed: they have no drift, only volume and latency
    reference: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    # per protected attribute, group sizes, rates and disparities on the holdout
    # (``automl/fairness.py``); None: trained before fairness existed, [] none was named
    fairness: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, deferred=True)
    # the model documentation people write (reports/: ``setModelDocumentation``); free
    # text, bounded by the service, escaped wherever it is shown
    intended_use: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(Text)  # a person or a team
    limitations: Mapped[str | None] = mapped_column(Text)
    # global SHAP on the holdout (``explain/summary.py``; shape in docs/governance.md);
    # None for versions trained before it existed or when it did not fit in the job's time
    explanation_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    # intervals, confusion matrix, partial dependence; the reproducibility record
    # (``automl/insights.py``); None for versions trained before they existed
    insights: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    reproducibility: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    # the holdout's (truth, positive-class probability) or (truth, prediction) pairs
    # (``automl/holdout.py``): what the value domain recomputes; None before they existed
    holdout_predictions: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    # binary classifiers: the positive class's probability above which predict answers the
    # positive class (``setServingThreshold``); None: the engine's own decision threshold
    serving_threshold: Mapped[float | None] = mapped_column(Float)
    # FORECASTING only: the job's settings (horizon, interval level...) and what the fit
    # found (frequency, season, backtest scores, the data's end, a history tail per series
    # for charts; ``engines/forecast.py``); None for every other task
    forecast: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
