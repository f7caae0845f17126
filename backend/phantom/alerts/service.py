"""Alerts: rules per model version, ``evaluate`` (called by monitoring after each health
refresh, in its transaction), and the open -> acknowledged -> resolved lifecycle. Each
transition is audited, published on the tenant's ``alerts`` stream and sent to the
tenant's webhooks (``alert.opened``, ``alert.acknowledged``, ``alert.resolved``)."""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.alerts import repository as alert_rows
from phantom.alerts.models import (
    ACTIVE,
    Alert,
    AlertComparison,
    AlertKind,
    AlertRule,
    AlertSeverity,
    AlertStatus,
    AlertStreak,
)
from phantom.alerts.repository import AlertRepository, RuleRepository, StreakRepository
from phantom.alerts.rules import DEFAULT_RULES, SEVERITY_RANK, RuleSpec, clean_rules
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, Conflict
from phantom.kit.events import Event, get_event_bus, publish_on_commit
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow
from phantom.monitoring.types import Signal
from phantom.registry.service import registry
from phantom.webhooks import service as webhooks

TOPICS = {
    AlertStatus.OPEN: "alerts.alert.opened",
    AlertStatus.ACKNOWLEDGED: "alerts.alert.acknowledged",
    AlertStatus.RESOLVED: "alerts.alert.resolved",
}
WEBHOOK_EVENTS = {
    AlertStatus.OPEN: "alert.opened",
    AlertStatus.ACKNOWLEDGED: "alert.acknowledged",
    AlertStatus.RESOLVED: "alert.resolved",
}
MAX_COMMENT = 1000
Rules = tuple[list[RuleSpec], bool]  # a version's rules, and whether they are the defaults
Specs = list[RuleSpec]
SYSTEM_ACTOR = "alerts.evaluate"


def alert_payload(alert: Alert, *, people: bool = False) -> dict[str, Any]:
    """An alert as the stream and the webhooks carry it (camelCase, ISO times).
    ``people`` adds who acknowledged and resolved it (user ids): for the tenant's own
    stream, never for webhooks, which leave the organization."""

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    kind = AlertKind(alert.kind)
    subject = alert.subject or None
    return {
        "id": str(alert.id),
        "modelVersionId": str(alert.model_version_id),
        "kind": kind.value,
        "feature": subject if kind == AlertKind.FEATURE_DRIFT else None,
        "metric": subject
        if kind in (AlertKind.PERFORMANCE, AlertKind.ESTIMATED_PERFORMANCE)
        else None,
        "severity": alert.severity,
        "status": alert.status,
        "comparison": alert.comparison,
        "value": alert.value,
        "threshold": alert.threshold,
        "window": alert.window,
        "windowStart": iso(alert.window_start),
        "count": alert.count,
        "createdAt": iso(alert.created_at),
        "lastSeenAt": iso(alert.last_seen_at),
        "acknowledgedAt": iso(alert.acknowledged_at),
        "acknowledgeComment": alert.acknowledge_comment,
        "resolvedAt": iso(alert.resolved_at),
        "resolveComment": alert.resolve_comment,
    } | (
        {
            "acknowledgedById": str(alert.acknowledged_by) if alert.acknowledged_by else None,
            "resolvedById": str(alert.resolved_by) if alert.resolved_by else None,
        }
        if people
        else {}
    )


def _spec(rule: AlertRule) -> RuleSpec:
    return RuleSpec(
        kind=AlertKind(rule.kind),
        threshold=rule.threshold,
        comparison=AlertComparison(rule.comparison),
        windows=rule.windows,
        severity=AlertSeverity(rule.severity),
        feature=rule.feature,
        enabled=rule.enabled,
    )


def clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise BadUserInput(f"A comment is at most {MAX_COMMENT} characters.")
    if not all(ch in "\n\t" or ch.isprintable() for ch in text):
        raise BadUserInput("A comment must not contain control characters.")
    return text or None


async def _announce(
    session: AsyncSession, tenant_id: uuid.UUID, alert: Alert, status: AlertStatus
) -> None:
    """The stream event (after commit) and the webhook deliveries of one transition."""
    stream = alert_payload(alert, people=True)
    publish_on_commit(session, tenant_id, TOPICS[status], {"alert": stream})
    await webhooks.emit(session, tenant_id, WEBHOOK_EVENTS[status], {"alert": alert_payload(alert)})


