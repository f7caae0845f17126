"""The overviews' root fields: thin resolvers over ``overview/service.py``; every figure
is computed there from the owning domains' services."""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry import Info

from phantom.alerts.service import SEVERITIES
from phantom.authz.permissions import P
from phantom.config import settings
from phantom.graphql.context import Context
from phantom.graphql.permissions import authenticated
from phantom.kit.events import checked_every
from phantom.overview import service as s
from phantom.overview.service import overview
from phantom.registry.service import ProductionVersion


def _hours(since: datetime | None, now: datetime) -> float | None:
    return round((now - since).total_seconds() / 3600, 2) if since else None


@strawberry.type(description="A model version, named.")
class ModelReference:
    model_version_id: strawberry.ID
    model_name: str
    version: int

    @classmethod
    def of(cls, version: ProductionVersion | s.ModelLabel) -> ModelReference:
        number = version.version
        return cls(
            model_version_id=strawberry.ID(str(version.id)),
            model_name=version.model_name,
            version=number,
        )


@strawberry.type(description="A model's production version as the executive overview shows it.")
class ProductionModelSummary:
    model_version_id: strawberry.ID
    model_name: str
    version: int
    owner: str | None = strawberry.field(description="The version's documentation owner.")
    business_line: str | None
    in_production_since: datetime | None
    last_validated_at: datetime | None = strawberry.field(
        description="The newest approved promotion or generated report of the version."
    )

    @classmethod
    def of(cls, m: s.ProductionModel) -> ProductionModelSummary:
        v = m.version
        return cls(
            model_version_id=strawberry.ID(str(v.id)),
            model_name=v.model_name,
            version=v.version,
            owner=v.owner,
            business_line=v.business_line,
            in_production_since=v.stage_changed_at,
            last_validated_at=m.last_validated_at,
        )


@strawberry.type(description="Rows scored on one UTC day.")
class DailyPredictionVolume:
    day: str = strawberry.field(description="The UTC day, YYYY-MM-DD.")
    realtime: int = strawberry.field(description="Real-time rows (the prediction log).")
    batch: int = strawberry.field(description="Rows scored by batch jobs finished that day.")
    total: int


@strawberry.type
class PredictionVolume:
    days: list[DailyPredictionVolume] = strawberry.field(description="Oldest first, every day.")
    realtime_total: int
    batch_total: int
    total: int
    previous_total: int = strawberry.field(description="The same number of days just before.")
    trend: float | None = strawberry.field(
        description="(total - previousTotal) / previousTotal; null without a previous volume."
    )

    @classmethod
    def of(cls, v: s.Volume) -> PredictionVolume:
        return cls(
            days=[
                DailyPredictionVolume(
                    day=d.day.isoformat(),
                    realtime=d.realtime,
                    batch=d.batch,
                    total=d.realtime + d.batch,
                )
                for d in v.days
            ],
            realtime_total=sum(d.realtime for d in v.days),
            batch_total=sum(d.batch for d in v.days),
            total=v.total,
            previous_total=v.previous_total,
            trend=v.trend,
        )


@strawberry.type(description="Unresolved (open or acknowledged) alerts of one severity.")
class AlertSeverityCount:
    severity: str = strawberry.field(description="WARNING or CRITICAL.")
    count: int


@strawberry.type
class PendingApprovals:
    count: int
    oldest_requested_at: datetime | None
    oldest_age_hours: float | None


@strawberry.type(description="Training jobs created in the period.")
class TrainingActivity:
    jobs: int
    succeeded: int
    finished: int
    success_rate: float | None = strawberry.field(description="Succeeded among finished jobs.")
    compute_seconds: float = strawberry.field(description="Sum of finished minus started.")


