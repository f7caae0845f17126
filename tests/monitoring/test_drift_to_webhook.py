"""The whole chain, as the issue asks: traffic from the training source over many hourly
windows raises no alert; one feature shifted raises a drift alert on that feature alone,
and a webhook delivery whose signature verifies with the secret shown once. Real model,
real monitoring windows, the real refresh (GraphQL), the real delivery job and a real
HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from phantom.webhooks import service as webhooks
from tests.alerts.support import receiver
from tests.monitoring.support import logged_batch, observe_batch, score
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import payments, train_version, upload_payments

pytestmark = pytest.mark.slow  # a real fit in a child process

REFRESH = "mutation($id: ID!) { refreshModelHealth(modelVersionId: $id) { status } }"
ALERTS = """{ alerts(first: 100) { totalCount edges { node {
  id modelVersionId kind feature severity status value threshold } } } }"""
CREATE = """mutation($i: CreateWebhookInput!) { createWebhook(input: $i) {
  secret webhook { id } } }"""
DELIVERIES = """query($w: ID!) { webhookDeliveries(webhookId: $w, first: 100) {
  edges { node { id status event attempts lastStatusCode } } } }"""


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), "Payments"
        )
    return tenant, str(version["id"])


async def alerts(client: httpx.AsyncClient, tenant: TenantFixture) -> list[dict[str, Any]]:
    body = await gql(client, ALERTS, {}, tenant.bearer)
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["alerts"]["edges"]]


async def an_hour_of_traffic(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    version_id: str,
    at: datetime,
    seed: int,
    shift_amount: float = 1.0,
) -> None:
    frame = payments(600, seed=seed)
    frame["amount"] = frame["amount"] * shift_amount
    scored = await score(client, tenant, version_id, frame)
    await observe_batch(tenant, logged_batch(tenant, version_id, frame, scored, at))
    refreshed = await gql(client, REFRESH, {"id": version_id}, tenant.bearer)
    assert "errors" not in refreshed, refreshed


async def test_a_shifted_feature_alerts_and_signs_a_webhook_unshifted_traffic_never_alerts(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    first_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=30)
    with receiver() as hook:
        created = await gql(
            client, CREATE, {"i": {"url": hook.url, "events": ["alert.opened"]}}, tenant.bearer
        )
        assert "errors" not in created, created
        secret = created["data"]["createWebhook"]["secret"]
        webhook_id = created["data"]["createWebhook"]["webhook"]["id"]
        # given: twelve hourly windows from the training source, each refreshed
        for hour in range(12):
            at = first_hour + timedelta(hours=hour, minutes=5)
            await an_hour_of_traffic(client, tenant, version_id, at, seed=400 + hour)
            assert await alerts(client, tenant) == [], f"an alert after unshifted hour {hour}"
        # when: the next hour's amounts are tripled
        shifted_at = first_hour + timedelta(hours=12, minutes=5)
        await an_hour_of_traffic(client, tenant, version_id, shifted_at, 500, shift_amount=3)
        # then: one feature drift alert, on that feature (the anomaly scores moved with
        # it, so the predictions drift too: that is an alert of its own kind)
        raised = await alerts(client, tenant)
        assert {a["kind"] for a in raised} <= {"FEATURE_DRIFT", "PREDICTION_DRIFT"}, raised
        (alert,) = [a for a in raised if a["kind"] == "FEATURE_DRIFT"]
        assert (alert["feature"], alert["status"]) == ("amount", "OPEN")
        assert alert["modelVersionId"] == version_id
        assert alert["value"] >= alert["threshold"] >= 0.1
        # and one webhook delivery, sent by the delivery job, signed with the secret
        body = await gql(client, DELIVERIES, {"w": webhook_id}, tenant.bearer)
        sent = [e["node"] for e in body["data"]["webhookDeliveries"]["edges"]]
        assert len(sent) == len(raised)  # one alert.opened per alert
        for delivery in sent:
            assert delivery["event"] == "alert.opened"
            await webhooks.deliver(tenant.id, uuid.UUID(delivery["id"]))
        (received,) = [
            r for r in hook.received if json.loads(r.body)["data"]["alert"]["id"] == alert["id"]
        ]
    # the receiver's check, written from the documentation (not our own verify function)
    header = dict(part.split("=", 1) for part in received.headers["x-phantom-signature"].split(","))
    signed = f"{header['t']}.".encode() + received.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, header["v1"])
    payload = json.loads(received.body)
    assert payload["type"] == "alert.opened"
    assert payload["data"]["alert"]["feature"] == "amount"
    assert payload["data"]["alert"]["id"] == alert["id"]
