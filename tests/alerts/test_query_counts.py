"""``alerts``, ``webhooks`` and ``webhookDeliveries`` cost the same number of queries for
a page of three as for one row (the web app's fields)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.alerts.support import open_drift_alert
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import train_version, upload_payments
from tests.support.queries import page_costs

pytestmark = pytest.mark.slow  # the model version is a real fit in a child process

ALERTS = """query($first: Int!) { alerts(first: $first) { totalCount edges { node {
  id modelVersionId kind feature metric severity status comparison value threshold window
  windowStart count createdAt lastSeenAt acknowledgedAt acknowledgeComment resolvedAt
  resolveComment } } } }"""
WEBHOOKS = """query($first: Int!) { webhooks(first: $first) { totalCount edges { node {
  id url events createdAt } } } }"""
DELIVERIES = """query($first: Int!) { webhookDeliveries(webhookId: "WEBHOOK", first: $first) {
  totalCount edges { node { id webhookId eventId event status attempts lastStatusCode
  lastError nextAttemptAt deliveredAt createdAt } } } }"""


@pytest.fixture(scope="module")
async def seeded(app: Any) -> tuple[TenantFixture, str]:
    """Three open alerts, one webhook subscribed to them (three deliveries), two more."""
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), "Payments"
        )
        webhook_ids = []
        for index in range(3):
            body = await gql(
                client,
                """mutation($i: CreateWebhookInput!) { createWebhook(input: $i) {
                webhook { id } } }""",
                {"i": {"url": f"https://hooks{index}.example.com/x", "events": ["alert.opened"]}},
                tenant.bearer,
            )
            assert "errors" not in body, body
            webhook_ids.append(body["data"]["createWebhook"]["webhook"]["id"])
    for feature in ("amount", "hour", "channel"):
        await open_drift_alert(tenant.id, uuid.UUID(str(version["id"])), feature)
    return tenant, webhook_ids[0]


@pytest.mark.parametrize("query", [ALERTS, WEBHOOKS])
async def test_a_page_costs_the_same_as_one_row(
    client: httpx.AsyncClient, seeded: tuple[TenantFixture, str], query: str
) -> None:
    tenant, _ = seeded
    costs = await page_costs(client, tenant.bearer, query, (1, 3))
    assert costs[1] == costs[3], costs
    assert costs[3] <= 5, costs


async def test_a_page_of_deliveries_costs_the_same_as_one_row(
    client: httpx.AsyncClient, seeded: tuple[TenantFixture, str]
) -> None:
    tenant, webhook_id = seeded
    query = DELIVERIES.replace("WEBHOOK", webhook_id)
    costs = await page_costs(client, tenant.bearer, query, (1, 3))
    assert costs[1] == costs[3], costs
    assert costs[3] <= 5, costs
