"""Signed webhooks, end to end: a drift alert opened by ``evaluate`` is delivered to a
real HTTP receiver on 127.0.0.1 whose signature check passes with the secret that
``createWebhook`` answered once; retries with backoff; the SSRF rule; claims; tenants."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from phantom.authz.permissions import MATRIX
from phantom.authz.roles import Role
from phantom.db import transaction
from phantom.monitoring.types import SignalKind
from phantom.webhooks import service
from phantom.webhooks.signing import signature_header, verify
from tests.alerts.support import gql_ascii, judge, receiver, signal
from tests.graphql.test_schema_permissions import member_with
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql
from tests.support.models import train_version, upload_payments

pytestmark = pytest.mark.slow  # the model version is a real fit in a child process

CREATE = """mutation($i: CreateWebhookInput!) { createWebhook(input: $i) {
  secret webhook { id url events createdAt } } }"""
LIST = "{ webhooks(first: 100) { totalCount edges { node { id url events createdAt } } } }"
DELIVERIES = """query($w: ID!) { webhookDeliveries(webhookId: $w, first: 100) {
  totalCount edges { node { id webhookId eventId event status attempts lastStatusCode
  lastError nextAttemptAt deliveredAt createdAt } } } }"""
DELETE = "mutation($id: ID!) { deleteWebhook(id: $id) }"
AUDIT = """query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) {
  edges { node { action resourceId details } } } }"""


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, uuid.UUID]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), "Payments"
        )
    return tenant, uuid.UUID(str(version["id"]))


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Change the webhooks' settings for one test (they are frozen for the process)."""

    def patch(**changes: Any) -> None:
        monkeypatch.setattr(service, "settings", service.settings.model_copy(update=changes))

    return patch


async def create(
    client: httpx.AsyncClient, tenant: TenantFixture, url: str, events: list[str] | None = None
) -> tuple[str, str]:
    body = await gql(
        client, CREATE, {"i": {"url": url, "events": events or ["alert.opened"]}}, tenant.bearer
    )
    assert "errors" not in body, body
    created = body["data"]["createWebhook"]
    return created["webhook"]["id"], created["secret"]


async def deliveries(
    client: httpx.AsyncClient, tenant: TenantFixture, webhook_id: str
) -> list[dict[str, Any]]:
    body = await gql(client, DELIVERIES, {"w": webhook_id}, tenant.bearer)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["webhookDeliveries"]["edges"]]


async def emit_one(tenant: TenantFixture, event: str = "alert.opened") -> None:
    async with transaction(tenant.id) as session:
        await service.emit(session, tenant.id, event, {"alert": {"id": "a", "value": 0.5}})


async def test_a_drift_alert_is_delivered_signed_with_the_secret(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    with receiver() as hook:
        webhook_id, secret = await create(client, tenant, hook.url)
        assert secret.startswith("whsec_")
        assert len(secret) > 40
        # when: monitoring reports one shifted feature
        feature = f"amount_{uuid.uuid4().hex[:6]}"
        await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.6, feature=feature)])
        (pending,) = await deliveries(client, tenant, webhook_id)
        assert (pending["status"], pending["attempts"], pending["event"]) == (
            "PENDING",
            0,
            "alert.opened",
        )
        # and the worker runs the delivery job
        await service.deliver(tenant.id, uuid.UUID(pending["id"]))
        (got,) = hook.received
    # then: the receiver verifies the signature with the secret shown once
    header = got.headers["x-phantom-signature"]
    assert verify(secret, got.body, header)
    assert not verify(secret, got.body.replace(b"0.6", b"0.1"), header)  # tampered body
    assert not verify(secret + "x", got.body, header)  # another secret
    assert not verify(secret, got.body, header, now=int(header[2:12]) + 3600)  # replayed late
    payload = json.loads(got.body)
    assert payload["type"] == "alert.opened"
    assert payload["id"] == got.headers["x-phantom-event-id"] == pending["eventId"]
    assert got.headers["x-phantom-event"] == "alert.opened"
    assert payload["data"]["alert"]["feature"] == feature
    assert payload["data"]["alert"]["modelVersionId"] == str(version)
    (done,) = await deliveries(client, tenant, webhook_id)
    assert (done["status"], done["attempts"], done["lastStatusCode"]) == ("DELIVERED", 1, 200)
    assert done["deliveredAt"]
    assert done["lastError"] is None
    # a duplicate message sends nothing more
    assert await service.deliver(tenant.id, uuid.UUID(pending["id"])) is None
    assert len(hook.received) == 1


