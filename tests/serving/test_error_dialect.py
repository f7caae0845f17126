"""One error dialect: every REST answer under ``/api/`` is
``{"error": {"code", "message", "requestId", "retryAfter"}}`` with GraphQL's codes and the
right status, and a refused REST predict leaves the audit event a refused GraphQL
``predict`` leaves (issue 18). None of these refusals needs a trained model."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from phantom.config import settings
from phantom.identity import authn
from phantom.kit.responses import http_exception, server_error
from phantom.ops.middleware import RequestContext
from tests.serving.support import GRAPHQL_PREDICT, predict_events, same_audit
from tests.support.fixtures import TenantFixture, gql

ROWS = [{"amount": 12.5}]
CREATE_TOKEN = (
    """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }"""
)


def refused(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error of a REST answer in the one shape, with its request id."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    error: dict[str, Any] = answer.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["requestId"] == answer.headers["x-request-id"]
    assert set(error) <= {"code", "message", "requestId", "retryAfter"}
    return error


async def scoped_token(client: httpx.AsyncClient, tenant: TenantFixture) -> dict[str, str]:
    """A token of the tenant's owner that may read datasets, not predict."""
    body = await gql(
        client,
        CREATE_TOKEN,
        {"input": {"name": "reader", "scopes": ["datasets:read"]}},
        tenant.bearer,
    )
    return {"Authorization": f"Bearer {body['data']['createApiToken']['token']}"}


@pytest.mark.parametrize(
    ("case", "status", "code", "outcome"),
    [
        ("forbidden", 403, "FORBIDDEN", "DENIED"),
        ("unknown version", 404, "NOT_FOUND", "FAILURE"),
        ("unknown model name", 404, "NOT_FOUND", "FAILURE"),
    ],
)
async def test_a_refused_rest_predict_is_audited_as_graphql_records_it(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    case: str,
    status: int,
    code: str,
    outcome: str,
) -> None:
    headers = await scoped_token(client, tenant) if case == "forbidden" else tenant.bearer
    target = "No such model" if case == "unknown model name" else str(uuid.uuid4())
    rest = await client.post(
        f"/api/v1/models/{target}/predict",
        json={"rows": ROWS},
        headers={**headers, "X-Request-ID": "rest-refusal-0001"},
    )
    error = refused(rest, status, code)
    assert error["requestId"] == "rest-refusal-0001"
    graph = await client.post(
        "/graphql",
        json={"query": GRAPHQL_PREDICT, "variables": {"id": str(uuid.uuid4()), "rows": ROWS}},
        headers={**headers, "X-Request-ID": "graphql-refusal-01"},
    )
    assert graph.json()["errors"][0]["extensions"]["code"] == code, graph.text

    events = {e["requestId"]: e for e in await predict_events(client, tenant)}
    on_rest, on_graphql = events["rest-refusal-0001"], events["graphql-refusal-01"]
    assert on_rest["outcome"] == on_graphql["outcome"] == outcome
    assert on_rest["details"]["channel"] == "rest"
    if case == "unknown model name":  # the REST path names a model, not a version
        assert on_rest["details"]["arguments"] == ["explain", "model_name", "rows"]
        on_rest["details"]["arguments"] = on_graphql["details"]["arguments"]
    assert same_audit(on_rest) == same_audit(on_graphql)


