"""The registry's GraphQL types, built from its own rows.

A training job and the model version it produced refer to each other, so the complete
``ModelVersion`` type lives in ``automl/schema.py`` next to ``TrainingJob``: it extends
``ModelVersionFields`` with the fields that reach other domains (the dataset, the
training job, who trained it). The registry's root fields return that complete type, and
no two schema modules import each other."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.automl.tasks import METRICS
from phantom.datasets.profiling import ColumnType as ColumnTypeValue
from phantom.datasets.profiling import TaskType as TaskTypeValue
from phantom.graphql.context import Context
from phantom.registry import models
from phantom.registry.loaders import fairness_loader, model_name_loader

ModelStage = strawberry.enum(models.ModelStage, name="ModelStage")


@strawberry.type
class ModelFeature:
    name: str
    type: ColumnTypeValue


@strawberry.type
class MetricValue:
    name: str
    value: float


def metric_values(values: dict[str, float]) -> list[MetricValue]:
    return [MetricValue(name=k, value=v) for k, v in values.items()]


@strawberry.type(description="What the model did for one group of a protected attribute.")
class FairnessGroup:
    group: str = strawberry.field(description='The value as text; "(missing)" for no value.')
    size: int = strawberry.field(description="Holdout rows in the group.")
    too_small: bool = strawberry.field(
        description="Fewer holdout rows than PHANTOM_FAIRNESS_MIN_GROUP_ROWS (30): shown, but "
        "left out of the disparities."
    )
    selection_rate: float | None = strawberry.field(
        description="Share predicted positive (binary: the positive class; anomaly detection: "
        "anomalous). Null for multiclass and regression."
    )
    true_positive_rate: float | None = strawberry.field(
        description="Null without a label or without an actual positive in the group."
    )
    false_positive_rate: float | None
    accuracy: float | None = strawberry.field(description="Classifiers.")
    error: float | None = strawberry.field(description="Regression: mean absolute error.")
    mean_prediction: float | None = strawberry.field(description="Regression.")


@strawberry.type(description="A disparity between the groups large enough to judge.")
class FairnessDisparity:
    measure: str = strawberry.field(
        description="demographic_parity_difference, demographic_parity_ratio, "
        "equalized_odds_difference; regression: mean_prediction_difference, error_difference."
    )
    value: float | None = strawberry.field(description="Null: fewer than two groups to judge.")
    threshold: float | None = strawberry.field(
        description="0.8 for demographic_parity_ratio (the four-fifths rule); null: reported, "
        "not judged."
    )
    flagged: bool = strawberry.field(description="The value is below the threshold.")
    positive_class: str | None = strawberry.field(
        description="What counts as selected (multiclass: this class, one-vs-rest)."
    )


@strawberry.type(description="Fairness of a version's predictions on its holdout, per attribute.")
class FairnessReport:
    attribute: str
    excluded_from_features: bool = strawberry.field(
        description="Evaluated only: the model never saw this column."
    )
    flagged: bool = strawberry.field(description="Any disparity is flagged.")
    summary: str = strawberry.field(description="The finding in one or two sentences.")
    groups: list[FairnessGroup]
    disparities: list[FairnessDisparity]

    @classmethod
    def from_json(cls, r: dict[str, Any]) -> FairnessReport:
        return cls(
            attribute=r["attribute"],
            excluded_from_features=r["excluded_from_features"],
            flagged=r["flagged"],
            summary=r["summary"],
            groups=[FairnessGroup(**g) for g in r["groups"]],
            disparities=[
                FairnessDisparity(**{"positive_class": None, **d}) for d in r["disparities"]
            ],
        )


@strawberry.type
class SummaryFeature:
    feature: str
    mean_abs_shap: float = strawberry.field(description="Mean |SHAP value| over the rows.")
    points: JSON = strawberry.field(
        description="[[value, shap], ...]: up to 200 rows, for a dot chart."
    )


@strawberry.type(description="Global SHAP on the holdout, computed at training.")
class ExplanationSummary:
    method: str = strawberry.field(description='"tree" (exact) or "kernel" (sampled, Kernel SHAP).')
    explained: str = strawberry.field(description="What the SHAP values are in, in words.")
    rows: int = strawberry.field(description="Holdout rows explained.")
    features: list[SummaryFeature] = strawberry.field(description="Largest mean |SHAP| first.")

    @classmethod
    def from_json(cls, summary: dict[str, Any]) -> ExplanationSummary:
        return cls(
            method=summary["method"],
            explained=summary["explained"],
            rows=summary["rows"],
            features=[
                SummaryFeature(
                    feature=f["feature"],
                    mean_abs_shap=f["mean_abs_shap"],
                    points=JSON(f["points"]),
                )
                for f in summary["features"]
            ],
        )


@strawberry.type
class ModelVersionFields:
    id: strawberry.ID
    model_id: strawberry.ID
    version: int
    stage: models.ModelStage
    stage_changed_at: datetime | None
    engine: str = strawberry.field(
        description='"autogluon", "h2o", "anomaly", "sklearn" or "forecast".'
    )
    task_type: TaskTypeValue
    target: str | None
    metric: str
    higher_is_better: bool
    best_model_name: str = strawberry.field(description="The leaderboard's best.")
    serving_model: str | None = strawberry.field(
        description="The model this version serves (null: trained before this was recorded)."
    )
    serving_reason: str | None = strawberry.field(description="Why that model serves.")
    predict_ms_per_row: float | None = strawberry.field(
        description="Median time of a one-row predict call through the saved model, in ms."
    )
    predict_rows_per_second: float | None = strawberry.field(
        description="Throughput of one 1,000-row predict call through the saved model."
    )
    serving_threshold: float | None = strawberry.field(
        description="Binary: the threshold set with setServingThreshold (null: the engine's)."
    )
    features: list[ModelFeature] = strawberry.field(description="The columns predict accepts.")
    classes: list[str] | None = strawberry.field(description="Classifiers: labels as text.")
    positive_class: str | None = strawberry.field(
        description="BINARY: the class its probabilities, threshold and metrics refer to "
        "(classes[1]; chosen with positiveClass, else the second of the sorted classes)."
    )
    dataset_name: str
    dataset_content_hash: str = strawberry.field(description="The exact data it learned from.")
    artifact_bytes: float
    created_at: datetime
    metrics: list[MetricValue] = strawberry.field(description="Holdout metrics.")
    intended_use: str | None = strawberry.field(description="Documentation: what it is for.")
    owner: str | None = strawberry.field(description="Documentation: a person or team.")
    limitations: str | None = strawberry.field(description="Documentation: known limits.")
    dataset_id: strawberry.Private[uuid.UUID | None]
    training_job_id: strawberry.Private[uuid.UUID | None]
    created_by_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def model_name(self, info: Info[Context, None]) -> str:
        return await model_name_loader(info.context).load(uuid.UUID(str(self.model_id)))

    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry's, with arguments
        description="Per protected attribute named at training, on the holdout; empty when "
        "none was named."
    )
    async def fairness(self, info: Info[Context, None]) -> list[FairnessReport]:
        reports = await fairness_loader(info.context).load(uuid.UUID(str(self.id)))
        return [FairnessReport.from_json(r) for r in reports]

    @classmethod
    def from_model(cls, v: models.ModelVersion) -> Self:
        return cls(
            id=strawberry.ID(str(v.id)),
            model_id=strawberry.ID(str(v.model_id)),
            version=v.version,
            stage=models.ModelStage(v.stage),
            stage_changed_at=v.stage_changed_at,
            engine=v.engine,
            task_type=TaskTypeValue(v.task_type),
            target=v.target,
            metric=v.metric,
            higher_is_better=METRICS[v.metric].higher_is_better,
            best_model_name=v.best_model_name,
            serving_model=v.serving_model,
            serving_reason=v.serving_reason,
            predict_ms_per_row=v.predict_ms_per_row,
            predict_rows_per_second=v.predict_rows_per_second,
            serving_threshold=v.serving_threshold,
            features=[
                ModelFeature(name=f["name"], type=ColumnTypeValue(f["type"])) for f in v.features
            ],
            classes=[str(c) for c in v.classes] if v.classes is not None else None,
            positive_class=str(v.classes[1])
            if v.task_type == "BINARY" and v.classes is not None and len(v.classes) == 2
            else None,
            dataset_name=v.dataset_name,
            dataset_content_hash=v.dataset_content_hash,
            artifact_bytes=float(v.artifact_bytes),
            created_at=v.created_at,
            metrics=metric_values(v.metrics),
            intended_use=v.intended_use,
            owner=v.owner,
            limitations=v.limitations,
            dataset_id=v.dataset_id,
            training_job_id=v.training_job_id,
            created_by_id=v.created_by,
        )
