"""The lean ``POST application/json`` path (``graphql/view.py``) answers every request
exactly as Strawberry's general HTTP view does: the same status and the same JSON, for
well-formed, malformed, hostile and unauthenticated requests alike. Each request is sent
twice, once as it comes and once with the lean path switched off."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from phantom.graphql import view
from tests.support.fixtures import TenantFixture

VIEWER = "{ viewer { email } }"
TWO_OPERATIONS = "query A { viewer { email } } query B { viewer { displayName } }"

# (name, raw body, extra headers, whether the lean path answers it itself)
CORPUS: list[tuple[str, bytes, dict[str, str], bool]] = [
    ("viewer", json.dumps({"query": VIEWER}).encode(), {}, True),
    (
        "charset parameter",
        json.dumps({"query": VIEWER}).encode(),
        {"content-type": "application/json; charset=utf-8"},
        True,
    ),
    (
        "operation chosen",
        json.dumps({"query": TWO_OPERATIONS, "operationName": "B"}).encode(),
        {},
        True,
    ),
    (
        "unknown operation",
        json.dumps({"query": TWO_OPERATIONS, "operationName": "C"}).encode(),
        {},
        True,
    ),
    ("no operation chosen", json.dumps({"query": TWO_OPERATIONS}).encode(), {}, True),
    (
        "variables",
        json.dumps(
            {
                "query": "query($first: Int) { datasets(first: $first) { totalCount } }",
                "variables": {"first": 3},
            }
        ).encode(),
        {},
        True,
    ),
    (
        "variables of the wrong type",
        json.dumps(
            {
                "query": "query($first: Int) { datasets(first: $first) { totalCount } }",
                "variables": {"first": "three"},
            }
        ).encode(),
        {},
        True,
    ),
    ("syntax error", json.dumps({"query": "{ viewer { email"}).encode(), {}, True),
    ("unknown field", json.dumps({"query": "{ viewer { password } }"}).encode(), {}, True),
    (
        "mutation",
        json.dumps(
            {
                "query": "mutation($i: CreateApiTokenInput!) "
                "{ createApiToken(input: $i) { token } }",
                "variables": {"i": {"name": 42}},
            }
        ).encode(),
        {},
        True,
    ),
    (
        "subscription over POST",
        json.dumps({"query": "subscription { tenantEvents { topic } }"}).encode(),
        {},
        True,
    ),
    (
        "unrequested extensions",
        json.dumps({"query": VIEWER, "extensions": {"x": 1}}).encode(),
        {},
        True,
    ),
    ("duplicate keys", b'{"query": "{ nothing }", "query": "{ viewer { email } }"}', {}, True),
    ("empty query", json.dumps({"query": ""}).encode(), {}, True),
    (
        "a browser client's Accept",
        json.dumps({"query": VIEWER}).encode(),
        {
            "accept": "application/graphql-response+json, application/graphql+json, "
            "application/json, text/event-stream, multipart/mixed"
        },
        True,
    ),
    (
        "a streamed answer asked for",
        json.dumps({"query": VIEWER}).encode(),
        {"accept": "multipart/mixed;subscriptionSpec=1.0, application/json"},
        True,
    ),
    ("no query", b"{}", {}, False),
    ("null query", b'{"query": null}', {}, False),
    ("query a number", b'{"query": 5}', {}, False),
    ("variables a string", json.dumps({"query": VIEWER, "variables": "{}"}).encode(), {}, False),
    ("extensions a list", json.dumps({"query": VIEWER, "extensions": []}).encode(), {}, False),
    (
        "operation name a number",
        json.dumps({"query": VIEWER, "operationName": 5}).encode(),
        {},
        False,
    ),
    ("a batch", json.dumps([{"query": VIEWER}] * 2).encode(), {}, False),
    ("a number", b"5", {}, False),
    ("a string", b'"{ viewer { email } }"', {}, False),
    ("null", b"null", {}, False),
    ("malformed", b'{"query": ', {}, False),
    ("empty body", b"", {}, False),
    (
        "NaN, which Python's json reads",
        b'{"query": "{ viewer { email } }", "variables": {"x": NaN}}',
        {},
        True,
    ),
    (
        "a lone surrogate",
        b'{"query": "{ viewer { email } }", "variables": {"x": "\\ud800"}}',
        {},
        True,
    ),
    (
        "an integer past 64 bits",
        b'{"query": "query($first: Int) { datasets(first: $first) { totalCount } }",'
        b' "variables": {"first": 123456789012345678901234567890}}',
        {},
        True,
    ),
    ("nested past the parser's depth", b"[" * 20_000 + b"]" * 20_000, {}, False),
    ("not UTF-8", b'{"query": "\xff\xfe"}', {}, False),
    ("UTF-16", json.dumps({"query": VIEWER}).encode("utf-16"), {}, True),
]


@pytest.fixture
def general_view_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the requests Strawberry's general view answers."""
    calls: list[int] = []
    run = view.PhantomGraphQL.run

    async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return await run(self, *args, **kwargs)

    monkeypatch.setattr(view.PhantomGraphQL, "run", counted)
    return calls


