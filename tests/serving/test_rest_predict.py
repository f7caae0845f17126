"""The REST predict route's body limit: over ``PHANTOM_PREDICT_MAX_BODY_BYTES`` it answers
413, whether the length is declared or the body is streamed without one; its refusals of
a real model's calls are audited as GraphQL's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from phantom.config import settings
from tests.serving.support import GRAPHQL_PREDICT, predict_events, same_audit
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.models import payments, train_version, upload_payments

pytestmark = pytest.mark.slow  # each model version is a real fit in a child process
ROWS = payments().head(2).to_dict("records")


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), "Payments"
        )
    return tenant, str(version["id"])


def padded(size: int) -> bytes:
    """A valid predict body of exactly ``size`` bytes (JSON allows trailing spaces)."""
    rows = payments().head(2).to_dict("records")
    body = json.dumps({"rows": rows}).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


async def chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 64 * 1024):
        yield body[start : start + 64 * 1024]


async def test_a_body_over_the_limit_is_413(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    url = f"/api/v1/models/{version_id}/predict"
    headers = {**tenant.bearer, "Content-Type": "application/json"}
    limit = settings.PREDICT_MAX_BODY_BYTES
    # at the limit: scored
    ok = await client.post(url, content=padded(limit), headers=headers)
    assert ok.status_code == 200, ok.text
    assert len(ok.json()["predictions"]) == 2
    # one byte over, with its length declared: 413 before reading it
    over = await client.post(url, content=padded(limit + 1), headers=headers)
    assert over.status_code == 413, over.text
    assert over.json()["error"]["code"] == "BAD_USER_INPUT"
    assert str(limit) in over.json()["error"]["message"]
    # streamed without a length (chunked): 413 once the limit is passed
    streamed = await client.post(url, content=chunks(padded(limit + 1)), headers=headers)
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["error"]["code"] == "BAD_USER_INPUT"
    assert streamed.json()["error"]["requestId"] == streamed.headers["x-request-id"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
async def test_any_method_but_post_is_405_in_the_error_shape(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str], method: str
) -> None:
    """Predict is served by a bare ASGI endpoint, not the router: it must still refuse a
    wrong method clearly (the router's SPA fallback once answered GET with a 404)."""
    tenant, version_id = trained
    for target in (version_id, "Payments", "a/model/with/slashes"):
        answer = await client.request(
            method, f"/api/v1/models/{target}/predict", headers=tenant.bearer
        )
        assert answer.status_code == 405, (target, answer.text)
        assert answer.headers["allow"] == "POST"
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["x-request-id"]
        if method != "HEAD":
            assert answer.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
            assert answer.json()["error"]["requestId"] == answer.headers["x-request-id"]


async def test_refusals_of_a_real_model_are_audited_alike_in_the_callers_tenant_only(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    """Invalid rows (BAD_USER_INPUT) and another tenant's version (NOT_FOUND, never
    FORBIDDEN) leave the same event on REST as on GraphQL, in the caller's own log."""
    tenant, version_id = trained
    other = await create_tenant("Beta Insurance")
    bad_rows = [{"no such column": 1}]
    for who, rows, code in [(tenant, bad_rows, "BAD_USER_INPUT"), (other, ROWS, "NOT_FOUND")]:
        rest = await client.post(
            f"/api/v1/models/{version_id}/predict",
            json={"rows": rows},
            headers={**who.bearer, "X-Request-ID": f"rest-{code}"},
        )
        assert rest.status_code == (400 if code == "BAD_USER_INPUT" else 404), rest.text
        assert rest.json()["error"]["code"] == code
        assert rest.json()["error"]["requestId"] == f"rest-{code}"
        graph = await client.post(
            "/graphql",
            json={"query": GRAPHQL_PREDICT, "variables": {"id": version_id, "rows": rows}},
            headers={**who.bearer, "X-Request-ID": f"graphql-{code}"},
        )
        assert graph.json()["errors"][0]["extensions"]["code"] == code, graph.text
        events = {e["requestId"]: e for e in await predict_events(client, who)}
        on_rest, on_graphql = events[f"rest-{code}"], events[f"graphql-{code}"]
        assert same_audit(on_rest) == same_audit(on_graphql)
        assert on_rest["outcome"] == "FAILURE"
        assert on_rest["details"]["error_code"] == code
    # the owner's log holds no event of the other tenant's refused calls
    assert "rest-NOT_FOUND" not in {e["requestId"] for e in await predict_events(client, tenant)}
