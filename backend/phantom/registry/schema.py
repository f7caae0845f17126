"""Model versions' GraphQL types and thin resolvers (names from API.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import Info

from phantom.automl.tasks import METRICS
from phantom.datasets.profiling import ColumnType as ColumnTypeValue
from phantom.datasets.profiling import TaskType as TaskTypeValue
from phantom.datasets.schema import Dataset, visible_dataset
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.kit.errors import Forbidden, NotFound
from phantom.kit.pagination import page_request
from phantom.registry import models
from phantom.registry.loaders import model_name_loader
from phantom.registry.service import registry

ModelStage = strawberry.enum(models.ModelStage, name="ModelStage")


@strawberry.type
class ModelFeature:
    name: str
    type: ColumnTypeValue


@strawberry.type
class ModelVersion:
    id: strawberry.ID
    model_id: strawberry.ID
    version: int
    stage: models.ModelStage
    stage_changed_at: datetime | None
    engine: str = strawberry.field(description='"autogluon", "h2o" or "anomaly".')
    task_type: TaskTypeValue
    target: str | None
    metric: str
    higher_is_better: bool
    best_model_name: str
    features: list[ModelFeature] = strawberry.field(description="The columns predict accepts.")
    classes: list[str] | None = strawberry.field(description="Classifiers: labels as text.")
    dataset_name: str
    dataset_content_hash: str = strawberry.field(description="The exact data it learned from.")
    artifact_bytes: float
    created_at: datetime
    stored_metrics: strawberry.Private[dict[str, float]]
    dataset_id: strawberry.Private[uuid.UUID | None]
    training_job_id: strawberry.Private[uuid.UUID | None]
    created_by_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="Holdout metrics.")
    def metrics(self) -> list[MetricValue]:
        return [MetricValue(name=k, value=v) for k, v in self.stored_metrics.items()]

    @strawberry.field
    async def model_name(self, info: Info[Context, None]) -> str:
        return await model_name_loader(info.context).load(uuid.UUID(str(self.model_id)))

    @strawberry.field(description="Null if the dataset was deleted since.")
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        return await visible_dataset(info, self.dataset_id)

    @strawberry.field
    async def training_job(self, info: Info[Context, None]) -> TrainingJob | None:
        from phantom.automl.service import training

        if self.training_job_id is None:
            return None
        try:
            async with info.context.session() as session:
                job = await training.get(
                    session, info.context.require_principal(), self.training_job_id
                )
        except (NotFound, Forbidden):  # deleted, or the viewer may not see it
            return None
        return TrainingJob.from_model(job)

    @strawberry.field(description="The display name of who started the training.")
    async def created_by(self, info: Info[Context, None]) -> str | None:
        from phantom.identity.loaders import display_name_loader

        if self.created_by_id is None:
            return None
        return await display_name_loader(info.context).load(self.created_by_id)

    @classmethod
    def from_model(cls, v: models.ModelVersion) -> ModelVersion:
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
            features=[
                ModelFeature(name=f["name"], type=ColumnTypeValue(f["type"])) for f in v.features
            ],
            classes=[str(c) for c in v.classes] if v.classes is not None else None,
            dataset_name=v.dataset_name,
            dataset_content_hash=v.dataset_content_hash,
            artifact_bytes=float(v.artifact_bytes),
            created_at=v.created_at,
            stored_metrics=v.metrics,
            dataset_id=v.dataset_id,
            training_job_id=v.training_job_id,
            created_by_id=v.created_by,
        )


@strawberry.type
class RegistryQuery:
    @strawberry.field(extensions=authenticated(), description="models:read.")
    async def model_version(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> ModelVersion | None:
        async with info.context.session() as session:
            version = await registry.get(
                session, info.context.require_principal(), parse_id(id, "Model version")
            )
        return ModelVersion.from_model(version)

    @strawberry.field(extensions=authenticated(), description="models:read; newest first.")
    async def model_versions(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        stage: models.ModelStage | None = None,
    ) -> Connection[ModelVersion]:
        page = page_request(first, after)
        async with info.context.session() as session:
            result = await registry.list(session, info.context.require_principal(), page, stage)
        return Connection.from_page(result, ModelVersion.from_model)


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="models:promote. PRODUCTION archives the model's current production version.",
    )
    async def promote_model_version(
        self, info: Info[Context, None], id: strawberry.ID, stage: models.ModelStage
    ) -> ModelVersion:
        async with info.context.session() as session:
            version = await registry.promote(
                session, info.context.require_principal(), parse_id(id, "Model version"), stage
            )
        return ModelVersion.from_model(version)


from phantom.automl.schema import MetricValue, TrainingJob  # noqa: E402 - mutual references
