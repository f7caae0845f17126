"""Alerts from monitoring's signals: opening, no duplicates, no noise, the lifecycle,
rules, and the stream. Real PostgreSQL, Redis and a real trained model version."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from phantom.alerts.service import evaluate
from phantom.db import transaction
from phantom.kit.errors import NotFound
from phantom.kit.events import get_event_bus
from phantom.monitoring.types import SignalKind
from tests.alerts.support import gql_ascii, judge, signal
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql
from tests.support.models import train_version, upload_payments

pytestmark = pytest.mark.slow  # the model version is a real fit in a child process

ALERTS = """query($status: AlertStatus, $first: Int, $after: String) {
  alerts(status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id modelVersionId kind feature metric severity status value threshold
                   window windowStart count createdAt lastSeenAt acknowledgedAt
                   acknowledgeComment acknowledgedBy resolvedAt resolveComment resolvedBy } }
  }
}"""
ACK = """mutation($id: ID!, $c: String) { acknowledgeAlert(id: $id, comment: $c) {
  id status acknowledgedAt acknowledgeComment } }"""
RESOLVE = """mutation($id: ID!, $c: String) { resolveAlert(id: $id, comment: $c) {
  id status resolvedAt resolveComment } }"""
RULES = """query($v: ID!) { alertRules(modelVersionId: $v) { modelVersionId isDefault
  rules { kind feature comparison threshold windows severity enabled } } }"""
SET_RULES = """mutation($i: SetAlertRulesInput!) { setAlertRules(input: $i) {
  isDefault rules { kind feature comparison threshold windows severity enabled } } }"""


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, uuid.UUID]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), "Payments"
        )
    return tenant, uuid.UUID(str(version["id"]))


async def alerts_of(
    client: httpx.AsyncClient, tenant: TenantFixture, feature: str | None = None
) -> list[dict[str, Any]]:
    body = await gql(client, ALERTS, {"first": 100}, tenant.bearer)
    assert "errors" not in body, body
    nodes = [edge["node"] for edge in body["data"]["alerts"]["edges"]]
    return [n for n in nodes if feature is None or n["feature"] == feature]


async def test_a_drifted_feature_opens_one_alert_and_a_repeat_updates_it(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    feature = f"amount_{uuid.uuid4().hex[:6]}"
    # when: the feature's PSI is over the default threshold
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.41, 0, feature=feature)])
    # then: one open, critical alert on that feature
    (alert,) = await alerts_of(client, tenant, feature)
    assert alert["status"] == "OPEN"
    assert alert["kind"] == "FEATURE_DRIFT"
    assert alert["severity"] == "CRITICAL"
    assert alert["modelVersionId"] == str(version)
    assert alert["value"] == pytest.approx(0.41)
    assert alert["threshold"] == pytest.approx(0.25)
    assert alert["count"] == 1
    # when: the same window is refreshed, then the next window drifts further
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.45, 0, feature=feature)])
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.52, 1, feature=feature)])
    # then: still one alert, with the latest value and two windows counted
    (again,) = await alerts_of(client, tenant, feature)
    assert again["id"] == alert["id"]
    assert again["value"] == pytest.approx(0.52)
    assert again["count"] == 2
    assert again["lastSeenAt"] > alert["lastSeenAt"]


async def test_unshifted_windows_open_nothing(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    feature = f"calm_{uuid.uuid4().hex[:6]}"
    before = await alerts_of(client, tenant)
    for hour in range(48):  # two days of ordinary windows, each judged
        await judge(
            tenant.id,
            version,
            [
                signal(SignalKind.FEATURE_DRIFT, 0.02 + (hour % 5) / 100, hour, feature=feature),
                signal(SignalKind.PREDICTION_DRIFT, 0.03, hour),
                signal(SignalKind.ERROR_RATE, 0.0, hour),
                signal(SignalKind.LATENCY_P99, 12.0, hour),
            ],
        )
    assert await alerts_of(client, tenant) == before


async def test_the_tenants_threshold_from_the_signal_is_used(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    """Monitoring's per-tenant drift threshold (in ``reference``) replaces the 0.25."""
    tenant, version = trained
    feature = f"strict_{uuid.uuid4().hex[:6]}"
    await judge(
        tenant.id,
        version,
        [signal(SignalKind.FEATURE_DRIFT, 0.15, 0, feature=feature, reference=0.4)],
    )
    assert await alerts_of(client, tenant, feature) == []
    await judge(
        tenant.id,
        version,
        [signal(SignalKind.FEATURE_DRIFT, 0.15, 1, feature=feature, reference=0.12)],
    )
    (alert,) = await alerts_of(client, tenant, feature)
    assert alert["threshold"] == pytest.approx(0.12)


