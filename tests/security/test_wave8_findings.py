"""Attacks on wave 8: the lean ``POST application/json`` path in ``graphql/view.py``
(``PhantomGraphQL._lean_json``) and the ``decode_json``/``execute_single`` overrides that
came with it. Each test performs the attack through the real application (real
PostgreSQL and Redis) and asserts the safe behaviour: a test named after a finding
(W8-n) fails until that finding is fixed; a test marked "holds" pins an attack that was
tried and failed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from phantom.graphql import view
from tests.support.fixtures import TenantFixture, gql

VIEWER = "{ viewer { email } }"
TOKENS = "{ apiTokens(first: 100) { edges { node { name } } } }"
CREATE_TOKEN = 'mutation { createApiToken(input: {name: "forged"}) { token } }'
# past CPython's 4300-digit limit on int(str): json.loads raises a plain ValueError
HUGE_INT = b"9" * 5000


@pytest.fixture
async def raw_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The real application, with an exception that escapes it answered as the server
    answers it (a bare 500), so a test sees the status instead of the exception."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# --- W8-1: an integer past 4300 digits is an unhandled ValueError (500) --------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ viewer { email } }", "variables": {"x": ' + HUGE_INT + b"}}",
        b'[{"query": "{ viewer { email } }", "variables": {"x": ' + HUGE_INT + b"}}]",
        b'{"a": {"b": ' + HUGE_INT + b"}}",
    ],
    ids=["one operation", "a batch", "any object"],
)
@pytest.mark.parametrize("signed_in", [True, False], ids=["token", "anonymous"])
async def test_w8_1_an_integer_too_long_to_read_is_a_400_not_a_500(
    raw_client: httpx.AsyncClient, tenant: TenantFixture, body: bytes, signed_in: bool
) -> None:
    """Finding W8-1 (low-medium, availability/robustness; anyone, no credential needed):
    ``json.loads`` refuses an integer literal past ``sys.get_int_max_str_digits()``
    (4300) with a plain ``ValueError``, not a ``JSONDecodeError``. ``_lean_json`` catches
    it and falls back to Strawberry's view, whose ``parse_json`` catches only
    ``JSONDecodeError``, and ``_run`` catches neither: the exception escapes the
    application. Every such 5 KB request is a 500 and a logged traceback, without the
    GraphQL error shape, the X-Request-ID or the security headers (RequestContext never
    sees a response start). The commit's ``decode_json`` was meant to turn unreadable
    bodies into 400s."""
    headers = {"content-type": "application/json", **(tenant.bearer if signed_in else {})}
    response = await raw_client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 400, (response.status_code, response.text[:200])
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "x-request-id" in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


# --- W8-2: a WebSocket message that is JSON but not an object kills the handler ------------


@pytest.mark.parametrize(
    "message",
    ["5", "null", '"connection_init"', "[]", '{"type": "ping", "payload": ' + "9" * 5000 + "}"],
    ids=["a number", "null", "a string", "a list", "an integer too long"],
)
def test_w8_2_a_socket_message_that_is_not_an_object_closes_with_4400(
    app: Any, message: str
) -> None:
    """Finding W8-2 (low, robustness; anyone, before ``connection_init``): Strawberry's
    WebSocket adapter reads every text frame with the view's ``decode_json``, and handles
    only ``JSONDecodeError`` (close 4400). The new override raises cross_web's
    ``HTTPException`` for a number, a string or null (an HTTP 400 has no meaning on a
    socket), a list reaches ``handle_message`` and fails ``message["type"]`` with a
    ``TypeError``, and an over-long integer is a ``ValueError``: each escapes the
    application (a traceback per frame, the socket dropped with 1011/1006 instead of the
    protocol's 4400 "Invalid message")."""
    client = TestClient(app, raise_server_exceptions=False)
    try:
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_text(message)
            closed = ws.receive()
    except Exception as error:  # the server's exception, re-raised by the test client
        pytest.fail(f"the socket handler failed instead of closing: {error!r}")
    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4400, closed


# --- W8-3: a multipart ``map`` of the wrong shape is a 500 ---------------------------------


@pytest.mark.parametrize(
    "files_map",
    ["[]", '{"0": 5}', '{"0": ["variables.file.x.y"]}', '{"0": ["variables.file", 7]}'],
    ids=["a list", "paths a number", "a path through null", "a path a number"],
)
async def test_w8_3_a_multipart_map_of_the_wrong_shape_is_a_400_not_a_500(
    raw_client: httpx.AsyncClient, tenant: TenantFixture, files_map: str
) -> None:
    """Finding W8-3 (low, robustness; any signed-in caller): the upload path reads its
    ``operations`` and ``map`` parts with the same ``decode_json``, which now lets a list
    through, and Strawberry's ``replace_placeholders_with_files`` assumes a map of lists
    of dotted paths into objects: ``.items()`` on a list, iterating a number, indexing
    ``None`` or ``.split`` on a number raise AttributeError/TypeError out of the
    application (500, traceback, and the spooled upload left unclosed)."""
    operations = json.dumps({"query": VIEWER, "variables": {"file": None}})
    response = await raw_client.post(
        "/graphql",
        headers={**tenant.bearer, "apollo-require-preflight": "true"},
        data={"operations": operations, "map": files_map},
        files={"0": ("a.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert response.status_code == 400, (response.status_code, response.text[:200])
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# --- holds: a credential that does not authenticate is neither run nor charged -------------


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"query": CREATE_TOKEN}).encode(),  # the lean path answers
        json.dumps({"query": CREATE_TOKEN, "operationName": 5}).encode(),  # it falls back
        json.dumps([{"query": CREATE_TOKEN}]).encode(),  # a batch: falls back
    ],
    ids=["lean", "fallback", "batch"],
)
@pytest.mark.parametrize(
    "credential", ["anonymous", "bad token", "cookie without CSRF", "cookie with forged CSRF"]
)
async def test_holds_an_unauthenticated_request_is_never_run_nor_charged(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
    body: bytes,
    credential: str,
) -> None:
    """Holds (regression guard): the lean path builds the context before it reads the
    body and reuses it on fallback; a caller without a valid credential (anonymous, a
    bad token, or a cross-site page riding the victim's session cookie without the CSRF
    header) must not run a mutation on either path, nor be charged to anyone's rate
    limit (a CSRF page must not drain the victim's budget)."""
    charges: list[object] = []
    throttle = view.throttle

    async def counted(principal: Any) -> None:
        charges.append(principal)
        await throttle(principal)

    headers = {"content-type": "application/json"}
    if credential == "bad token":
        headers["authorization"] = "Bearer phm_not_a_real_token"
    elif credential.startswith("cookie"):
        login = {"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password}
        assert (await client.post("/auth/login", json=login)).status_code == 200
        if credential == "cookie with forged CSRF":
            headers["x-csrf-token"] = "forged"
    monkeypatch.setattr(view, "throttle", counted)

    response = await client.post("/graphql", content=body, headers=headers)

    assert charges == []
    assert "ratelimit-limit" not in response.headers
    answer = response.json()
    assert not (answer.get("data") or {}).get("createApiToken"), answer
    assert "x-request-id" in response.headers
    client.cookies.clear()
    monkeypatch.undo()
    tokens = await gql(client, TOKENS, headers=tenant.bearer)
    assert [e["node"]["name"] for e in tokens["data"]["apiTokens"]["edges"]] == ["tests"]