class AlertService:
    @requires(P.MODELS_READ)
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        status: AlertStatus | None,
        page: PageRequest,
        version_id: uuid.UUID | None = None,
    ) -> Page[Alert]:
        """Newest first; of one model version when given (another tenant's or an unknown
        version: none)."""
        repo = AlertRepository(session)
        return await repo.page(repo.listing(status.value if status else None, version_id), page)

    @requires(P.MODELS_READ)
    async def rules(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> Rules:
        """The version's rules, and whether they are the defaults."""
        await registry.servable(session, version_id)  # NotFound for another tenant's
        return await _rules_of(session, version_id)

    @requires(P.ALERTS_MANAGE)
    async def set_rules(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        rules: Specs,
    ) -> Rules:
        """Replaces the version's rules; an empty list returns it to the defaults (to
        silence a kind, give it a rule with ``enabled: false``)."""
        cleaned = clean_rules(rules)
        await registry.servable(session, version_id)
        await RuleRepository(session).replace(
            version_id,
            [
                AlertRule(
                    tenant_id=principal.tenant_id,
                    model_version_id=version_id,
                    kind=r.kind.value,
                    feature=r.feature,
                    comparison=r.comparison.value,
                    threshold=float(r.threshold or 0.0),
                    windows=r.windows,
                    severity=r.severity.value,
                    enabled=r.enabled,
                    created_by=principal.user_id,
                )
                for r in cleaned
            ],
        )
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="alerts.rules.set",
            resource=("model_version", version_id),
            details={
                "rules": [
                    {
                        "kind": r.kind.value,
                        "feature": r.feature,
                        "comparison": r.comparison.value,
                        "threshold": r.threshold,
                        "windows": r.windows,
                        "severity": r.severity.value,
                        "enabled": r.enabled,
                    }
                    for r in cleaned
                ]
            },
        )
        return (cleaned, False) if cleaned else (list(DEFAULT_RULES), True)

    @requires(P.ALERTS_MANAGE)
    async def acknowledge(
        self,
        session: AsyncSession,
        principal: Principal,
        alert_id: uuid.UUID,
        comment: str | None,
    ) -> Alert:
        text = clean_comment(comment)
        alert = await AlertRepository(session).get(alert_id, for_update=True)
        if alert.status != AlertStatus.OPEN.value:
            raise Conflict(
                f"This alert is {alert.status.lower()}: only an open alert can be acknowledged."
            )
        alert.status = AlertStatus.ACKNOWLEDGED.value
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by = principal.user_id
        alert.acknowledge_comment = text
        await session.flush()
        await self._transitioned(session, principal, alert, AlertStatus.ACKNOWLEDGED, text)
        return alert

    @requires(P.ALERTS_MANAGE)
    async def resolve(
        self,
        session: AsyncSession,
        principal: Principal,
        alert_id: uuid.UUID,
        comment: str | None,
    ) -> Alert:
        text = clean_comment(comment)
        alert = await AlertRepository(session).get(alert_id, for_update=True)
        if alert.status not in ACTIVE:
            raise Conflict("This alert is already resolved.")
        alert.status = AlertStatus.RESOLVED.value
        alert.resolved_at = utcnow()
        alert.resolved_by = principal.user_id
        alert.resolve_comment = text
        await session.flush()
        await self._transitioned(session, principal, alert, AlertStatus.RESOLVED, text)
        return alert

    async def _transitioned(
        self,
        session: AsyncSession,
        principal: Principal,
        alert: Alert,
        status: AlertStatus,
        comment: str | None,
    ) -> None:
        verb = "acknowledged" if status == AlertStatus.ACKNOWLEDGED else "resolved"
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action=f"alerts.alert.{verb}",
            resource=("alert", alert.id),
            details={"comment": comment, "kind": alert.kind, "subject": alert.subject},
        )
        await _announce(session, principal.tenant_id, alert, status)

    @requires(P.MODELS_READ)
    async def open_stream(
        self, principal: Principal
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        return get_event_bus().subscribe(principal.tenant_id, set(TOPICS.values()))


alerts = AlertService()


async def _rules_of(session: AsyncSession, version_id: uuid.UUID) -> tuple[list[RuleSpec], bool]:
    rows = await RuleRepository(session).of_version(version_id)
    if not rows:
        return list(DEFAULT_RULES), True
    return [_spec(row) for row in rows], False


# --- monitoring's entry point ------------------------------------------------------------


Streaks = dict[tuple[str, str, str, str], AlertStreak]


def _key(kind: str, subject: str, severity: str, window: str) -> tuple[str, str, str, str]:
    return (kind, subject, severity, window)


async def evaluate(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    model_version_id: uuid.UUID,
    signals: Sequence[Signal],
) -> None:
    """Judge one refresh's signals against the version's rules (oldest window first):
    a rule breached for its number of consecutive windows opens an alert, or updates the
    active one of the same kind and subject. Runs in monitoring's transaction; the
    stream events and webhooks go out after it commits. A version the session's tenant
    does not hold is ``NotFound`` (foreign keys would not stop the rows)."""
    await registry.servable(session, model_version_id)
    specs, _ = await _rules_of(session, model_version_id)
    streaks: Streaks = {
        _key(row.kind, row.subject, row.severity, row.window): row
        for row in await StreakRepository(session).of_version(model_version_id)
    }
    for signal in sorted(signals, key=lambda s: s.window_start):
        if not math.isfinite(signal.value):
            continue  # no figure (an empty window): nothing to judge
        try:
            kind = AlertKind(signal.kind.value)
        except ValueError:
            continue
        subject = (signal.feature or signal.metric or "")[:200]
        for spec in specs:
            if not spec.matches(kind, subject):
                continue
            streak = await _streak(
                session, streaks, tenant_id, model_version_id, kind, subject, spec, signal
            )
            if streak is not None and streak.breached and streak.length >= spec.windows:
                threshold = spec.threshold_for(signal.reference)
                await _fire(
                    session, tenant_id, model_version_id, kind, subject, spec, signal, threshold
                )


async def _streak(
    session: AsyncSession,
    streaks: Streaks,
    tenant_id: uuid.UUID,
    version_id: uuid.UUID,
    kind: AlertKind,
    subject: str,
    spec: RuleSpec,
    signal: Signal,
) -> AlertStreak | None:
    """The rule's streak with this window counted once; None for a window older than
    the last one judged (a late refresh of an old window changes nothing)."""
    threshold = spec.threshold_for(signal.reference)
    breached = spec.breached(signal.value, threshold)
    repo = StreakRepository(session)
    key = _key(kind.value, subject, spec.severity.value, signal.window)
    streak = streaks.get(key)
    if streak is None:
        started = await repo.start(
            {
                "tenant_id": tenant_id,
                "model_version_id": version_id,
                "kind": kind.value,
                "subject": subject,
                "severity": spec.severity.value,
                "window": signal.window,
                "window_start": signal.window_start,
                "before": 0,
                "breached": breached,
            }
        )
        if started is not None:
            streaks[key] = started
            return started
        streak = await repo.of(version_id, *key)  # made by a concurrent refresh: theirs
        if streak is None:
            raise RuntimeError("an alert streak vanished while being judged")
        streaks[key] = streak
    if signal.window_start < streak.window_start:
        return None
    if signal.window_start > streak.window_start:
        streak.before = streak.length
        streak.window_start = signal.window_start
    streak.breached = breached  # flushed with the transaction (or before the next query)
    return streak


async def _fire(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    version_id: uuid.UUID,
    kind: AlertKind,
    subject: str,
    spec: RuleSpec,
    signal: Signal,
    threshold: float,
) -> None:
    repo = AlertRepository(session)
    now = utcnow()
    active = await repo.active(version_id, kind.value, subject)
    if active is None:
        alert = await repo.open_new(
            {
                "tenant_id": tenant_id,
                "model_version_id": version_id,
                "kind": kind.value,
                "subject": subject,
                "severity": spec.severity.value,
                "status": AlertStatus.OPEN.value,
                "comparison": spec.comparison.value,
                "value": float(signal.value),
                "threshold": threshold,
                "window": signal.window,
                "window_start": signal.window_start,
                "count": 1,
                "last_seen_at": now,
            }
        )
        if alert is not None:
            await audit.record(
                session,
                actor=audit.Actor.system(SYSTEM_ACTOR),
                action="alerts.alert.opened",
                resource=("alert", alert.id),
                details={
                    "modelVersionId": str(version_id),
                    "kind": kind.value,
                    "subject": subject,
                    "severity": alert.severity,
                    "value": alert.value,
                    "threshold": threshold,
                    "window": signal.window,
                    "windowStart": signal.window_start.isoformat(),
                },
            )
            await _announce(session, tenant_id, alert, AlertStatus.OPEN)
            return
        active = await repo.active(version_id, kind.value, subject)  # a concurrent opening
        if active is None:
            raise RuntimeError("an active alert vanished while being judged")
    # a repeat: the active alert learns the latest value, not a second alert; a new
    # window of the same length counts once (a window refreshed again does not)
    if signal.window == active.window and signal.window_start > active.window_start:
        active.count += 1
        active.window_start = signal.window_start
    active.value = float(signal.value)
    active.last_seen_at = now
    if SEVERITY_RANK[spec.severity.value] > SEVERITY_RANK.get(active.severity, 0):
        active.severity = spec.severity.value
        active.threshold = threshold
    await session.flush()


# --- for the overviews (phantom.overview), which check their own permission first ---

SEVERITIES = tuple(level.value for level in AlertSeverity)  # the overview lists each
DRIFT_KINDS = frozenset({AlertKind.FEATURE_DRIFT.value, AlertKind.PREDICTION_DRIFT.value})


async def active_by_severity(session: AsyncSession) -> dict[str, int]:
    """Alerts not yet resolved (open or acknowledged), by severity."""
    return await alert_rows.active_by_severity(session)


async def versions_drifting(session: AsyncSession) -> set[uuid.UUID]:
    """Versions with an unresolved feature or prediction drift alert."""
    return await alert_rows.active_versions_of_kinds(session, set(DRIFT_KINDS))