async def test_retries_with_backoff_until_the_receiver_answers(
    client: httpx.AsyncClient, tenant: TenantFixture, patched: Any
) -> None:
    patched(WEBHOOK_RETRY_BASE_SECONDS=0.3)
    with receiver(failures=2) as hook:
        webhook_id, secret = await create(client, tenant, hook.url)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        delivery_id = uuid.UUID(delivery["id"])
        assert await service.deliver(tenant.id, delivery_id) == service.DeliveryStatus.RETRYING
        (first,) = await deliveries(client, tenant, webhook_id)
        assert (first["status"], first["attempts"], first["lastStatusCode"]) == (
            "RETRYING",
            1,
            500,
        )
        assert first["nextAttemptAt"]
        assert "500" in first["lastError"]
        # not due yet: a message arriving early sends nothing
        assert await service.deliver(tenant.id, delivery_id) is None
        assert len(hook.received) == 1
        await asyncio.sleep(0.35)
        assert await service.deliver(tenant.id, delivery_id) == service.DeliveryStatus.RETRYING
        await asyncio.sleep(0.15)  # the second wait is twice the first (0.6 s)
        assert await service.deliver(tenant.id, delivery_id) is None
        await asyncio.sleep(0.5)
        assert await service.deliver(tenant.id, delivery_id) == service.DeliveryStatus.DELIVERED
    assert [r.headers["x-phantom-delivery-attempt"] for r in hook.received] == ["1", "2", "3"]
    assert len({r.headers["x-phantom-event-id"] for r in hook.received}) == 1
    assert len({r.body for r in hook.received}) == 1  # the same bytes every time
    assert all(verify(secret, r.body, r.headers["x-phantom-signature"]) for r in hook.received)
    (done,) = await deliveries(client, tenant, webhook_id)
    assert (done["status"], done["attempts"], done["lastError"]) == ("DELIVERED", 3, None)


async def test_attempts_are_bounded(
    client: httpx.AsyncClient, tenant: TenantFixture, patched: Any
) -> None:
    patched(WEBHOOK_RETRY_BASE_SECONDS=0.05, WEBHOOK_MAX_ATTEMPTS=2)
    with receiver(failures=100) as hook:
        webhook_id, _ = await create(client, tenant, hook.url)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        await service.deliver(tenant.id, uuid.UUID(delivery["id"]))
        await asyncio.sleep(0.1)
        assert await service.deliver(tenant.id, uuid.UUID(delivery["id"])) == (
            service.DeliveryStatus.FAILED
        )
        await asyncio.sleep(0.1)
        assert await service.deliver(tenant.id, uuid.UUID(delivery["id"])) is None
    assert len(hook.received) == 2
    (failed,) = await deliveries(client, tenant, webhook_id)
    assert (failed["status"], failed["attempts"], failed["nextAttemptAt"]) == ("FAILED", 2, None)