@strawberry.type(description="A production model's value this month, from its value model.")
class ModelMonthValue:
    model: ModelReference
    currency: str
    predictions: int = strawberry.field(description="This month's, real-time and batch.")
    value_per_prediction: float | None = strawberry.field(
        description="Expected: the holdout's, at the serving threshold. null: see unavailable."
    )
    expected_value: float | None = strawberry.field(description="valuePerPrediction * predictions.")
    planned_monthly_value: float | None = strawberry.field(
        description="valuePerPrediction * the value model's monthly volume."
    )
    realized_predictions: int = strawberry.field(
        description="This month's predictions with a recorded outcome."
    )
    realized_value: float = strawberry.field(
        description="What those predictions were worth, from their outcomes."
    )
    expected_value_of_realized: float | None = strawberry.field(
        description="valuePerPrediction * realizedPredictions: what realizedValue compares to."
    )
    unavailable: str | None = strawberry.field(description="Why there is no expected value.")

    @classmethod
    def of(cls, m: s.ModelMonthValue) -> ModelMonthValue:
        v = m.value
        per = v.value_per_prediction
        return cls(
            model=ModelReference.of(m.version),
            currency=v.currency,
            predictions=m.predictions,
            value_per_prediction=per,
            expected_value=m.expected,
            planned_monthly_value=m.planned,
            realized_predictions=v.realized_predictions,
            realized_value=v.realized,
            expected_value_of_realized=None if per is None else per * v.realized_predictions,
            unavailable=v.unavailable,
        )


@strawberry.type(description="This month's value of the production models in one currency.")
class CurrencyValueTotal:
    currency: str
    expected_value: float
    planned_monthly_value: float
    realized_value: float
    expected_value_of_realized: float


def _totals(values: list[ModelMonthValue]) -> list[CurrencyValueTotal]:
    """Sums per currency of the models that have an expected value (never mixed)."""
    totals: dict[str, CurrencyValueTotal] = {}
    for v in values:
        if v.value_per_prediction is None:
            continue
        t = totals.setdefault(
            v.currency,
            CurrencyValueTotal(
                currency=v.currency,
                expected_value=0.0,
                planned_monthly_value=0.0,
                realized_value=0.0,
                expected_value_of_realized=0.0,
            ),
        )
        t.expected_value += v.expected_value or 0.0
        t.planned_monthly_value += v.planned_monthly_value or 0.0
        t.realized_value += v.realized_value
        t.expected_value_of_realized += v.expected_value_of_realized or 0.0
    return [totals[c] for c in sorted(totals)]


@strawberry.type(description="What an executive sees on opening the app.")
class ExecutiveOverview:
    period_days: int
    since: datetime
    until: datetime
    models_in_production: list[ProductionModelSummary]
    prediction_volume: PredictionVolume
    open_alerts: list[AlertSeverityCount]
    pending_approvals: PendingApprovals
    training: TrainingActivity
    month_start: datetime = strawberry.field(description="This calendar month's start, UTC.")
    value_this_month: list[ModelMonthValue] = strawberry.field(
        description="Production models that have a value model, since monthStart."
    )
    value_totals: list[CurrencyValueTotal] = strawberry.field(
        description="valueThisMonth summed per currency."
    )

    @classmethod
    def of(cls, o: s.ExecutiveOverview) -> ExecutiveOverview:
        values = [ModelMonthValue.of(m) for m in o.values]
        return cls(
            period_days=o.period_days,
            since=o.since,
            until=o.until,
            models_in_production=[ProductionModelSummary.of(m) for m in o.models],
            prediction_volume=PredictionVolume.of(o.volume),
            open_alerts=[
                AlertSeverityCount(severity=level, count=o.alerts_by_severity.get(level, 0))
                for level in SEVERITIES
            ],
            pending_approvals=PendingApprovals(
                count=o.approvals.count,
                oldest_requested_at=o.approvals.oldest_requested_at,
                oldest_age_hours=_hours(o.approvals.oldest_requested_at, o.until),
            ),
            training=TrainingActivity(
                jobs=o.training.jobs,
                succeeded=o.training.succeeded,
                finished=o.training.finished,
                success_rate=o.training.success_rate,
                compute_seconds=round(o.training.compute_seconds, 3),
            ),
            month_start=o.month_start,
            value_this_month=values,
            value_totals=_totals(values),
        )


@strawberry.type
class AuditChainOverview:
    last_verified_at: datetime | None
    last_verification_passed: bool | None
    last_checkpoint_seq: int | None
    last_checkpoint_signed_at: datetime | None
    last_checkpoint_age_hours: float | None


@strawberry.type(description="An open data subject request and its one-month limit.")
class DataSubjectRequestDeadline:
    id: strawberry.ID
    kind: str
    status: str
    created_at: datetime
    due_at: datetime
    days_left: int = strawberry.field(description="Whole days until dueAt; negative: overdue.")


@strawberry.type
class ReportGap:
    model: ModelReference
    newest_report_at: datetime | None = strawberry.field(description="null: no report at all.")


