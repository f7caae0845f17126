"""Alerts' GraphQL (names from API.md "Wave 2"): the list, rules, transitions, stream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import strawberry
from strawberry import Info

from phantom.alerts import models
from phantom.alerts.rules import RuleSpec
from phantom.alerts.service import alert_payload, alerts
from phantom.authz.permissions import P
from phantom.config import settings
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.identity.loaders import visible_display_name
from phantom.kit.events import checked_every
from phantom.kit.pagination import page_request

AlertKind = strawberry.enum(models.AlertKind, name="AlertKind")
AlertStatus = strawberry.enum(models.AlertStatus, name="AlertStatus")
AlertSeverity = strawberry.enum(models.AlertSeverity, name="AlertSeverity")
AlertComparison = strawberry.enum(models.AlertComparison, name="AlertComparison")


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


@strawberry.type
class Alert:
    id: strawberry.ID
    model_version_id: strawberry.ID
    kind: models.AlertKind
    feature: str | None = strawberry.field(description="FEATURE_DRIFT: the drifted feature.")
    metric: str | None = strawberry.field(description="PERFORMANCE kinds: the metric.")
    severity: models.AlertSeverity
    status: models.AlertStatus
    comparison: models.AlertComparison
    value: float = strawberry.field(description="The latest breaching value.")
    threshold: float
    window: str = strawberry.field(description="HOUR or DAY.")
    window_start: datetime = strawberry.field(description="The latest breaching window.")
    count: int = strawberry.field(description="Breaching windows seen while active.")
    created_at: datetime
    last_seen_at: datetime
    acknowledged_at: datetime | None
    acknowledge_comment: str | None
    resolved_at: datetime | None
    resolve_comment: str | None
    acknowledged_by_id: strawberry.Private[uuid.UUID | None] = None
    resolved_by_id: strawberry.Private[uuid.UUID | None] = None

    @strawberry.field(description="The display name of who acknowledged it.")
    async def acknowledged_by(self, info: Info[Context, None]) -> str | None:
        return await visible_display_name(info.context, self.acknowledged_by_id)

    @strawberry.field(description="The display name of who resolved it.")
    async def resolved_by(self, info: Info[Context, None]) -> str | None:
        return await visible_display_name(info.context, self.resolved_by_id)

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> Alert:
        return cls(
            id=strawberry.ID(p["id"]),
            model_version_id=strawberry.ID(p["modelVersionId"]),
            kind=models.AlertKind(p["kind"]),
            feature=p["feature"],
            metric=p["metric"],
            severity=models.AlertSeverity(p["severity"]),
            status=models.AlertStatus(p["status"]),
            comparison=models.AlertComparison(p["comparison"]),
            value=float(p["value"]),
            threshold=float(p["threshold"]),
            window=p["window"],
            window_start=datetime.fromisoformat(p["windowStart"]),
            count=int(p["count"]),
            created_at=datetime.fromisoformat(p["createdAt"]),
            last_seen_at=datetime.fromisoformat(p["lastSeenAt"]),
            acknowledged_at=_time(p["acknowledgedAt"]),
            acknowledge_comment=p["acknowledgeComment"],
            resolved_at=_time(p["resolvedAt"]),
            resolve_comment=p["resolveComment"],
            acknowledged_by_id=_uuid(p.get("acknowledgedById")),
            resolved_by_id=_uuid(p.get("resolvedById")),
        )

    @classmethod
    def from_model(cls, alert: models.Alert) -> Alert:
        return cls.from_payload(alert_payload(alert, people=True))


@strawberry.type
class AlertEvent:
    type: str = strawberry.field(description="alert.opened, alert.acknowledged, alert.resolved.")
    alert: Alert


@strawberry.type
class AlertRule:
    kind: models.AlertKind
    feature: str | None = strawberry.field(description="None: every feature (or metric).")
    comparison: models.AlertComparison
    threshold: float | None = strawberry.field(
        description="None (default drift rules): the tenant's drift alert threshold, 0.25 "
        "unless monitoring says otherwise."
    )
    windows: int = strawberry.field(description="Consecutive breaching windows to fire.")
    severity: models.AlertSeverity
    enabled: bool

    @classmethod
    def from_spec(cls, spec: RuleSpec) -> AlertRule:
        return cls(
            kind=spec.kind,
            feature=spec.feature,
            comparison=spec.comparison,
            threshold=spec.threshold,
            windows=spec.windows,
            severity=spec.severity,
            enabled=spec.enabled,
        )


@strawberry.type
class AlertRules:
    model_version_id: strawberry.ID
    is_default: bool = strawberry.field(description="The version has no rules of its own.")
    rules: list[AlertRule]


@strawberry.input
class AlertRuleInput:
    kind: models.AlertKind
    threshold: float
    comparison: models.AlertComparison = models.AlertComparison.GTE
    windows: int = 1
    severity: models.AlertSeverity = models.AlertSeverity.CRITICAL
    feature: str | None = None
    enabled: bool = True

    def to_spec(self) -> RuleSpec:
        return RuleSpec(
            kind=models.AlertKind(self.kind),
            threshold=self.threshold,
            comparison=models.AlertComparison(self.comparison),
            windows=self.windows,
            severity=models.AlertSeverity(self.severity),
            feature=self.feature,
            enabled=self.enabled,
        )


@strawberry.input
class SetAlertRulesInput:
    model_version_id: strawberry.ID
    rules: list[AlertRuleInput] = strawberry.field(
        description="Replaces the version's rules; [] returns it to the defaults."
    )


@strawberry.type
class AlertQuery:
    @strawberry.field(
        extensions=authenticated(),
        description="models:read; newest first, optionally of one model version.",
    )
    async def alerts(
        self,
        info: Info[Context, None],
        status: models.AlertStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
        model_version_id: strawberry.ID | None = None,
    ) -> Connection[Alert]:
        page = page_request(first, after)
        version_id = (
            parse_id(model_version_id, "Model version") if model_version_id is not None else None
        )
        async with info.context.session() as session:
            result = await alerts.list(
                session, info.context.require_principal(), status, page, version_id
            )
        return Connection.from_page(result, Alert.from_model)

    @strawberry.field(extensions=authenticated(), description="models:read.")
    async def alert_rules(
        self, info: Info[Context, None], model_version_id: strawberry.ID
    ) -> AlertRules:
        version_id = parse_id(model_version_id, "Model version")
        async with info.context.session() as session:
            specs, default = await alerts.rules(
                session, info.context.require_principal(), version_id
            )
        return AlertRules(
            model_version_id=model_version_id,
            is_default=default,
            rules=[AlertRule.from_spec(s) for s in specs],
        )


@strawberry.type
class AlertMutation:
    @strawberry.mutation(extensions=authenticated(), description="alerts:manage.")
    async def set_alert_rules(
        self, info: Info[Context, None], input: SetAlertRulesInput
    ) -> AlertRules:
        version_id = parse_id(input.model_version_id, "Model version")
        async with info.context.session() as session:
            specs, default = await alerts.set_rules(
                session,
                info.context.require_principal(),
                version_id,
                [rule.to_spec() for rule in input.rules],
            )
        return AlertRules(
            model_version_id=strawberry.ID(str(version_id)),
            is_default=default,
            rules=[AlertRule.from_spec(s) for s in specs],
        )

    @strawberry.mutation(
        extensions=authenticated(), description="alerts:manage. OPEN -> ACKNOWLEDGED."
    )
    async def acknowledge_alert(
        self, info: Info[Context, None], id: strawberry.ID, comment: str | None = None
    ) -> Alert:
        alert_id = parse_id(id, "Alert")
        async with info.context.session() as session:
            alert = await alerts.acknowledge(
                session, info.context.require_principal(), alert_id, comment
            )
        return Alert.from_model(alert)

    @strawberry.mutation(
        extensions=authenticated(), description="alerts:manage. OPEN or ACKNOWLEDGED -> RESOLVED."
    )
    async def resolve_alert(
        self, info: Info[Context, None], id: strawberry.ID, comment: str | None = None
    ) -> Alert:
        alert_id = parse_id(id, "Alert")
        async with info.context.session() as session:
            alert = await alerts.resolve(
                session, info.context.require_principal(), alert_id, comment
            )
        return Alert.from_model(alert)


@strawberry.type
class AlertSubscription:
    @strawberry.subscription(
        extensions=authenticated(),
        description="models:read. Each alert opened, acknowledged or resolved in the tenant.",
    )
    async def alerts(self, info: Info[Context, None]) -> AsyncGenerator[AlertEvent, None]:
        context = info.context
        stream_of = await alerts.open_stream(context.require_principal())
        async with stream_of as stream:
            async for event in checked_every(
                stream,
                settings.STREAM_REVALIDATE_SECONDS,
                lambda: context.revalidate(P.MODELS_READ),
            ):
                yield AlertEvent(
                    type=event.topic.removeprefix("alerts."),
                    alert=Alert.from_payload(event.payload["alert"]),
                )
