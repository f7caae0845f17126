"""A small real model for serving tests: the anomaly engine on payments (a fit of a few
seconds in a child process, registered by the registry, loaded from the store), and the
audit events a refused ``predict`` leaves, to compare the REST and GraphQL channels."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import payments, train_version, upload_payments

GRAPHQL_PREDICT = """mutation($id: ID!, $rows: JSON!) {
  predict(modelVersionId: $id, rows: $rows) { predictions } }"""
EVENTS = """query($f: AuditEventFilter) { auditEvents(first: 50, filter: $f) {
  edges { node { action outcome requestId details } } } }"""


async def trained_model(app: Any, model_name: str = "Payments") -> tuple[TenantFixture, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), model_name
        )
    return tenant, str(version["id"])


def payment_rows(count: int, seed: int = 1) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = payments(max(count, 10), seed).head(count).to_dict("records")
    return rows


async def predict_events(client: httpx.AsyncClient, tenant: TenantFixture) -> list[dict[str, Any]]:
    body = await gql(client, EVENTS, {"f": {"action": "graphql.predict"}}, tenant.bearer)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["auditEvents"]["edges"]]


def same_audit(event: dict[str, Any]) -> tuple[str, str, str, list[str]]:
    """What must be equal on both channels (REST adds ``channel: rest``)."""
    details = event["details"]
    return event["action"], event["outcome"], details["error_code"], details["arguments"]
