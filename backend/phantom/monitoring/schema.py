"""Monitoring's GraphQL: ``modelHealth``, ``refreshModelHealth``, ``recordOutcomes`` and
the tenant's drift thresholds (names from API.md, "Wave 2 names"). Thin over the
service; the types mirror ``monitoring/health.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry
from strawberry import Info

from phantom.config import settings
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.kit import idempotency
from phantom.monitoring import drift as d
from phantom.monitoring import health as h
from phantom.monitoring.outcomes import OutcomeIn, RecordedOutcomes
from phantom.monitoring.outcomes import outcomes as outcomes_service
from phantom.monitoring.service import monitoring, prediction_log_retention
from phantom.registry.types import MetricValue, metric_values

HealthWindow = strawberry.enum(h.HealthWindow, name="HealthWindow")
DriftStatus = strawberry.enum(
    d.DriftStatus,
    name="DriftStatus",
    description="INSUFFICIENT_DATA: fewer rows than minRows in the window (small windows "
    "inflate PSI). NO_REFERENCE: the version was trained before references were kept, or "
    "the feature is not monitored (datetimes).",
)


@strawberry.type
class DistributionBin:
    label: str
    reference_share: float = strawberry.field(description="Share of the training rows.")
    current_share: float = strawberry.field(description="Share of the window's rows.")


@strawberry.type
class FeatureDrift:
    feature: str
    kind: str = strawberry.field(
        description="numeric, categorical or skipped; for predictions: probability, "
        "class, value or score."
    )
    psi: float | None
    distance: float | None = strawberry.field(
        description="Kolmogorov-Smirnov (numbers) or Jensen-Shannon distance (categories)."
    )
    distance_name: str | None = strawberry.field(description='"ks" or "jensen_shannon".')
    status: d.DriftStatus
    importance: float | None = strawberry.field(
        description="Permutation importance at training (the summary's weight)."
    )
    rows: int
    p_value: float | None = strawberry.field(
        description="Chi-squared test of the two distributions: at or above 0.001 the "
        "difference is sampling noise and not read as drift, whatever the PSI."
    )
    bins: list[DistributionBin] = strawberry.field(
        description="Both distributions, for the drill-down; the last bin is missing values."
    )

    @classmethod
    def from_result(cls, f: h.FeatureDrift) -> Self:
        return cls(
            feature=f.feature,
            kind=f.kind,
            psi=f.psi,
            distance=f.distance,
            distance_name=f.distance_name,
            status=f.status,
            importance=f.importance,
            rows=f.rows,
            p_value=f.p_value,
            bins=[
                DistributionBin(label=b.label, reference_share=b.reference, current_share=b.current)
                for b in f.bins
            ],
        )


@strawberry.type
class WindowFeatureDrift:
    feature: str
    psi: float | None
    status: d.DriftStatus


@strawberry.type
class ModelHealthWindow:
    start: datetime
    end: datetime
    predictions: int = strawberry.field(description="Rows scored.")
    calls: int
    failed: int = strawberry.field(description="Calls the engine failed (their rows unscored).")
    error_rate: float | None
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    status: d.DriftStatus = strawberry.field(description="Importance-weighted drift summary.")
    drift: list[WindowFeatureDrift]
    prediction_psi: float | None
    outcomes: int
    performance: list[MetricValue] = strawberry.field(description="Realized, from outcomes.")
    estimated_performance: list[MetricValue] = strawberry.field(
        description="CBPE from the probabilities (binary; multiclass: accuracy)."
    )

    @classmethod
    def from_result(cls, w: h.WindowHealth) -> Self:
        return cls(
            start=w.start,
            end=w.end,
            predictions=w.predictions,
            calls=w.calls,
            failed=w.failed,
            error_rate=w.error_rate,
            latency_p50_ms=w.latency_p50_ms,
            latency_p99_ms=w.latency_p99_ms,
            status=w.status,
            drift=[
                WindowFeatureDrift(feature=f.feature, psi=f.psi, status=f.status) for f in w.drift
            ],
            prediction_psi=w.prediction_drift.psi if w.prediction_drift is not None else None,
            outcomes=w.outcomes,
            performance=metric_values(w.performance),
            estimated_performance=metric_values(w.estimated_performance),
        )


@strawberry.type
class DriftThresholds:
    psi_warn: float
    psi_alert: float
    min_rows: int = strawberry.field(description="Fewer rows in a window: INSUFFICIENT_DATA.")

    @classmethod
    def from_result(cls, t: d.Thresholds) -> Self:
        return cls(psi_warn=t.psi_warn, psi_alert=t.psi_alert, min_rows=t.min_rows)


@strawberry.type
class ModelHealth:
    model_version_id: strawberry.ID
    window: h.HealthWindow
    since: datetime
    has_reference: bool = strawberry.field(
        description="False for versions trained before references were kept: no drift."
    )
    status: d.DriftStatus = strawberry.field(description="Of the latest window with enough rows.")
    predictions: int = strawberry.field(description="Rows scored since `since`.")
    latest_window_start: datetime | None = strawberry.field(
        description="The window `drift` and `predictionDrift` describe."
    )
    drift: list[FeatureDrift]
    prediction_drift: FeatureDrift | None
    metric: str = strawberry.field(description="The version's metric (its alerts judge it).")
    outcomes: int
    performance: list[MetricValue] = strawberry.field(
        description="Realized, over every outcome since `since`."
    )
    estimated_performance: list[MetricValue] = strawberry.field(
        description="CBPE over every prediction since `since`."
    )
    reference_performance: list[MetricValue] = strawberry.field(description="On the holdout.")
    thresholds: DriftThresholds
    windows: list[ModelHealthWindow]

    @classmethod
    def from_result(cls, r: h.Health) -> Self:
        return cls(
            model_version_id=strawberry.ID(str(r.model_version_id)),
            window=r.window,
            since=r.since,
            has_reference=r.has_reference,
            status=r.status,
            predictions=r.predictions,
            latest_window_start=r.latest.start if r.latest is not None else None,
            drift=[FeatureDrift.from_result(f) for f in r.drift],
            prediction_drift=FeatureDrift.from_result(r.prediction_drift)
            if r.prediction_drift is not None
            else None,
            metric=r.metric,
            outcomes=r.outcomes,
            performance=metric_values(r.performance),
            estimated_performance=metric_values(r.estimated_performance),
            reference_performance=metric_values(r.reference_performance),
            thresholds=DriftThresholds.from_result(r.thresholds),
            windows=[ModelHealthWindow.from_result(w) for w in r.windows],
        )


@strawberry.input
class OutcomeInput:
    prediction_id: strawberry.ID = strawberry.field(
        description="From the predict answer's predictionIds."
    )
    actual: str = strawberry.field(
        description="The class, the number, or (anomaly detection) true/false."
    )


@strawberry.type
class OutcomeError:
    row: int = strawberry.field(description="1-based position in the list sent.")
    prediction_id: str | None
    message: str


@strawberry.type
class RecordOutcomesResult:
    recorded: int = strawberry.field(description="New outcomes.")
    replaced: int = strawberry.field(description="Outcomes that replaced an earlier one.")
    unknown: list[str] = strawberry.field(
        description="Prediction ids the log does not hold for this version (first 100)."
    )
    unknown_count: int
    errors: list[OutcomeError] = strawberry.field(description="Rows refused (first 100).")
    error_count: int

    @classmethod
    def from_result(cls, r: RecordedOutcomes) -> Self:
        return cls(
            recorded=r.recorded,
            replaced=r.replaced,
            unknown=r.unknown,
            unknown_count=r.unknown_count,
            errors=[
                OutcomeError(row=e.row, prediction_id=e.prediction_id, message=e.message)
                for e in r.errors
            ],
            error_count=r.error_count,
        )


@strawberry.type
class PredictionLogRetention:
    days: int = strawberry.field(description="Raw scored rows older than this are deleted.")
    default_days: int = strawberry.field(
        description="The deployment's default (PHANTOM_PREDICTION_LOG_RETENTION_DAYS)."
    )


def _retention(days: int) -> PredictionLogRetention:
    return PredictionLogRetention(days=days, default_days=settings.PREDICTION_LOG_RETENTION_DAYS)


@strawberry.type
class MonitoringQuery:
    @strawberry.field(
        extensions=authenticated(),
        description="models:read. Per window (HOUR, the default: the last 24 h unless `since`, "
        "at most 31 days; DAY: the last 30 days, at most 366): volume, latency, errors, drift, "
        "realized and estimated performance. Computed from stored aggregates.",
    )
    async def model_health(
        self,
        info: Info[Context, None],
        model_version_id: strawberry.ID,
        window: h.HealthWindow | None = None,
        since: datetime | None = None,
    ) -> ModelHealth:
        version_id = parse_id(model_version_id, "Model version")
        async with info.context.session() as session:
            result = await monitoring.health(
                session,
                info.context.require_principal(),
                version_id,
                window or h.HealthWindow.HOUR,
                since,
            )
        return ModelHealth.from_result(result)

    @strawberry.field(extensions=authenticated(), description="models:read.")
    async def monitoring_thresholds(self, info: Info[Context, None]) -> DriftThresholds:
        async with info.context.session() as session:
            result = await monitoring.thresholds(session, info.context.require_principal())
        return DriftThresholds.from_result(result)

    @strawberry.field(
        extensions=authenticated(),
        description="retention:manage. How long raw scored rows (the prediction log) are "
        "kept; aggregates, drift and outcomes are kept either way.",
    )
    async def prediction_log_retention(self, info: Info[Context, None]) -> PredictionLogRetention:
        async with info.context.session() as session:
            days = await prediction_log_retention.days(session, info.context.require_principal())
        return _retention(days)


@strawberry.type
class MonitoringMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="models:promote. Compute the health now and let the alert rules judge "
        "its latest window (the periodic job does it every PHANTOM_MONITORING_REFRESH_SECONDS).",
    )
    async def refresh_model_health(
        self, info: Info[Context, None], model_version_id: strawberry.ID
    ) -> ModelHealth:
        version_id = parse_id(model_version_id, "Model version")
        async with info.context.session() as session:
            result = await monitoring.refresh(session, info.context.require_principal(), version_id)
        return ModelHealth.from_result(result)

    @strawberry.mutation(
        extensions=authenticated(),
        description="predictions:run. What actually happened for logged predictions; a "
        "later outcome for the same prediction replaces the earlier one. Thousands at once: "
        "POST /api/v1/models/<modelVersionId>/outcomes (JSON or CSV). " + idempotency.DESCRIBED,
    )
    async def record_outcomes(
        self,
        info: Info[Context, None],
        model_version_id: strawberry.ID,
        outcomes: list[OutcomeInput],
        idempotency_key: str | None = None,
    ) -> RecordOutcomesResult:
        version_id = parse_id(model_version_id, "Model version")
        rows = [OutcomeIn(prediction_id=o.prediction_id, actual=o.actual) for o in outcomes]
        async with info.context.session() as session:
            result = await outcomes_service.record_once(
                session, info.context.require_principal(), idempotency_key, version_id, rows
            )
        return RecordOutcomesResult.from_result(result)

    @strawberry.mutation(
        extensions=authenticated(),
        description="models:promote. The organization's drift thresholds (PSI) and the "
        "window size below which drift is INSUFFICIENT_DATA.",
    )
    async def set_monitoring_thresholds(
        self, info: Info[Context, None], psi_warn: float, psi_alert: float, min_rows: int
    ) -> DriftThresholds:
        async with info.context.session() as session:
            result = await monitoring.set_thresholds(
                session, info.context.require_principal(), psi_warn, psi_alert, min_rows
            )
        return DriftThresholds.from_result(result)

    @strawberry.mutation(
        extensions=authenticated(),
        description="retention:manage. Keep raw scored rows this many days (1 to 3650); "
        "null returns to the deployment's default. Older batches go at the next "
        "housekeeping run.",
    )
    async def set_prediction_log_retention(
        self, info: Info[Context, None], days: int | None = None
    ) -> PredictionLogRetention:
        async with info.context.session() as session:
            result = await prediction_log_retention.set_days(
                session, info.context.require_principal(), days
            )
        return _retention(result)