async def test_latency_needs_two_consecutive_windows(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, _ = trained
    version = await second_version(client, tenant)  # latency alerts are per version
    await judge(tenant.id, version, [signal(SignalKind.LATENCY_P99, 80.0, 0)])
    await judge(tenant.id, version, [signal(SignalKind.LATENCY_P99, 10.0, 1)])  # streak broken
    await judge(tenant.id, version, [signal(SignalKind.LATENCY_P99, 90.0, 2)])
    assert [a for a in await alerts_of(client, tenant) if a["modelVersionId"] == str(version)] == []
    await judge(tenant.id, version, [signal(SignalKind.LATENCY_P99, 95.0, 3)])
    (alert,) = [a for a in await alerts_of(client, tenant) if a["modelVersionId"] == str(version)]
    assert (alert["kind"], alert["severity"], alert["feature"]) == ("LATENCY_P99", "WARNING", None)


_second: dict[uuid.UUID, uuid.UUID] = {}


async def of_version(
    client: httpx.AsyncClient, tenant: TenantFixture, version: uuid.UUID
) -> list[dict[str, Any]]:
    """The version's alerts but latency's (test_latency_needs_two_consecutive_windows)."""
    return [
        a
        for a in await alerts_of(client, tenant)
        if a["modelVersionId"] == str(version) and a["kind"] != "LATENCY_P99"
    ]


async def second_version(client: httpx.AsyncClient, tenant: TenantFixture) -> uuid.UUID:
    if tenant.id not in _second:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant, "Second"), "Second"
        )
        _second[tenant.id] = uuid.UUID(str(version["id"]))
    return _second[tenant.id]


async def test_acknowledge_then_resolve_with_comments(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    feature = f"ack_{uuid.uuid4().hex[:6]}"
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.9, 0, feature=feature)])
    (alert,) = await alerts_of(client, tenant, feature)
    # a resolved alert cannot be acknowledged; an open one can
    acked = await gql(client, ACK, {"id": alert["id"], "c": "looking"}, tenant.bearer)
    assert acked["data"]["acknowledgeAlert"]["status"] == "ACKNOWLEDGED", acked
    assert acked["data"]["acknowledgeAlert"]["acknowledgeComment"] == "looking"
    twice = await gql(client, ACK, {"id": alert["id"]}, tenant.bearer)
    assert error_codes(twice) == ["CONFLICT"], twice
    # a repeat while acknowledged still updates the same alert
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.95, 1, feature=feature)])
    (same,) = await alerts_of(client, tenant, feature)
    assert (same["id"], same["status"], same["count"]) == (alert["id"], "ACKNOWLEDGED", 2)
    resolved = await gql(client, RESOLVE, {"id": alert["id"], "c": "retrained"}, tenant.bearer)
    assert resolved["data"]["resolveAlert"]["status"] == "RESOLVED", resolved
    assert resolved["data"]["resolveAlert"]["resolvedAt"]
    for mutation in (ACK, RESOLVE):
        refused = await gql(client, mutation, {"id": alert["id"]}, tenant.bearer)
        assert error_codes(refused) == ["CONFLICT"], refused
    # once resolved, the next breach opens a new alert
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.8, 2, feature=feature)])
    found = await alerts_of(client, tenant, feature)
    assert sorted(a["status"] for a in found) == ["OPEN", "RESOLVED"]
    me = (await gql(client, "{ viewer { displayName } }", {}, tenant.bearer))["data"]["viewer"]
    (done,) = [a for a in found if a["status"] == "RESOLVED"]
    assert done["acknowledgedBy"] == done["resolvedBy"] == me["displayName"]
    assert (done["acknowledgeComment"], done["resolveComment"]) == ("looking", "retrained")
    opened = await gql(client, ALERTS, {"status": "OPEN", "first": 100}, tenant.bearer)
    assert all(e["node"]["status"] == "OPEN" for e in opened["data"]["alerts"]["edges"])