@pytest.mark.parametrize("scheme_host", ["http://127.0.0.1", "https://localhost"])
async def test_a_private_address_is_refused_at_delivery_when_not_allowed(
    client: httpx.AsyncClient, tenant: TenantFixture, patched: Any, scheme_host: str
) -> None:
    """Saved while allowed, sent after the operator turned it off: the delivery says why
    and the receiver is never reached (plain http, or a name resolving to loopback)."""
    with receiver() as hook:
        webhook_id, _ = await create(client, tenant, f"{scheme_host}:{hook.port}/hook")
        patched(WEBHOOK_ALLOW_PRIVATE=False)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        status = await service.deliver(tenant.id, uuid.UUID(delivery["id"]))
        assert status == service.DeliveryStatus.FAILED
        assert hook.received == []
    (failed,) = await deliveries(client, tenant, webhook_id)
    assert failed["status"] == "FAILED"
    assert failed["attempts"] == 1
    assert "PHANTOM_WEBHOOK_ALLOW_PRIVATE" in failed["lastError"], failed
    assert "127.0.0.1" not in failed["lastError"]  # the address itself stays in the log


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.8/hook",
        "https://192.168.1.1/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",
        "https://db.localhost/hook",
        "http://hooks.example.com/plain",
    ],
)
async def test_private_urls_are_refused_at_creation_when_not_allowed(
    client: httpx.AsyncClient, tenant: TenantFixture, patched: Any, url: str
) -> None:
    patched(WEBHOOK_ALLOW_PRIVATE=False)
    body = await gql(client, CREATE, {"i": {"url": url, "events": ["alert.opened"]}}, tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert (await gql(client, LIST, {}, tenant.bearer))["data"]["webhooks"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("https://user:pass@hooks.example.com/x", ["alert.opened"]),
        ("https://hooks.example.com/x#frag", ["alert.opened"]),
        ("ftp://hooks.example.com/x", ["alert.opened"]),
        ("javascript:alert(1)", ["alert.opened"]),
        ("https://", ["alert.opened"]),
        ("", ["alert.opened"]),
        ("https://hooks.example.com/a b", ["alert.opened"]),
        ("https://hooks.example.com/\r\nX-Evil: 1", ["alert.opened"]),
        ("https://hooks.example.com/\x00", ["alert.opened"]),
        ("https://hooks.example.com/\ud800", ["alert.opened"]),
        ("https://hooks.example.com:99999/x", ["alert.opened"]),
        ("https://hooks.example.com/" + "a" * 2100, ["alert.opened"]),
        ("https://hooks.example.com/x", []),
        ("https://hooks.example.com/x", ["alert.exploded"]),
        ("https://hooks.example.com/x", ["x" * 10_000]),
        ("https://hooks.example.com/x", ["alert.opened"] * 21),
    ],
)
async def test_malformed_webhooks_are_refused(
    client: httpx.AsyncClient, tenant: TenantFixture, url: str, events: list[str]
) -> None:
    body = await gql_ascii(client, CREATE, {"i": {"url": url, "events": events}}, tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert (await gql(client, LIST, {}, tenant.bearer))["data"]["webhooks"]["totalCount"] == 0


async def test_a_delivery_is_claimed_by_one_worker_only(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    with receiver() as hook:
        webhook_id, _ = await create(client, tenant, hook.url)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        delivery_id = uuid.UUID(delivery["id"])
        # two workers got the message (a redelivery): both run at once
        results = await asyncio.gather(*(service.deliver(tenant.id, delivery_id) for _ in range(4)))
        assert sorted(map(str, results)) == sorted(["DELIVERED", "None", "None", "None"]), results
        assert len(hook.received) == 1


async def test_only_subscribed_webhooks_get_an_event(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    with receiver() as hook:
        opened, _ = await create(client, tenant, hook.url, ["alert.opened"])
        resolved, _ = await create(client, tenant, hook.url, ["alert.resolved", "alert.opened"])
        await emit_one(tenant, "alert.resolved")
        assert await deliveries(client, tenant, opened) == []
        (only,) = await deliveries(client, tenant, resolved)
        assert only["event"] == "alert.resolved"


async def test_deleting_a_webhook_drops_its_deliveries(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    with receiver() as hook:
        webhook_id, _ = await create(client, tenant, hook.url)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        body = await gql(client, DELETE, {"id": webhook_id}, tenant.bearer)
        assert body["data"]["deleteWebhook"] is True, body
        assert await service.deliver(tenant.id, uuid.UUID(delivery["id"])) is None
        assert hook.received == []
    body = await gql(client, DELIVERIES, {"w": webhook_id}, tenant.bearer)
    assert error_codes(body) == ["NOT_FOUND"], body
    assert (await gql(client, LIST, {}, tenant.bearer))["data"]["webhooks"]["totalCount"] == 0


async def test_another_tenant_sees_and_touches_nothing(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    webhook_id, _ = await create(client, tenant, "https://hooks.example.com/mine")
    await emit_one(tenant)
    theirs = await gql(client, LIST, {}, other_tenant.bearer)
    assert theirs["data"]["webhooks"]["totalCount"] == 0
    for query, variables in ((DELIVERIES, {"w": webhook_id}), (DELETE, {"id": webhook_id})):
        body = await gql(client, query, variables, other_tenant.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
    # an emit in their transaction finds only their own (no) webhooks
    await emit_one(other_tenant)
    assert len(await deliveries(client, tenant, webhook_id)) == 1
    assert (await gql(client, LIST, {}, tenant.bearer))["data"]["webhooks"]["totalCount"] == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.DATA_SCIENTIST, Role.ML_ENGINEER])
async def test_only_administrators_manage_webhooks(
    client: httpx.AsyncClient, tenant: TenantFixture, role: Role
) -> None:
    webhook_id, _ = await create(client, tenant, "https://hooks.example.com/admin")
    member = {"Authorization": f"Bearer {await member_with(tenant, set(MATRIX[role]))}"}
    body = await gql(
        client,
        CREATE,
        {"i": {"url": "https://hooks.example.com/x", "events": ["alert.opened"]}},
        member,
    )
    assert error_codes(body) == ["FORBIDDEN"], body
    for query, variables in (
        (LIST, {}),
        (DELIVERIES, {"w": webhook_id}),
        (DELETE, {"id": webhook_id}),
    ):
        body = await gql(client, query, variables, member)
        assert error_codes(body) == ["FORBIDDEN"], body
    assert (await gql(client, LIST, {}, tenant.bearer))["data"]["webhooks"]["totalCount"] == 1


async def test_the_secret_is_shown_once_and_never_again(
    client: httpx.AsyncClient, tenant: TenantFixture, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with receiver() as hook:
        webhook_id, secret = await create(client, tenant, hook.url)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        await service.deliver(tenant.id, uuid.UUID(delivery["id"]))
        assert len(hook.received) == 1
    seen = [
        await gql(client, LIST, {}, tenant.bearer),
        await gql(client, DELIVERIES, {"w": webhook_id}, tenant.bearer),
        await gql(client, AUDIT, {"f": {"action": "webhooks."}}, tenant.bearer),
    ]
    audit = seen[2]["data"]["auditEvents"]["edges"]
    assert [e["node"]["action"] for e in audit] == ["webhooks.webhook.created"], seen[2]
    assert audit[0]["node"]["details"]["url"] == hook.url
    for body in seen:
        assert "errors" not in body, body
        assert secret not in json.dumps(body)
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert secret not in logged
    # at rest it is sealed, bound to the tenant and the webhook
    async with transaction(tenant.id) as session:
        stored = await session.scalar(
            text("SELECT secret_sealed FROM webhooks WHERE id = :id"), {"id": webhook_id}
        )
    assert secret.encode() not in bytes(stored)
    assert stored[:2] == b"v1"


def test_the_signature_is_the_documented_hmac() -> None:
    """t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<body>")), checked by a known vector."""
    import hashlib
    import hmac

    body = b'{"id":"e","type":"alert.opened"}'
    header = signature_header("whsec_test", body, 1_700_000_000)
    expected = hmac.new(b"whsec_test", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert verify("whsec_test", body, header, now=1_700_000_100)
    assert not verify("whsec_test", body, "t=abc,v1=" + expected, now=1_700_000_100)
    assert not verify("whsec_test", body, "v1=" + expected, now=1_700_000_100)
    assert not verify("whsec_test", body, "", now=1_700_000_100)


async def test_acknowledging_and_resolving_are_sent_to_subscribers(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, uuid.UUID]
) -> None:
    tenant, version = trained
    all_events = ["alert.opened", "alert.acknowledged", "alert.resolved"]
    with receiver() as hook:
        webhook_id, secret = await create(client, tenant, hook.url, all_events)
        feature = f"life_{uuid.uuid4().hex[:6]}"
        await judge(tenant.id, version, [signal(SignalKind.FEATURE_DRIFT, 0.6, feature=feature)])
        (opened,) = await deliveries(client, tenant, webhook_id)
        await service.deliver(tenant.id, uuid.UUID(opened["id"]))
        alert_id = json.loads(hook.received[0].body)["data"]["alert"]["id"]
        for mutation in (
            'mutation($id: ID!) { acknowledgeAlert(id: $id, comment: "seen") { id } }',
            "mutation($id: ID!) { resolveAlert(id: $id) { id } }",
        ):
            body = await gql(client, mutation, {"id": alert_id}, tenant.bearer)
            assert "errors" not in body, body
        for delivery in reversed(await deliveries(client, tenant, webhook_id)):  # oldest first
            await service.deliver(tenant.id, uuid.UUID(delivery["id"]))
    sent = [json.loads(r.body) for r in hook.received]
    assert [p["type"] for p in sent] == all_events
    assert {p["data"]["alert"]["id"] for p in sent} == {alert_id}
    assert sent[1]["data"]["alert"]["acknowledgeComment"] == "seen"
    assert "acknowledgedById" not in sent[1]["data"]["alert"]  # no person leaves the tenant
    assert "resolvedById" not in sent[2]["data"]["alert"]
    assert sent[2]["data"]["alert"]["status"] == "RESOLVED"
    assert all(verify(secret, r.body, r.headers["x-phantom-signature"]) for r in hook.received)


async def test_the_sweep_resends_deliveries_whose_message_was_lost(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Due, untouched for a minute, nobody's claim: sent again (the claim still makes
    a duplicate harmless); a fresh delivery's message is still in flight: left alone."""
    from datetime import timedelta

    from phantom.kit.rows import utcnow

    webhook_id, _ = await create(client, tenant, "https://hooks.example.com/lost")
    await emit_one(tenant)
    (delivery,) = await deliveries(client, tenant, webhook_id)
    wanted = (tenant.id, uuid.UUID(delivery["id"]))
    sent: list[tuple[uuid.UUID, uuid.UUID]] = []
    monkeypatch.setattr(
        service, "send_job", lambda name, **kw: sent.append((kw["tenant_id"], kw["delivery_id"]))
    )
    await service.sweep()
    assert wanted not in sent
    await service.sweep(now=utcnow() + timedelta(seconds=service.SWEEP_QUIET_SECONDS + 1))
    assert wanted in sent


async def test_redirects_are_not_followed(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    with receiver() as elsewhere, receiver(failures=1, failure=302, location=elsewhere.url) as hook:
        webhook_id, _ = await create(client, tenant, hook.url)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        status = await service.deliver(tenant.id, uuid.UUID(delivery["id"]))
        assert status == service.DeliveryStatus.RETRYING
        assert len(hook.received) == 1
        assert elsewhere.received == []
    (retrying,) = await deliveries(client, tenant, webhook_id)
    assert retrying["lastStatusCode"] == 302
    assert "redirects are not followed" in retrying["lastError"]


async def test_a_slow_receiver_times_out_and_is_retried(
    client: httpx.AsyncClient, tenant: TenantFixture, patched: Any
) -> None:
    patched(WEBHOOK_TIMEOUT_SECONDS=0.3)
    with receiver(delay=1.5) as hook:
        webhook_id, _ = await create(client, tenant, hook.url)
        await emit_one(tenant)
        (delivery,) = await deliveries(client, tenant, webhook_id)
        status = await service.deliver(tenant.id, uuid.UUID(delivery["id"]))
        assert status == service.DeliveryStatus.RETRYING
    (retrying,) = await deliveries(client, tenant, webhook_id)
    assert retrying["lastStatusCode"] is None
    assert "No answer within 0.3 s" in retrying["lastError"], retrying


async def test_the_event_catalogue(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    body = await gql(client, "{ webhookEvents }", {}, tenant.bearer)
    assert body["data"]["webhookEvents"] == ["alert.opened", "alert.acknowledged", "alert.resolved"]


async def test_finished_deliveries_are_purged_after_their_retention(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from phantom.kit.rows import utcnow

    monkeypatch.setattr(service, "send_job", lambda name, **kw: None)
    with receiver() as hook:
        webhook_id, _ = await create(client, tenant, hook.url)
        await emit_one(tenant)
        await emit_one(tenant)
        first, second = await deliveries(client, tenant, webhook_id)
        await service.deliver(tenant.id, uuid.UUID(first["id"]))  # DELIVERED; second PENDING
    days = service.settings.WEBHOOK_DELIVERY_RETENTION_DAYS
    await service.sweep(now=utcnow() + timedelta(days=days) - timedelta(minutes=5))
    assert len(await deliveries(client, tenant, webhook_id)) == 2  # not yet
    await service.sweep(now=utcnow() + timedelta(days=days, minutes=5))
    (left,) = await deliveries(client, tenant, webhook_id)
    assert left["id"] == second["id"]  # still waiting: never purged
    assert left["status"] == "PENDING"