async def _answer(
    client: httpx.AsyncClient, body: bytes, headers: dict[str, str]
) -> tuple[int, Any]:
    response = await client.post("/graphql", content=body, headers=headers)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text


@pytest.mark.parametrize(
    ("body", "extra", "lean"),
    [pytest.param(body, extra, lean, id=name) for name, body, extra, lean in CORPUS],
)
@pytest.mark.parametrize("signed_in", [True, False], ids=["token", "anonymous"])
async def test_the_lean_path_answers_as_strawberrys_view(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
    general_view_calls: list[int],
    body: bytes,
    extra: dict[str, str],
    lean: bool,
    signed_in: bool,
) -> None:
    headers = {"content-type": "application/json", **(tenant.bearer if signed_in else {}), **extra}
    answered = await _answer(client, body, headers)
    assert len(general_view_calls) == (0 if lean else 1)
    assert answered[0] < 500, answered

    monkeypatch.setattr(view, "_is_plain_json", lambda scope: True)
    assert await _answer(client, body, headers) == answered


async def test_a_request_the_general_view_answers_is_charged_once(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lean path authenticates and charges before it reads the body; a body it passes
    on reuses that context instead of charging the credential again."""
    charges: list[object] = []
    throttle = view.throttle

    async def counted(principal: Any) -> None:
        charges.append(principal)
        await throttle(principal)

    monkeypatch.setattr(view, "throttle", counted)
    for name, body, extra, _lean in CORPUS:
        charges.clear()
        headers = {"content-type": "application/json", **tenant.bearer, **extra}
        await client.post("/graphql", content=body, headers=headers)
        assert len(charges) == 1, name


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            json.dumps({"query": "subscription { tenantEvents { topic } }"}).encode(),
            view.SUBSCRIPTIONS_OVER_WEBSOCKET,
        ),
        (b"5", "The request body must be a JSON object."),
        (b'{"query": "\xff"}', "The request body is not UTF-8 JSON."),
    ],
    ids=["subscription", "a number", "not UTF-8"],
)
async def test_requests_that_failed_as_internal_errors_get_a_400_that_says_why(
    client: httpx.AsyncClient, tenant: TenantFixture, body: bytes, message: str
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={**tenant.bearer, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


@pytest.mark.parametrize(
    "query",
    [
        "{ viewer { email } }",
        'mutation { createApiToken(input: {name: "via GET"}) { token } }',
        "subscription { tenantEvents { topic } }",
    ],
    ids=["query", "mutation", "subscription"],
)
async def test_nothing_runs_over_get(
    client: httpx.AsyncClient, tenant: TenantFixture, query: str
) -> None:
    response = await client.get("/graphql", params={"query": query}, headers=tenant.bearer)
    assert response.status_code == 400
    assert "data" not in response.json()
    tokens = await client.post(
        "/graphql",
        json={"query": "{ apiTokens(first: 100) { edges { node { name } } } }"},
        headers=tenant.bearer,
    )
    names = [edge["node"]["name"] for edge in tokens.json()["data"]["apiTokens"]["edges"]]
    assert names == ["tests"]