@pytest.mark.parametrize(
    ("comment", "code"),
    [
        ("x" * 1001, "BAD_USER_INPUT"),
        ("bell\x07", "BAD_USER_INPUT"),
        ("nul\x00", "BAD_USER_INPUT"),
        ("half \ud800 a pair", "BAD_USER_INPUT"),
    ],
)
async def test_hostile_comments_are_refused(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID], comment: str, code: str
) -> None:
    tenant, version = trained
    feature = f"hostile_{uuid.uuid4().hex[:6]}"
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.9, 0, feature=feature)])
    (alert,) = await alerts_of(client, tenant, feature)
    body = await gql_ascii(client, ACK, {"id": alert["id"], "c": comment}, tenant.bearer)
    assert error_codes(body) == [code], body
    (unchanged,) = await alerts_of(client, tenant, feature)
    assert unchanged["status"] == "OPEN"


async def test_unknown_and_malformed_alert_ids_are_not_found(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, _ = trained
    for bad in (str(uuid.uuid4()), "not-an-id", "' OR 1=1 --"):
        body = await gql(client, RESOLVE, {"id": bad}, tenant.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
    body = await gql(client, ALERTS, {"after": "garbage!"}, tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    body = await gql(client, ALERTS, {"first": 1000}, tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"], body


async def test_rules_default_then_custom_then_back(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, _ = trained
    version = await second_version(client, tenant)
    body = await gql(client, RULES, {"v": str(version)}, tenant.bearer)
    rules = body["data"]["alertRules"]
    assert rules["isDefault"] is True
    assert {r["kind"] for r in rules["rules"]} == {
        "FEATURE_DRIFT",
        "PREDICTION_DRIFT",
        "ERROR_RATE",
        "LATENCY_P99",
    }
    custom = [
        {"kind": "FEATURE_DRIFT", "threshold": 0.1, "severity": "WARNING", "feature": "amount"},
        {"kind": "PERFORMANCE", "threshold": 0.7, "comparison": "LTE", "windows": 3},
        {"kind": "ERROR_RATE", "threshold": 0.01, "enabled": False},
    ]
    body = await gql(
        client, SET_RULES, {"i": {"modelVersionId": str(version), "rules": custom}}, tenant.bearer
    )
    assert body["data"]["setAlertRules"]["isDefault"] is False, body
    # the custom rules judge: a WARNING at PSI 0.1 on amount only; error rates are silenced
    await judge(
        tenant.id,
        version,
        [
            signal(SignalKind.FEATURE_DRIFT, 0.12, 10, feature="amount"),
            signal(SignalKind.FEATURE_DRIFT, 0.9, 10, feature="other"),
            signal(SignalKind.ERROR_RATE, 0.5, 10),
            signal(SignalKind.PERFORMANCE, 0.6, 10, metric="roc_auc"),
        ],
    )
    mine = await of_version(client, tenant, version)
    assert [(a["kind"], a["feature"], a["severity"]) for a in mine] == [
        ("FEATURE_DRIFT", "amount", "WARNING")
    ]
    for hour in (11, 12):
        await judge(
            tenant.id, version, [signal(SignalKind.PERFORMANCE, 0.65, hour, metric="roc_auc")]
        )
    mine = await of_version(client, tenant, version)
    assert {(a["kind"], a["metric"]) for a in mine} == {
        ("FEATURE_DRIFT", None),
        ("PERFORMANCE", "roc_auc"),
    }
    # [] returns the version to the defaults
    body = await gql(
        client, SET_RULES, {"i": {"modelVersionId": str(version), "rules": []}}, tenant.bearer
    )
    assert body["data"]["setAlertRules"]["isDefault"] is True


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "FEATURE_DRIFT", "threshold": -1},
        {"kind": "ERROR_RATE", "threshold": 5},
        {"kind": "LATENCY_P99", "threshold": 50, "windows": 0},
        {"kind": "LATENCY_P99", "threshold": 50, "windows": 100000},
        {"kind": "LATENCY_P99", "threshold": 50, "feature": "amount"},
        {"kind": "FEATURE_DRIFT", "threshold": 0.2, "feature": "x" * 201},
        {"kind": "FEATURE_DRIFT", "threshold": 0.2, "feature": "   "},
        {"kind": "FEATURE_DRIFT", "threshold": 0.2, "feature": "a\x00b"},
        {"kind": "FEATURE_DRIFT", "threshold": 0.2, "feature": "\ud800"},
    ],
)
async def test_bad_rules_are_refused(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID], rule: dict[str, Any]
) -> None:
    tenant, version = trained
    body = await gql_ascii(
        client, SET_RULES, {"i": {"modelVersionId": str(version), "rules": [rule]}}, tenant.bearer
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert (await gql(client, RULES, {"v": str(version)}, tenant.bearer))["data"]["alertRules"][
        "isDefault"
    ]


async def test_too_many_and_duplicate_rules_are_refused(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    many = [{"kind": "FEATURE_DRIFT", "threshold": 0.2, "feature": f"f{i}"} for i in range(51)]
    twice = [{"kind": "ERROR_RATE", "threshold": 0.1}, {"kind": "ERROR_RATE", "threshold": 0.2}]
    for rules in (many, twice):
        body = await gql(
            client,
            SET_RULES,
            {"i": {"modelVersionId": str(version), "rules": rules}},
            tenant.bearer,
        )
        assert error_codes(body) == ["BAD_USER_INPUT"], body


async def test_a_viewer_reads_alerts_but_cannot_change_them(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    from phantom.authz.permissions import MATRIX
    from phantom.authz.roles import Role
    from tests.graphql.test_schema_permissions import member_with

    tenant, version = trained
    feature = f"viewer_{uuid.uuid4().hex[:6]}"
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.9, 0, feature=feature)])
    viewer = {"Authorization": f"Bearer {await member_with(tenant, set(MATRIX[Role.VIEWER]))}"}
    body = await gql(client, ALERTS, {"first": 100}, viewer)
    ids = [
        e["node"]["id"] for e in body["data"]["alerts"]["edges"] if e["node"]["feature"] == feature
    ]
    assert len(ids) == 1, body
    for mutation in (ACK, RESOLVE):
        refused = await gql(client, mutation, {"id": ids[0]}, viewer)
        assert error_codes(refused) == ["FORBIDDEN"], refused
    refused = await gql(
        client, SET_RULES, {"i": {"modelVersionId": str(version), "rules": []}}, viewer
    )
    assert error_codes(refused) == ["FORBIDDEN"], refused


async def test_another_tenant_sees_and_changes_none_of_it(
    client: httpx.AsyncClient,
    trained: tuple[TenantFixture, uuid.UUID],
    other_tenant: TenantFixture,
) -> None:
    tenant, version = trained
    feature = f"secret_{uuid.uuid4().hex[:6]}"
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.9, 0, feature=feature)])
    (alert,) = await alerts_of(client, tenant, feature)
    theirs = await gql(client, ALERTS, {"first": 100}, other_tenant.bearer)
    assert theirs["data"]["alerts"]["totalCount"] == 0, theirs
    for mutation in (ACK, RESOLVE):
        body = await gql(client, mutation, {"id": alert["id"]}, other_tenant.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
    body = await gql(client, RULES, {"v": str(version)}, other_tenant.bearer)
    assert error_codes(body) == ["NOT_FOUND"], body
    (unchanged,) = await alerts_of(client, tenant, feature)
    assert unchanged["status"] == "OPEN"
    # evaluate() in another tenant's session cannot reach this version's rows either
    with pytest.raises(NotFound):
        async with transaction(other_tenant.id) as session:
            await evaluate(
                session,
                other_tenant.id,
                version,
                [signal(SignalKind.FEATURE_DRIFT, 0.9, 5, feature=feature)],
            )
    assert (await alerts_of(client, tenant, feature))[0]["count"] == 1


async def test_an_opening_is_published_on_the_tenants_alert_stream(
    trained: tuple[TenantFixture, uuid.UUID], other_tenant: TenantFixture
) -> None:
    tenant, version = trained
    feature = f"stream_{uuid.uuid4().hex[:6]}"
    bus = get_event_bus()
    async with (
        bus.subscribe(tenant.id, {"alerts.alert.opened"}) as mine,
        bus.subscribe(other_tenant.id, None) as theirs,
    ):
        await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.7, 0, feature=feature)])
        event = await asyncio.wait_for(anext(mine), 5)
        assert event.payload["alert"]["feature"] == feature
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(theirs), 0.5)


