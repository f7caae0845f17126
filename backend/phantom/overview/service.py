"""The executive overview and the compliance overview: figures aggregated from the other
domains' services, each of which owns its SQL. Nothing here writes.

Each figure is one aggregate query, whatever the tenant's size, so an overview costs a
fixed number of round trips (``tests/overview`` counts them)."""

from __future__ import annotations

import calendar
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.alerts import service as alerts
from phantom.alerts.service import TOPICS as ALERT_TOPICS
from phantom.approvals import service as approvals
from phantom.approvals.service import TOPICS as PROMOTION_TOPICS
from phantom.audit import service as audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.automl import service as training
from phantom.automl.lifecycle import PROGRESS_TOPIC as TRAINING_TOPIC
from phantom.batch import service as batch
from phantom.batch.lifecycle import PROGRESS_TOPIC as BATCH_TOPIC
from phantom.compliance import service as compliance
from phantom.identity.principal import Principal
from phantom.identity.sso import service as sso
from phantom.kit.errors import BadUserInput
from phantom.kit.events import Event, get_event_bus
from phantom.kit.leases import TERMINAL
from phantom.kit.rows import utcnow
from phantom.monitoring import service as monitoring
from phantom.registry.service import PROMOTED_TOPIC, ProductionVersion, registry
from phantom.reports import service as reports
from phantom.value.service import MonthValue, month_values

PERIODS = (7, 30, 90)  # days: the SPA's period picker
SSO_ACTIONS = ("identity.sso.configured", "identity.sso.removed")


# What changes the figures: the existing tenant events of the domains that own them. A
# job's progress events count only once the job has ended (one event, not one per step).
UPDATE_TOPICS = frozenset(
    {
        *ALERT_TOPICS.values(),
        *PROMOTION_TOPICS.values(),
        PROMOTED_TOPIC,
        TRAINING_TOPIC,
        BATCH_TOPIC,
    }
)
PROGRESS_TOPICS = frozenset({TRAINING_TOPIC, BATCH_TOPIC})
ENDED = frozenset(s.value for s in TERMINAL)


def changes_figures(event: Event) -> bool:
    return event.topic not in PROGRESS_TOPICS or event.payload.get("status") in ENDED


# --- the executive overview -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductionModel:
    version: ProductionVersion
    # the newest approved promotion or generated report of the version; None: neither
    last_validated_at: datetime | None


@dataclass(frozen=True, slots=True)
class DailyVolume:
    day: date
    realtime: int
    batch: int


@dataclass(frozen=True, slots=True)
class Volume:
    days: list[DailyVolume]  # every day of the period, oldest first, zeros included
    previous_total: int  # the same number of days just before

    @property
    def total(self) -> int:
        return sum(d.realtime + d.batch for d in self.days)

    @property
    def trend(self) -> float | None:
        """Relative change against the previous period; None when it had none."""
        if self.previous_total == 0:
            return None
        return (self.total - self.previous_total) / self.previous_total


@dataclass(frozen=True, slots=True)
class PendingApprovals:
    count: int
    oldest_requested_at: datetime | None


@dataclass(frozen=True, slots=True)
class TrainingActivity:
    jobs: int
    succeeded: int
    finished: int
    compute_seconds: float

    @property
    def success_rate(self) -> float | None:
        """Succeeded among finished jobs; None while none finished."""
        return self.succeeded / self.finished if self.finished else None


@dataclass(frozen=True, slots=True)
class ModelMonthValue:
    """A production model's expected and realized value this month."""

    version: ProductionVersion
    value: MonthValue
    predictions: int  # this month, real-time and batch

    @property
    def expected(self) -> float | None:
        """The holdout's value per prediction times this month's predictions."""
        per = self.value.value_per_prediction
        return None if per is None else per * self.predictions

    @property
    def planned(self) -> float | None:
        """The holdout's value per prediction times the value model's monthly volume."""
        per = self.value.value_per_prediction
        return None if per is None else per * self.value.monthly_volume


@dataclass(frozen=True, slots=True)
class ExecutiveOverview:
    period_days: int
    since: datetime  # midnight UTC, ``period_days`` days ago including today
    until: datetime  # now
    models: list[ProductionModel]
    volume: Volume
    alerts_by_severity: dict[str, int]  # unresolved alerts
    approvals: PendingApprovals
    training: TrainingActivity
    month_start: datetime  # the current calendar month's first midnight, UTC
    values: list[ModelMonthValue]  # production models that have a value model


def check_period(period: int) -> int:
    if period not in PERIODS:
        raise BadUserInput("Choose a period of 7, 30 or 90 days.")
    return period


