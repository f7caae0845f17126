"""Training jobs' GraphQL types and thin resolvers (names from API.md), and the complete
``ModelVersion`` type, which refers to ``TrainingJob`` and back (see ``registry/types.py``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from dataclasses import asdict
from datetime import datetime
from typing import Any

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.approvals.loaders import history_loader
from phantom.approvals.schema import PromotionRequest
from phantom.authz.permissions import P
from phantom.automl import models
from phantom.automl.fit_to_serve import ServingChoice as ServingChoiceValue
from phantom.automl.forecast_schema import Forecast, ForecastRequest
from phantom.automl.forecasting import DEFAULT_LEVEL, ForecastSettings
from phantom.automl.insights_schema import (
    ConfusionMatrix,
    MetricInterval,
    PartialDependence,
    Reproducibility,
    confusion_matrix,
    metric_intervals,
    partial_dependence,
)
from phantom.automl.service import training
from phantom.automl.tasks import DEFAULT_METRIC, METRICS
from phantom.automl.validation import StartRequest, engine_available
from phantom.config import settings
from phantom.datasets.profiling import TaskType as TaskTypeValue
from phantom.datasets.schema import Dataset, visible_dataset
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.identity.loaders import display_name_loader
from phantom.kit import idempotency
from phantom.kit.errors import Forbidden, NotFound
from phantom.kit.events import checked_every
from phantom.kit.pagination import page_request
from phantom.registry.loaders import Insights, version_insights_loader
from phantom.registry.service import registry
from phantom.registry.types import (
    ExplanationSummary,
    MetricValue,
    ModelVersionFields,
    metric_values,
)
from phantom.reports.loaders import reports_loader
from phantom.reports.types import ModelReport

JobStatus = strawberry.enum(models.JobStatus, name="JobStatus")
Engine = strawberry.enum(models.Engine, name="Engine")
ServingChoice = strawberry.enum(
    ServingChoiceValue,
    name="ServingChoice",
    description="How a training job picks the model its version serves.",
)


@strawberry.type
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 = best by the job's metric.")
    model_name: str
    score_validation: float | None = strawberry.field(
        description="In the metric's own units (see higherIsBetter)."
    )
    fit_time_seconds: float | None
    predict_time_seconds: float | None = strawberry.field(
        description="Time to score the engine's validation data."
    )
    score_holdout: float | None = strawberry.field(
        default=None,
        description="On the job's holdout, which no model was fitted on (null: not "
        "measured, e.g. while training or for engines that choose nothing).",
    )
    predict_ms_per_row: float | None = strawberry.field(
        default=None, description="Median time of a one-row predict call, in milliseconds."
    )
    rows_per_second: float | None = strawberry.field(
        default=None, description="Throughput of one 1,000-row predict call."
    )
    served: bool = strawberry.field(
        default=False,
        description="The model the job's model version serves (itself or its refit).",
    )
    refit_model_name: str | None = strawberry.field(
        default=None,
        description="The engine's copy of this model refit on all the data (AutoGluon's "
        "`<name>_FULL`): not another candidate, but how this one is served when it serves. "
        "It has no validation score of its own; holdout figures are the refit's.",
    )
    final_fit: bool = strawberry.field(
        default=True,
        description="False: trained only while the engine tried model combinations on part "
        "of the data (AutoGluon's stacking check), kept so no row shown during the run "
        "vanishes; not a candidate for serving. Ranked below the candidates.",
    )

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> LeaderboardEntry:
        return cls(
            rank=row["rank"],
            model_name=row["model_name"],
            score_validation=row.get("score_validation"),
            fit_time_seconds=row.get("fit_time_seconds"),
            predict_time_seconds=row.get("predict_time_seconds"),
            score_holdout=row.get("score_holdout"),
            predict_ms_per_row=row.get("predict_ms_per_row"),
            rows_per_second=row.get("rows_per_second"),
            served=bool(row.get("served", False)),
            refit_model_name=row.get("refit_model_name"),
            final_fit=bool(row.get("final_fit", True)),
        )


@strawberry.type
class FeatureImportance:
    feature: str
    importance: float = strawberry.field(
        description="Drop of the holdout metric when the feature is shuffled (anomaly "
        "detection without a label: mean change of the anomaly score)."
    )
    stddev: float | None


@strawberry.type
class DroppedColumn:
    column: str
    reason: str


@strawberry.type
class TrainingJob:
    id: strawberry.ID
    status: models.JobStatus
    progress: float = strawberry.field(description="0..1")
    message: str | None
    error: str | None = strawberry.field(description="Why it FAILED or was CANCELLED.")
    error_code: str | None = strawberry.field(
        description="data_error, engine_error, engine_crashed, time_bound, worker_lost, cancelled."
    )
    dataset_name: str
    target: str | None
    requested_task_type: TaskTypeValue
    task_type: TaskTypeValue = strawberry.field(description="Resolved: never AUTO.")
    metric: str
    higher_is_better: bool
    engine: models.Engine
    time_budget_seconds: int
    model_name: str
    excluded_columns: list[str]
    protected_attributes: list[str] = strawberry.field(
        description="Columns its version's fairness report evaluates."
    )
    positive_class: str | None = strawberry.field(
        description="BINARY: the positive class asked for (positiveClass); null: the default, "
        "the second of the sorted classes."
    )
    serving_choice: ServingChoiceValue
    dropped_columns: list[DroppedColumn]
    attempt: int
    max_attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    leaderboard: list[LeaderboardEntry]
    feature_importance: list[FeatureImportance]
    metrics: list[MetricValue] = strawberry.field(description="Holdout metrics.")
    seed: int = strawberry.field(description="The fit's random seed; retrainFromJob keeps it.")
    reproducibility: Reproducibility | None = strawberry.field(
        description="Set when SUCCEEDED (null for jobs that ended before it was recorded)."
    )
    forecast: ForecastRequest | None = strawberry.field(
        description="FORECASTING: the time column, series id column, horizon and interval "
        "level asked; null for the other tasks."
    )
    dataset_id: strawberry.Private[uuid.UUID | None]
    created_by_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="Null if the dataset was deleted since.")
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        return await visible_dataset(info, self.dataset_id)

    @strawberry.field(description="Set when SUCCEEDED.")
    async def model_version(self, info: Info[Context, None]) -> ModelVersion | None:
        if self.status != models.JobStatus.SUCCEEDED:
            return None
        try:
            async with info.context.session() as session:
                version = await registry.of_job(
                    session, info.context.require_principal(), uuid.UUID(str(self.id))
                )
        except Forbidden:  # the viewer may see jobs but not models
            return None
        return ModelVersion.from_model(version) if version else None

    @strawberry.field(description="The display name of who started it.")
    async def created_by(self, info: Info[Context, None]) -> str | None:
        if self.created_by_id is None:
            return None
        return await display_name_loader(info.context).load(self.created_by_id)

    @classmethod
    def from_model(cls, job: models.TrainingJob) -> TrainingJob:
        return cls(
            id=strawberry.ID(str(job.id)),
            status=models.JobStatus(job.status),
            progress=job.progress,
            message=job.message,
            error=job.error,
            error_code=job.error_code,
            dataset_name=job.dataset_name,
            target=job.target,
            requested_task_type=TaskTypeValue(job.requested_task_type),
            task_type=TaskTypeValue(job.task_type),
            metric=job.metric,
            higher_is_better=METRICS[job.metric].higher_is_better,
            engine=models.Engine(job.engine),
            time_budget_seconds=job.time_budget_seconds,
            model_name=job.model_name,
            excluded_columns=list(job.excluded_columns),
            protected_attributes=list(job.protected_attributes or []),
            positive_class=job.positive_class,
            serving_choice=ServingChoiceValue(job.serving_choice),
            dropped_columns=[DroppedColumn(**d) for d in job.dropped_columns],
            attempt=job.attempt,
            max_attempts=job.max_attempts,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            leaderboard=[LeaderboardEntry.from_json(r) for r in job.leaderboard],
            feature_importance=[FeatureImportance(**f) for f in job.feature_importance],
            metrics=metric_values(job.metrics),
            seed=job.seed,
            reproducibility=Reproducibility.from_json(job.reproducibility),
            forecast=ForecastRequest.from_json(job.forecast),
            dataset_id=job.dataset_id,
            created_by_id=job.created_by,
        )


# The registry's fields of a version (registry/types.py) and the fields that reach other
# domains; here, next to TrainingJob, because the two types refer to each other.
@strawberry.type
class ModelVersion(ModelVersionFields):
    @strawberry.field(description="Null if the dataset was deleted since.")
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        return await visible_dataset(info, self.dataset_id)

    @strawberry.field
    async def training_job(self, info: Info[Context, None]) -> TrainingJob | None:
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
        if self.created_by_id is None:
            return None
        return await display_name_loader(info.context).load(self.created_by_id)

    @strawberry.field(description="Its promotion requests and their decisions, newest first.")
    async def approvals(self, info: Info[Context, None]) -> list[PromotionRequest]:
        requests = await history_loader(info.context).load(uuid.UUID(str(self.id)))
        return [PromotionRequest.from_model(r) for r in requests]

    @strawberry.field(description="Generated model reports, newest first (first: 1..100).")
    async def reports(self, info: Info[Context, None], first: int = 10) -> list[ModelReport]:
        found = await reports_loader(info.context, first).load(uuid.UUID(str(self.id)))
        return [ModelReport.from_model(r) for r in found]

    @strawberry.field(description="The newest generated model report, if any.")
    async def latest_report(self, info: Info[Context, None]) -> ModelReport | None:
        found = await reports_loader(info.context, 1).load(uuid.UUID(str(self.id)))
        return ModelReport.from_model(found[0]) if found else None

    @strawberry.field(
        description="Global SHAP on the holdout, beside the training job's permutation "
        "importance (null: trained before it existed, or out of the job's time)."
    )
    async def explanation_summary(self, info: Info[Context, None]) -> ExplanationSummary | None:
        async with info.context.session() as session:
            summary = await registry.explanation_summary(
                session, info.context.require_principal(), uuid.UUID(str(self.id))
            )
        return ExplanationSummary.from_json(summary) if summary else None

    @strawberry.field(
        description="FORECASTING: settings, interval level, backtest against seasonal naive, "
        "and the history tail a chart needs (null for the other tasks)."
    )
    async def forecast(self, info: Info[Context, None]) -> Forecast | None:
        if self.task_type != TaskTypeValue.FORECASTING:
            return None
        async with info.context.session() as session:
            found = await registry.forecast(
                session, info.context.require_principal(), uuid.UUID(str(self.id))
            )
        return Forecast.from_json(found)

    async def _insights(self, info: Info[Context, None]) -> Insights:
        return await version_insights_loader(info.context).load(uuid.UUID(str(self.id)))

    @strawberry.field(
        description="Holdout metrics with percentile bootstrap 95 % intervals (empty: "
        "trained before they were computed, or no time was left)."
    )
    async def metric_intervals(self, info: Info[Context, None]) -> list[MetricInterval]:
        return metric_intervals((await self._insights(info))[0])

    @strawberry.field(description="Classifiers and labelled anomaly detection; else null.")
    async def confusion_matrix(self, info: Info[Context, None]) -> ConfusionMatrix | None:
        return confusion_matrix((await self._insights(info))[0])

    @strawberry.field(
        description="For the most important features (up to 5, by permutation importance)."
    )
    async def partial_dependence(self, info: Info[Context, None]) -> list[PartialDependence]:
        return partial_dependence((await self._insights(info))[0])

    @strawberry.field(description="Null for versions trained before it was recorded.")
    async def reproducibility(self, info: Info[Context, None]) -> Reproducibility | None:
        return Reproducibility.from_json((await self._insights(info))[1])


@strawberry.type
class TrainingEvent:
    job_id: strawberry.ID
    sequence: int = strawberry.field(description="Increases with each event of the job.")
    status: models.JobStatus
    progress: float
    message: str | None
    error: str | None
    leaderboard: list[LeaderboardEntry]
    model_version_id: strawberry.ID | None = strawberry.field(description="Set with SUCCEEDED.")
    occurred_at: datetime

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> TrainingEvent:
        return cls(
            job_id=strawberry.ID(p["jobId"]),
            sequence=p["sequence"],
            status=models.JobStatus(p["status"]),
            progress=p["progress"],
            message=p["message"],
            error=p["error"],
            leaderboard=[LeaderboardEntry.from_json(r) for r in p["leaderboard"]],
            model_version_id=strawberry.ID(p["modelVersionId"]) if p["modelVersionId"] else None,
            occurred_at=datetime.fromisoformat(p["occurredAt"]),
        )


@strawberry.type
class TrainingLimits:
    min_budget_seconds: int
    max_budget_seconds: int
    max_concurrent_jobs: int = strawberry.field(description="Running at once; others wait.")


@strawberry.type
class MetricOption:
    name: str
    description: str
    higher_is_better: bool
    task_types: list[TaskTypeValue]


@strawberry.type
class TrainingOptions:
    limits: TrainingLimits
    metrics: list[MetricOption]
    default_metrics: JSON = strawberry.field(description='{"BINARY": "roc_auc", ...}')
    engines: list[models.Engine] = strawberry.field(description="Available here.")


@strawberry.input
class StartTrainingInput:
    dataset_id: strawberry.ID
    time_budget_seconds: int = strawberry.field(
        description="Seconds for the search: the engine (and the baseline, for AutoGluon and "
        "H2O) fits models within about 90 % of it. Start-up and the evaluation after the "
        "fit (holdout metrics, importance, insights) come on top on a busy host; every job "
        "ends within 1.25 x budget + 30 s (the hard bound), or fails with time_bound."
    )
    target: str | None = strawberry.field(
        default=None,
        description="Required except for ANOMALY_DETECTION, where it is an optional label "
        "column used only for evaluation.",
    )
    task_type: TaskTypeValue = TaskTypeValue.AUTO
    metric: str | None = strawberry.field(default=None, description="Default per task.")
    engine: models.Engine = models.Engine.AUTOGLUON
    model_name: str | None = strawberry.field(
        default=None,
        description='Registry model to add a version to; default "<dataset> · <target>".',
    )
    excluded_columns: list[str] = strawberry.field(
        default_factory=list,
        description="Never used as features (ID-like columns are dropped anyway).",
    )
    protected_attributes: list[str] | None = strawberry.field(
        default=None,
        description="At most 10 columns (each with at most 50 distinct values) whose groups "
        "the version's fairness report compares on the holdout. A protected attribute stays a "
        "feature unless it is also in excludedColumns: then it is evaluated, not learned from.",
    )
    positive_class: str | None = strawberry.field(
        default=None,
        description="BINARY only: the target's class (as text, one of its two values) that "
        "probabilities, the serving threshold, precision/recall/F1/AUC, value, fairness and "
        "monitoring refer to. Default: the second of the sorted classes (1 of 0/1, true of "
        "false/true, 'yes' of 'no'/'yes').",
    )
    serving_choice: ServingChoiceValue = strawberry.field(
        default=ServingChoiceValue.FIT_TO_SERVE,
        description="FIT_TO_SERVE: the fastest model that scores as well as the best on the "
        "holdout (in at least half of paired resamples); BEST_SCORE: the leaderboard's best. "
        "AutoGluon only: the other engines serve their leader.",
    )
    time_column: str | None = strawberry.field(
        default=None,
        description="FORECASTING (required): the column of dates or times (ISO 8601); each "
        "series must have a regular frequency.",
    )
    series_id_column: str | None = strawberry.field(
        default=None,
        description="FORECASTING: the column naming each series (at most 1,000); leave it "
        "out for a single series.",
    )
    horizon: int | None = strawberry.field(
        default=None,
        description="FORECASTING (required): steps to forecast, 1..500; each series needs two "
        "seasons plus three horizons of history (the backtest).",
    )
    interval_level: int | None = strawberry.field(
        default=None,
        description="FORECASTING: the prediction interval, 80 (default) or 95 percent.",
    )


@strawberry.type
class TrainingQuery:
    @strawberry.field(extensions=authenticated(), description="training:read.")
    async def training_job(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> TrainingJob | None:
        job_id = parse_id(id, "Training job")
        async with info.context.session() as session:
            job = await training.get(session, info.context.require_principal(), job_id)
        return TrainingJob.from_model(job)

    @strawberry.field(extensions=authenticated(), description="training:read; newest first.")
    async def training_jobs(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        status: models.JobStatus | None = None,
        dataset_id: strawberry.ID | None = None,
    ) -> Connection[TrainingJob]:
        page = page_request(first, after)
        dataset = parse_id(dataset_id, "Dataset") if dataset_id is not None else None
        async with info.context.session() as session:
            result = await training.list(
                session, info.context.require_principal(), page, status, dataset
            )
        return Connection.from_page(result, TrainingJob.from_model)

    @strawberry.field(extensions=authenticated(), description="training:read.")
    async def training_options(self, info: Info[Context, None]) -> TrainingOptions:
        async with info.context.session() as session:
            limits = await training.limits(session, info.context.require_principal())
        return TrainingOptions(
            limits=TrainingLimits(
                min_budget_seconds=limits.min_budget_seconds,
                max_budget_seconds=limits.max_budget_seconds,
                max_concurrent_jobs=limits.max_concurrent_jobs,
            ),
            metrics=[
                MetricOption(
                    name=m.name,
                    description=m.description,
                    higher_is_better=m.higher_is_better,
                    task_types=sorted(m.tasks, key=list(TaskTypeValue).index),
                )
                for m in METRICS.values()
            ],
            default_metrics=JSON({t.value: m for t, m in DEFAULT_METRIC.items()}),
            engines=[e for e in models.Engine if engine_available(e)],
        )


def forecast_settings(input: StartTrainingInput) -> ForecastSettings | None:
    """The forecasting fields as settings; None when none is given (validation then
    refuses a FORECASTING job without them, and the other tasks with them)."""
    fields = (input.time_column, input.series_id_column, input.horizon, input.interval_level)
    if all(f is None for f in fields):
        return None
    return ForecastSettings(
        time_column=input.time_column or "",
        series_id_column=input.series_id_column,
        horizon=input.horizon if input.horizon is not None else 0,
        level=input.interval_level if input.interval_level is not None else DEFAULT_LEVEL,
    )


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="training:run. Validates the data and the options, then queues the job. "
        + idempotency.DESCRIBED,
    )
    async def start_training(
        self,
        info: Info[Context, None],
        input: StartTrainingInput,
        idempotency_key: str | None = None,
    ) -> TrainingJob:
        request = StartRequest(
            dataset_id=parse_id(input.dataset_id, "Dataset"),
            target=input.target,
            task_type=input.task_type,
            time_budget_seconds=input.time_budget_seconds,
            metric=input.metric,
            engine=input.engine,
            model_name=input.model_name,
            excluded_columns=input.excluded_columns,
            serving_choice=input.serving_choice,
            protected_attributes=input.protected_attributes or [],
            positive_class=input.positive_class,
            forecast=forecast_settings(input),
        )
        principal = info.context.require_principal()
        async with info.context.session() as session:
            job = await idempotency.once_by_id(
                session,
                principal,
                idempotency_key,
                "startTraining",
                asdict(request),
                lambda: training.start(session, principal, request),
                lambda found: training.get(session, principal, found),
            )
        return TrainingJob.from_model(job)

    @strawberry.mutation(
        extensions=authenticated(),
        description="training:run. A new job with the job's dataset (the same bytes), "
        "settings and seed; NOT_FOUND if the dataset was deleted, CONFLICT if it changed.",
    )
    async def retrain_from_job(
        self, info: Info[Context, None], job_id: strawberry.ID
    ) -> TrainingJob:
        source = parse_id(job_id, "Training job")
        async with info.context.session() as session:
            job = await training.retrain(session, info.context.require_principal(), source)
        return TrainingJob.from_model(job)

    @strawberry.mutation(
        extensions=authenticated(),
        description="training:cancel. QUEUED: cancelled at once; RUNNING: the fit is stopped "
        "within seconds.",
    )
    async def cancel_training(self, info: Info[Context, None], id: strawberry.ID) -> TrainingJob:
        job_id = parse_id(id, "Training job")
        async with info.context.session() as session:
            job = await training.cancel(session, info.context.require_principal(), job_id)
        return TrainingJob.from_model(job)


@strawberry.type
class TrainingSubscription:
    @strawberry.subscription(
        extensions=authenticated(),
        description="training:read. The current state first, then each change; ends after "
        "SUCCEEDED, FAILED or CANCELLED.",
    )
    async def training_progress(
        self, info: Info[Context, None], job_id: strawberry.ID
    ) -> AsyncGenerator[TrainingEvent, None]:
        context = info.context
        job = parse_id(job_id, "Training job")
        following = await training.follow(context.require_principal(), job)
        async with following as events:
            async for payload in checked_every(
                events,
                settings.STREAM_REVALIDATE_SECONDS,
                lambda: context.revalidate(P.TRAINING_READ),
            ):
                yield TrainingEvent.from_payload(payload)