SUBSCRIBE = "subscription { alerts { type alert { id feature status severity value } } }"
AUDIT = """query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) {
  edges { node { action resourceId details actor { type userId } } } } }"""


async def test_the_alerts_subscription_streams_each_transition(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    from starlette.requests import Request

    from phantom.graphql.context import Context
    from phantom.graphql.schema import schema
    from tests.graphql.test_schema_permissions import principal_of

    tenant, version = trained
    feature = f"live_{uuid.uuid4().hex[:6]}"
    context = Context(connection=Request({"type": "http", "headers": [], "method": "POST"}))
    context.set_principal(await principal_of(tenant.token), None)
    context.ws_authorization = f"Bearer {tenant.token}"
    stream = await schema.subscribe(SUBSCRIBE, context_value=context)
    assert not hasattr(stream, "errors"), stream
    try:
        first = asyncio.ensure_future(anext(stream))  # type: ignore[arg-type]
        await asyncio.sleep(0.3)  # the subscription is live once its generator runs
        await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.7, 0, feature=feature)])
        opened = await asyncio.wait_for(first, 5)
        assert not opened.errors, opened.errors
        event = opened.data["alerts"]
        assert (event["type"], event["alert"]["feature"], event["alert"]["status"]) == (
            "alert.opened",
            feature,
            "OPEN",
        )
        body = await gql(client, ACK, {"id": event["alert"]["id"], "c": "mine"}, tenant.bearer)
        assert "errors" not in body, body
        acked = await asyncio.wait_for(anext(stream), 5)  # type: ignore[arg-type]
        assert acked.data["alerts"]["type"] == "alert.acknowledged"
        assert acked.data["alerts"]["alert"]["status"] == "ACKNOWLEDGED"
    finally:
        await stream.aclose()  # type: ignore[union-attr]