class OverviewService:
    @requires(P.INSIGHTS_READ)
    async def executive(
        self, session: AsyncSession, principal: Principal, period: int
    ) -> ExecutiveOverview:
        period = check_period(period)
        now = utcnow()
        since = datetime.combine(now.date() - timedelta(days=period - 1), time(), UTC)
        before = since - timedelta(days=period)
        month_start = datetime.combine(now.date().replace(day=1), time(), UTC)
        count, oldest = await approvals.pending_summary(session)
        jobs, succeeded, finished, seconds = await training.activity_since(session, since)
        production = await registry.in_production(session)
        return ExecutiveOverview(
            period_days=period,
            since=since,
            until=now,
            models=await _production_models(session, production),
            volume=await _volume(session, before, since, now),
            alerts_by_severity=await alerts.active_by_severity(session),
            approvals=PendingApprovals(count, oldest),
            training=TrainingActivity(jobs, succeeded, finished, seconds),
            month_start=month_start,
            values=await _month_values(session, production, month_start, now),
        )

    @requires(P.INSIGHTS_READ)
    async def open_updates(
        self, principal: Principal
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """The caller's tenant's events that change an overview's figures (filter them
        with ``changes_figures``)."""
        return get_event_bus().subscribe(principal.tenant_id, set(UPDATE_TOPICS))

    @requires(P.AUDIT_READ)
    async def compliance(self, session: AsyncSession, principal: Principal) -> ComplianceOverview:
        now = utcnow()
        production = await registry.in_production(session)
        ids = {v.id for v in production}
        reported = await reports.newest_reports(session, ids)
        drifting = await alerts.versions_drifting(session) & ids
        waiting = await approvals.pending_version_ids(session)
        configured, required, saved_at = await sso.sso_status(session)
        status = await audit.compliance_status(session, SSO_ACTIONS)
        sso_changes = [status.last_of[a].at for a in SSO_ACTIONS if a in status.last_of]
        return ComplianceOverview(
            generated_at=now,
            audit=status,
            requests=[
                _deadline(r.id, r.kind, r.status, r.created_at)
                for r in await compliance.open_requests(session)
            ],
            awaiting_approval=await _labelled(session, waiting),
            lacking_report=[
                ReportGap(v, reported.get(v.id))
                for v in production
                if _report_outdated(v, reported.get(v.id))
            ],
            fairness_flagged=[v for v in production if v.fairness_flagged],
            drifting=[v for v in production if v.id in drifting],
            sso=SsoStatus(
                configured,
                required,
                max([*sso_changes, *([saved_at] if saved_at else [])], default=None),
            ),
        )


async def _production_models(
    session: AsyncSession, production: list[ProductionVersion]
) -> list[ProductionModel]:
    ids = {v.id for v in production}
    approved = await approvals.last_approved(session, ids)
    reported = await reports.newest_reports(session, ids)
    return [
        ProductionModel(
            v, max([t for t in (approved.get(v.id), reported.get(v.id)) if t], default=None)
        )
        for v in production
    ]


async def _month_values(
    session: AsyncSession, production: list[ProductionVersion], since: datetime, now: datetime
) -> list[ModelMonthValue]:
    found = await month_values(session, {v.id: v.model_id for v in production}, since)
    valued = set(found)
    realtime = await monitoring.logged_rows_per_version(session, valued, since, now)
    scored = await batch.rows_scored_per_version(session, valued, since, now)
    return [
        ModelMonthValue(v, found[v.id], realtime.get(v.id, 0) + scored.get(v.id, 0))
        for v in production
        if v.id in found
    ]


async def _volume(
    session: AsyncSession, before: datetime, since: datetime, now: datetime
) -> Volume:
    realtime = await monitoring.logged_rows_per_day(session, before, now)
    scored = await batch.rows_scored_per_day(session, before, now)
    first = since.date()
    days = [first + timedelta(days=i) for i in range((now.date() - first).days + 1)]
    previous = sum(n for source in (realtime, scored) for day, n in source.items() if day < first)
    return Volume(
        days=[DailyVolume(d, realtime.get(d, 0), scored.get(d, 0)) for d in days],
        previous_total=previous,
    )


# --- the compliance overview ------------------------------------------------------------

RESPONSE_MONTHS = 1  # GDPR art. 12(3): answer a data subject within one month


@dataclass(frozen=True, slots=True)
class RequestDeadline:
    id: uuid.UUID
    kind: str
    status: str
    created_at: datetime
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ModelLabel:
    id: uuid.UUID
    model_name: str
    version: int


@dataclass(frozen=True, slots=True)
class ReportGap:
    version: ProductionVersion
    newest_report_at: datetime | None  # None: no report at all


@dataclass(frozen=True, slots=True)
class SsoStatus:
    configured: bool
    required: bool
    last_changed_at: datetime | None  # the configuration's save, or its removal


@dataclass(frozen=True, slots=True)
class ComplianceOverview:
    generated_at: datetime
    audit: audit.ComplianceStatus
    requests: list[RequestDeadline]  # open, oldest first
    awaiting_approval: list[ModelLabel]
    lacking_report: list[ReportGap]
    fairness_flagged: list[ProductionVersion]
    drifting: list[ProductionVersion]
    sso: SsoStatus


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or that month's last day (31 Jan -> 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _deadline(
    request_id: uuid.UUID, kind: str, status: str, created_at: datetime
) -> RequestDeadline:
    return RequestDeadline(
        request_id, kind, status, created_at, add_months(created_at, RESPONSE_MONTHS)
    )


def _report_outdated(version: ProductionVersion, newest: datetime | None) -> bool:
    """No report, or one older than the version's last stage change."""
    if newest is None:
        return True
    return version.stage_changed_at is not None and newest < version.stage_changed_at


async def _labelled(session: AsyncSession, version_ids: set[uuid.UUID]) -> list[ModelLabel]:
    labels = await registry.labels(session, version_ids)
    return sorted(
        (ModelLabel(i, name, number) for i, (name, number) in labels.items()),
        key=lambda m: (m.model_name, m.version),
    )


overview = OverviewService()