async def test_a_body_that_is_not_json_is_400_and_audited(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    url = f"/api/v1/models/{uuid.uuid4()}/predict"
    headers = {
        **tenant.bearer,
        "Content-Type": "application/json",
        "X-Request-ID": "rest-bad-body1",
    }
    for body in (b"{not json", b'{"no": "rows"}'):
        refused(await client.post(url, content=body, headers=headers), 400, "BAD_USER_INPUT")
    # recorded as GraphQL's safety net records a BAD_USER_INPUT from ``predict`` (without
    # a trained model GraphQL cannot be made to refuse its input: the lookup comes first)
    on_rest = [
        e for e in await predict_events(client, tenant) if e["requestId"] == "rest-bad-body1"
    ]
    assert [same_audit(e) for e in on_rest] == [
        ("graphql.predict", "FAILURE", "BAD_USER_INPUT", ["explain", "model_version_id", "rows"])
    ] * 2
    assert all(e["details"]["channel"] == "rest" for e in on_rest)


async def test_an_unauthenticated_predict_is_401_and_recorded_nowhere(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    url = f"/api/v1/models/{uuid.uuid4()}/predict"
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        refused(
            await client.post(url, json={"rows": ROWS}, headers=headers), 401, "UNAUTHENTICATED"
        )
    assert await predict_events(client, tenant) == []  # no credential: no tenant, as GraphQL


async def test_a_rate_limited_predict_carries_retry_after_in_the_body(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await scoped_token(client, tenant)  # a credential of its own, with its own limit
    patched = authn.settings.model_copy(update={"RATE_LIMIT_PER_CREDENTIAL": 2})
    monkeypatch.setattr(authn, "settings", patched)
    monkeypatch.setattr(authn._requests, "_leases", {})
    url = f"/api/v1/models/{uuid.uuid4()}/predict"
    answers = [await client.post(url, json={"rows": ROWS}, headers=headers) for _ in range(4)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    error = refused(limited[0], 429, "RATE_LIMITED")
    assert error["retryAfter"] >= 1
    assert limited[0].headers["retry-after"] == str(error["retryAfter"])
    assert "retryAfter" not in refused(answers[0], 403, "FORBIDDEN")
    # every charged answer, refused or not, says what is left (a burst of 1 at 2/min)
    assert [a.headers["ratelimit-limit"] for a in answers] == ["1"] * 4
    assert answers[0].headers["ratelimit-remaining"] == "0"
    assert limited[0].headers["ratelimit-remaining"] == "0"
    assert int(limited[0].headers["ratelimit-reset"]) >= error["retryAfter"]


async def test_other_rest_routes_carry_the_rate_limit_headers_too(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    outcomes = f"/api/v1/models/{uuid.uuid4()}/outcomes"
    answer = await client.post(outcomes, json={"outcomes": []}, headers=tenant.bearer)
    assert answer.status_code >= 400  # no such model version
    assert int(answer.headers["ratelimit-remaining"]) >= 0
    assert answer.headers["ratelimit-policy"].startswith(answer.headers["ratelimit-limit"] + ";w=")
    anonymous = await client.post(outcomes, json={"outcomes": []})
    assert anonymous.status_code == 401
    assert "ratelimit-limit" not in anonymous.headers


async def test_size_media_type_and_method_refusals_answer_in_the_shape(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    url = f"/api/v1/models/{uuid.uuid4()}/predict"
    json_headers = {**tenant.bearer, "Content-Type": "application/json"}
    over = b" " * (settings.PREDICT_MAX_BODY_BYTES + 1)
    error = refused(
        await client.post(url, content=over, headers=json_headers), 413, "BAD_USER_INPUT"
    )
    assert str(settings.PREDICT_MAX_BODY_BYTES) in error["message"]
    text = {**tenant.bearer, "Content-Type": "text/plain"}
    refused(await client.post(url, content=b"rows", headers=text), 415, "BAD_USER_INPUT")
    wrong = await client.get(url, headers=tenant.bearer)
    refused(wrong, 405, "METHOD_NOT_ALLOWED")
    assert wrong.headers["allow"] == "POST"


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/models", "/api", "/api/"])
async def test_an_unknown_path_under_api_is_a_json_404(
    client: httpx.AsyncClient, tenant: TenantFixture, method: str, path: str
) -> None:
    answer = await client.request(method, path, headers=tenant.bearer)
    refused(answer, 404, "NOT_FOUND")


async def test_a_rest_route_asked_with_another_method_is_a_json_405_with_allow(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    for method, path, allow in [
        ("GET", f"/api/v1/models/{uuid.uuid4()}/outcomes", "POST"),
        ("DELETE", f"/api/v1/batch-predictions/{uuid.uuid4()}/download", "GET, HEAD"),
    ]:
        answer = await client.request(method, path, headers=tenant.bearer)
        refused(answer, 405, "METHOD_NOT_ALLOWED")
        assert set(answer.headers["allow"].split(", ")) == set(allow.split(", "))


async def test_outside_api_the_web_app_still_answers(client: httpx.AsyncClient) -> None:
    """The SPA's routes are unchanged: its pages, and Starlette's own answers elsewhere."""
    page = await client.get("/models/some-page")
    assert page.status_code in (200, 503)  # 503: the web app is not built here
    assert page.headers["content-type"].startswith("text/html")
    assert (await client.get("/auth/nothing-here")).status_code == 404


async def test_an_unexpected_error_under_api_is_json_with_the_request_id() -> None:
    """The app's own exception handlers and middleware, around a route that fails."""

    async def boom(request: Request) -> Response:
        raise RuntimeError("a bug")

    app = Starlette(
        routes=[Route("/api/v1/boom", boom), Route("/boom", boom)],
        middleware=[Middleware(RequestContext)],
        exception_handlers={HTTPException: http_exception, Exception: server_error},
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get("/api/v1/boom", headers={"X-Request-ID": "boom-request-1"})
        assert refused(answer, 500, "INTERNAL")["requestId"] == "boom-request-1"
        assert (await client.get("/boom")).text == "Internal Server Error"  # outside /api/