async def test_openings_and_transitions_are_audited(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    feature = f"audited_{uuid.uuid4().hex[:6]}"
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.7, 0, feature=feature)])
    await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.8, 1, feature=feature)])
    (alert,) = await alerts_of(client, tenant, feature)
    await gql(client, ACK, {"id": alert["id"], "c": "on it"}, tenant.bearer)
    await gql(client, RESOLVE, {"id": alert["id"], "c": "fixed upstream"}, tenant.bearer)
    body = await gql(
        client, AUDIT, {"f": {"action": "alerts.alert.", "resourceId": alert["id"]}}, tenant.bearer
    )
    events = [e["node"] for e in body["data"]["auditEvents"]["edges"]]
    by_action = {e["action"]: e for e in events}
    assert sorted(by_action) == [
        "alerts.alert.acknowledged",
        "alerts.alert.opened",
        "alerts.alert.resolved",
    ], events
    assert len(events) == 3  # the repeat updated the alert: no second opening
    opened = by_action["alerts.alert.opened"]
    assert opened["actor"]["type"] == "SYSTEM"
    assert opened["details"]["subject"] == feature
    assert by_action["alerts.alert.acknowledged"]["details"]["comment"] == "on it"
    assert by_action["alerts.alert.resolved"]["details"]["comment"] == "fixed upstream"
    assert by_action["alerts.alert.resolved"]["actor"]["userId"]


async def test_concurrent_refreshes_open_one_alert(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    """Two workers refreshing the same version at once: one streak, one alert, one
    audit event (the second insert finds the first and updates it)."""
    tenant, version = trained
    feature = f"race_{uuid.uuid4().hex[:6]}"
    drift = [signal(SignalKind.FEATURE_DRIFT, 0.5, 0, feature=feature)]
    await asyncio.gather(*(judge(tenant.id, version, drift) for _ in range(4)))
    (alert,) = await alerts_of(client, tenant, feature)
    assert alert["count"] == 1
    body = await gql(
        client,
        AUDIT,
        {"f": {"action": "alerts.alert.opened", "resourceId": alert["id"]}},
        tenant.bearer,
    )
    assert len(body["data"]["auditEvents"]["edges"]) == 1, body


async def test_a_value_that_is_not_a_number_is_not_judged(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    feature = f"nan_{uuid.uuid4().hex[:6]}"
    for value in (float("nan"), float("inf")):
        await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, value, feature=feature)])
    assert await alerts_of(client, tenant, feature) == []


async def test_alerts_of_one_model_version(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    other = await second_version(client, tenant)
    feature = f"filter_{uuid.uuid4().hex[:6]}"
    for each in (version, other):
        await judge(tenant.id, each, [signal(SignalKind.FEATURE_DRIFT, 0.5, feature=feature)])
    query = """query($v: ID) { alerts(modelVersionId: $v, first: 100) {
      edges { node { modelVersionId feature } } } }"""
    body = await gql(client, query, {"v": str(other)}, tenant.bearer)
    nodes = [e["node"] for e in body["data"]["alerts"]["edges"]]
    assert nodes
    assert {n["modelVersionId"] for n in nodes} == {str(other)}
    body = await gql(client, query, {"v": str(uuid.uuid4())}, tenant.bearer)
    assert body["data"]["alerts"]["edges"] == []
    body = await gql(client, query, {"v": "junk"}, tenant.bearer)
    assert error_codes(body) == ["NOT_FOUND"]