@strawberry.type
class RetentionOverview:
    is_set: bool
    details_days: int | None = strawberry.field(description="null: details kept for ever.")
    updated_at: datetime | None
    last_purge_at: datetime | None


@strawberry.type
class SsoOverview:
    configured: bool
    required: bool
    last_changed_at: datetime | None


@strawberry.type(description="What needs a compliance officer's attention, on one page.")
class ComplianceOverview:
    generated_at: datetime
    audit_chain: AuditChainOverview
    data_subject_requests: list[DataSubjectRequestDeadline]
    models_awaiting_approval: list[ModelReference]
    models_lacking_report: list[ReportGap] = strawberry.field(
        description="Production versions without a report newer than their last stage change."
    )
    models_with_fairness_flags: list[ModelReference]
    models_with_drift_alerts: list[ModelReference]
    retention: RetentionOverview
    sso: SsoOverview

    @classmethod
    def of(cls, o: s.ComplianceOverview) -> ComplianceOverview:
        a, now = o.audit, o.generated_at
        return cls(
            generated_at=now,
            audit_chain=AuditChainOverview(
                last_verified_at=a.last_verification.at if a.last_verification else None,
                last_verification_passed=a.last_verification.ok if a.last_verification else None,
                last_checkpoint_seq=a.checkpoint_seq,
                last_checkpoint_signed_at=a.checkpoint_signed_at,
                last_checkpoint_age_hours=_hours(a.checkpoint_signed_at, now),
            ),
            data_subject_requests=[
                DataSubjectRequestDeadline(
                    id=strawberry.ID(str(r.id)),
                    kind=r.kind.upper(),
                    status=r.status.upper(),
                    created_at=r.created_at,
                    due_at=r.due_at,
                    days_left=math.floor((r.due_at - now).total_seconds() / 86400),
                )
                for r in o.requests
            ],
            models_awaiting_approval=[ModelReference.of(m) for m in o.awaiting_approval],
            models_lacking_report=[
                ReportGap(model=ModelReference.of(g.version), newest_report_at=g.newest_report_at)
                for g in o.lacking_report
            ],
            models_with_fairness_flags=[ModelReference.of(v) for v in o.fairness_flagged],
            models_with_drift_alerts=[ModelReference.of(v) for v in o.drifting],
            retention=RetentionOverview(
                is_set=a.retention_set,
                details_days=a.retention_details_days,
                updated_at=a.retention_updated_at,
                last_purge_at=a.last_purge_at,
            ),
            sso=SsoOverview(
                configured=o.sso.configured,
                required=o.sso.required,
                last_changed_at=o.sso.last_changed_at,
            ),
        )


@strawberry.type(description="Something changed that an overview shows: refetch it.")
class OverviewUpdate:
    topic: str
    occurred_at: datetime


@strawberry.type
class OverviewQuery:
    @strawberry.field(
        extensions=authenticated(),
        description="insights:read. Key figures over the last `period` days (7, 30 or 90).",
    )
    async def executive_overview(
        self, info: Info[Context, None], period: int = 30
    ) -> ExecutiveOverview:
        async with info.context.session() as session:
            found = await overview.executive(session, info.context.require_principal(), period)
        return ExecutiveOverview.of(found)

    @strawberry.field(
        extensions=authenticated(),
        description="audit:read. What needs a compliance officer's attention.",
    )
    async def compliance_overview(self, info: Info[Context, None]) -> ComplianceOverview:
        async with info.context.session() as session:
            found = await overview.compliance(session, info.context.require_principal())
        return ComplianceOverview.of(found)


@strawberry.type
class OverviewSubscription:
    @strawberry.subscription(
        extensions=authenticated(),
        description=(
            "insights:read. One message each time a figure of the overviews may have changed "
            "(a model promoted, an alert opened or closed, a job ended, a request decided)."
        ),
    )
    async def overview_updates(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[OverviewUpdate, None]:
        context = info.context
        stream_of = await overview.open_updates(context.require_principal())
        async with stream_of as stream:
            async for event in checked_every(
                stream,
                settings.STREAM_REVALIDATE_SECONDS,
                lambda: context.revalidate(P.INSIGHTS_READ),
            ):
                if s.changes_figures(event):
                    yield OverviewUpdate(topic=event.topic, occurred_at=event.occurred_at)


__all__ = ["OverviewQuery", "OverviewSubscription"]
