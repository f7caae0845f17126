"""GraphQL types of a version's insights and of the reproducibility record, read from
their JSON (shapes in ``automl/insights.py`` and docs/governance.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.type(description="A holdout metric with its percentile bootstrap 95 % interval.")
class MetricInterval:
    metric: str
    value: float = strawberry.field(description="On the whole holdout.")
    low: float = strawberry.field(description="2.5th percentile of the resampled values.")
    high: float = strawberry.field(description="97.5th percentile.")
    resamples: int = strawberry.field(
        description="Bootstrap resamples behind the interval (1,000 unless time ran out)."
    )


@strawberry.type(description="On the holdout, at the threshold predict uses.")
class ConfusionMatrix:
    labels: list[str] = strawberry.field(description="The order of rows and columns.")
    matrix: list[list[int]] = strawberry.field(
        description="matrix[actual][predicted]: holdout rows."
    )
    threshold: float | None = strawberry.field(
        description="Binary: the positive class is predicted when its probability is at "
        "least this; anomaly detection: the score above which a row is anomalous; "
        "multiclass: null (the most probable class)."
    )
    positive_class: str | None


@strawberry.enum
class PartialDependenceKind(StrEnum):
    NUMERIC = "NUMERIC"
    CATEGORICAL = "CATEGORICAL"


@strawberry.type
class PartialDependencePoint:
    x: JSON = strawberry.field(description="The value the feature was set to.")
    y: float = strawberry.field(description="The mean explained quantity over the sample.")


@strawberry.type(
    description="How the explained quantity moves with one feature, the others "
    "as they are in a holdout sample."
)
class PartialDependence:
    feature: str
    kind: PartialDependenceKind
    explained: str = strawberry.field(description='e.g. "probability of fraud".')
    points: list[PartialDependencePoint]


@strawberry.type
class LibraryVersion:
    name: str
    version: str | None = strawberry.field(description="Null: not installed.")


@strawberry.type
class DataSplit:
    train_rows: int
    holdout_rows: int
    holdout_hash: str = strawberry.field(description="SHA-256 of the held-out rows, in order.")


@strawberry.type(description="What it takes to train this again (retrainFromJob).")
class Reproducibility:
    seed: int
    engine: str
    preset: str | None
    time_budget_seconds: int
    libraries: list[LibraryVersion]
    best_model: str
    served_model: str
    hyperparameters: JSON = strawberry.field(
        description="The best model's, as the engine has them."
    )
    dataset_content_hash: str
    excluded_columns: list[str]
    serving_choice: str
    task_type: str
    metric: str
    target: str | None
    split: DataSplit | None

    @classmethod
    def from_json(cls, r: dict[str, Any] | None) -> Reproducibility | None:
        if not r:
            return None
        split = r.get("split")
        return cls(
            seed=r["seed"],
            engine=r["engine"],
            preset=r.get("preset"),
            time_budget_seconds=r["time_budget_seconds"],
            libraries=[LibraryVersion(name=k, version=v) for k, v in r["libraries"].items()],
            best_model=r["best_model"],
            served_model=r["served_model"],
            hyperparameters=JSON(r.get("hyperparameters") or {}),
            dataset_content_hash=r["dataset_content_hash"],
            excluded_columns=list(r["excluded_columns"]),
            serving_choice=r["serving_choice"],
            task_type=r["task_type"],
            metric=r["metric"],
            target=r.get("target"),
            split=DataSplit(**split) if split else None,
        )


def metric_intervals(insights: dict[str, Any] | None) -> list[MetricInterval]:
    return [MetricInterval(**i) for i in (insights or {}).get("metric_intervals") or []]


def confusion_matrix(insights: dict[str, Any] | None) -> ConfusionMatrix | None:
    c = (insights or {}).get("confusion")
    return ConfusionMatrix(**c) if c else None


def partial_dependence(insights: dict[str, Any] | None) -> list[PartialDependence]:
    return [
        PartialDependence(
            feature=p["feature"],
            kind=PartialDependenceKind(p["kind"].upper()),
            explained=p["explained"],
            points=[PartialDependencePoint(x=JSON(q["x"]), y=q["y"]) for q in p["points"]],
        )
        for p in (insights or {}).get("partial_dependence") or []
    ]
