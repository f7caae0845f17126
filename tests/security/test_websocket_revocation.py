"""Issue 10, item 4: revocation reaches open WebSockets.

Each test performs the attack through a real ``phantom api`` process over a real
graphql-transport-ws socket, and fails only if the attack succeeds: a revoked,
logged-out, deactivated or demoted credential keeps acting over a socket it opened
before, a stream outlives its credential, or socket operations escape the rate limit.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import text

from phantom.db import transaction
from phantom.identity.tokens import tokens
from phantom.kit.events import get_event_bus
from tests.support.fixtures import TenantFixture
from tests.support.gqlws import GraphQLWebSocket, connect
from tests.support.servers import api_server

pytestmark = pytest.mark.slow

RECHECK_SECONDS = 1  # the server's PHANTOM_STREAM_REVALIDATE_SECONDS
CACHE_SECONDS = 5  # PHANTOM_AUTH_CACHE_SECONDS (the default)
PER_MINUTE = 120  # PHANTOM_RATE_LIMIT_PER_CREDENTIAL: a burst of 12, then one per 0.5 s
STREAM_DEADLINE = RECHECK_SECONDS + CACHE_SECONDS + 5  # slack for a loaded machine

CREATE_TOKEN = """mutation($name: String!) {
  createApiToken(input: {name: $name}) { token apiToken { id } } }"""
REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }"
INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl member { id } } }"""
DEACTIVATE = "mutation($id: ID!) { deactivateMember(userId: $id) { status } }"
SET_ROLES = "mutation($input: SetMemberRolesInput!) { setMemberRoles(input: $input) { roles } }"
CREATE_ROLE = "mutation($input: CreateRoleInput!) { createRole(input: $input) { name } }"
MEMBERS = "{ members(first: 1) { totalCount } }"
VIEWER = "{ viewer { email } }"
BUSY = "test.busy"
EVENTS = 'subscription { tenantEvents(topics: ["test.busy"]) { topic payload } }'


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        "PHANTOM_STREAM_REVALIDATE_SECONDS": str(RECHECK_SECONDS),
        "PHANTOM_AUTH_CACHE_SECONDS": str(CACHE_SECONDS),
        "PHANTOM_RATE_LIMIT_PER_CREDENTIAL": str(PER_MINUTE),
    }
    with api_server(tmp_path_factory.mktemp("logs"), env) as url:
        yield url


# --- helpers ------------------------------------------------------------------------------


async def post(
    http: httpx.AsyncClient,
    query: str,
    headers: dict[str, str],
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


def codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


async def until_refused(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, code: str
) -> None:
    """Wait (with a deadline) until HTTP refuses the credential: from then on this API
    process knows, and so must every socket it serves."""
    deadline = asyncio.get_running_loop().time() + CACHE_SECONDS + 5
    while code not in codes(await post(http, query, headers)):
        assert asyncio.get_running_loop().time() < deadline, "HTTP still accepts it"
        await asyncio.sleep(0.5)  # within the rate limit's refill


async def operation(
    ws: GraphQLWebSocket, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A query or mutation over the socket: its result (``data``/``errors``), or
    ``closed`` with the close code when the server ends the socket instead."""
    op = await ws.subscribe(query, variables)
    result: dict[str, Any] = {"data": None, "errors": []}
    try:
        while True:
            message = await ws.receive(timeout=15)
            if message.get("id") != op:
                continue
            if message["type"] == "next":
                result = message["payload"]
            elif message["type"] == "error":
                return {"data": None, "errors": message["payload"]}
            elif message["type"] == "complete":
                return result
    except websockets.ConnectionClosed as closed:
        return {**result, "closed": closed.rcvd.code if closed.rcvd else None}


async def close_code(ws: GraphQLWebSocket) -> int | None:
    """The code the server closes the socket with (other messages are skipped)."""
    try:
        while True:
            await ws.receive(timeout=15)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def refused(result: dict[str, Any], code: str) -> bool:
    """No data, and a clear refusal: the error code, or the socket closed."""
    no_data = not any(v is not None for v in (result.get("data") or {}).values())
    return no_data and (code in codes(result) or result.get("closed") in (4401, 4403))


async def tokens_named(tenant: TenantFixture, name: str) -> int:
    async with transaction(tenant.id) as session:
        count = await session.scalar(
            text("SELECT count(*) FROM api_tokens WHERE name = :name"), {"name": name}
        )
    return int(count or 0)


async def add_member(
    http: httpx.AsyncClient, tenant: TenantFixture, roles: list[str]
) -> tuple[str, str, str, str]:
    """An invited member who accepted (signed in by it): their member id, an API token,
    the session cookie and its CSRF token."""
    email = f"m-{secrets.token_hex(4)}@{tenant.slug}.example.com"
    invited = await post(http, INVITE, tenant.bearer, {"input": {"email": email, "roles": roles}})
    invitation = invited["data"]["inviteMember"]
    secret = invitation["inviteUrl"].split("#token=", 1)[1]
    accepted = await http.post(
        "/auth/invitation", json={"token": secret, "password": "a long enough password"}
    )
    assert accepted.status_code == 200, accepted.text
    cookie, csrf = accepted.cookies["phantom_session"], accepted.json()["csrfToken"]
    http.cookies.clear()
    async with transaction(tenant.id) as session:
        token, _ = await tokens.create(session, tenant_id=tenant.id, email=email, name="member")
    return invitation["member"]["id"], token, cookie, csrf


async def open_socket(ws: GraphQLWebSocket, payload: dict[str, Any]) -> None:
    ack = await ws.init(payload)
    assert ack["type"] == "connection_ack", ack


async def stream_end(ws: GraphQLWebSocket, op: str) -> dict[str, Any]:
    """Read the stream until it ends (error, complete, or the socket closed); fail if it
    is still streaming at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_DEADLINE
    errors: list[dict[str, Any]] = []
    try:
        while True:
            remaining = deadline - loop.time()
            assert remaining > 0, f"still streaming {STREAM_DEADLINE} s after the revocation"
            message = await ws.receive(timeout=remaining)
            if message.get("id") != op:
                continue
            if message["type"] == "next" and message["payload"].get("errors"):
                errors = message["payload"]["errors"]
            elif message["type"] == "error":
                return {"data": None, "errors": message["payload"]}
            elif message["type"] == "complete":
                return {"data": None, "errors": errors}
    except TimeoutError:
        raise AssertionError(f"still streaming {STREAM_DEADLINE} s after the revocation") from None
    except websockets.ConnectionClosed as closed:
        return {"data": None, "errors": errors, "closed": closed.rcvd.code if closed.rcvd else None}


async def publish_forever(tenant: TenantFixture) -> None:
    """Keep the stream busy: an event every 0.1 s, far more often than the re-check."""
    n = 0
    while True:
        n += 1
        await get_event_bus().publish(tenant.id, BUSY, {"n": n})
        await asyncio.sleep(0.1)


async def first_event(ws: GraphQLWebSocket, op: str) -> None:
    while True:
        message = await ws.receive(timeout=15)
        if message.get("id") == op:
            assert message["type"] == "next", message
            return


# --- operations on an open socket ---------------------------------------------------------


async def test_a_revoked_token_cannot_renew_itself_over_its_open_socket(
    api: str, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        # given: a second token of the owner, with a socket open on it
        created = await post(http, CREATE_TOKEN, tenant.bearer, {"name": "doomed"})
        token = created["data"]["createApiToken"]["token"]
        token_id = created["data"]["createApiToken"]["apiToken"]["id"]
        bearer = {"Authorization": f"Bearer {token}"}
        async with connect(api) as ws:
            await open_socket(ws, {"authorization": bearer["Authorization"]})
            # when: it is revoked (and this API process refuses it over HTTP)
            revoked = await post(http, REVOKE, tenant.bearer, {"id": token_id})
            assert revoked["data"]["revokeApiToken"]["revokedAt"]
            await until_refused(http, bearer, VIEWER, "UNAUTHENTICATED")
            # then: it cannot mint a new token over the socket it opened before ...
            result = await operation(ws, CREATE_TOKEN, {"name": "renewed"})
            assert refused(result, "UNAUTHENTICATED"), result
            # ... and the socket is closed as for a refused connection_init
            assert result.get("closed") or await close_code(ws) == 4403
    assert await tokens_named(tenant, "renewed") == 0


async def test_a_deactivated_member_cannot_act_over_an_open_socket(
    api: str, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        # given: a data scientist (who may create tokens) with a socket open on a token
        member_id, token, _, _ = await add_member(http, tenant, ["data_scientist"])
        bearer = {"Authorization": f"Bearer {token}"}
        async with connect(api) as ws:
            await open_socket(ws, {"authorization": bearer["Authorization"]})
            # when: an admin deactivates them
            done = await post(http, DEACTIVATE, tenant.bearer, {"id": member_id})
            assert done["data"]["deactivateMember"]["status"] == "DEACTIVATED", done
            await until_refused(http, bearer, VIEWER, "UNAUTHENTICATED")
            # then: the socket no longer acts for them
            result = await operation(ws, CREATE_TOKEN, {"name": "after-deactivation"})
    assert refused(result, "UNAUTHENTICATED"), result
    assert await tokens_named(tenant, "after-deactivation") == 0


async def test_a_logged_out_session_cannot_act_over_its_cookie_socket(
    api: str, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        # given: a member signed in with a cookie, and a socket opened with it
        _, _, cookie, csrf = await add_member(http, tenant, ["data_scientist"])
        signed_in = {"Cookie": f"phantom_session={cookie}", "X-CSRF-Token": csrf}
        async with connect(api, headers={"Cookie": f"phantom_session={cookie}"}) as ws:
            await open_socket(ws, {"csrfToken": csrf})
            # when: they sign out
            out = await http.post("/auth/logout", headers=signed_in)
            assert out.status_code == 204, out.text
            await until_refused(http, signed_in, VIEWER, "UNAUTHENTICATED")
            # then: the socket opened with that session no longer acts for it
            result = await operation(ws, CREATE_TOKEN, {"name": "after-logout"})
    assert refused(result, "UNAUTHENTICATED"), result
    assert await tokens_named(tenant, "after-logout") == 0


async def test_a_role_reduced_reaches_an_open_socket_like_http(
    api: str, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        # given: an admin (may list members) with a socket open on a token
        member_id, token, _, _ = await add_member(http, tenant, ["admin"])
        bearer = {"Authorization": f"Bearer {token}"}
        async with connect(api) as ws:
            await open_socket(ws, {"authorization": bearer["Authorization"]})
            before = await operation(ws, MEMBERS)
            assert before["data"]["members"]["totalCount"] >= 2, before
            # when: they are made a viewer (no users:read), and HTTP refuses the list
            changed = await post(
                http,
                SET_ROLES,
                tenant.bearer,
                {"input": {"userId": member_id, "roles": ["viewer"]}},
            )
            assert changed["data"]["setMemberRoles"]["roles"] == ["viewer"], changed
            await until_refused(http, bearer, MEMBERS, "FORBIDDEN")
            # then: so does the socket
            result = await operation(ws, MEMBERS)
    assert refused(result, "FORBIDDEN"), result


# --- streams ------------------------------------------------------------------------------


async def test_a_busy_stream_ends_after_its_token_is_revoked(
    api: str, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        created = await post(http, CREATE_TOKEN, tenant.bearer, {"name": "streamer"})
        token = created["data"]["createApiToken"]["token"]
        token_id = created["data"]["createApiToken"]["apiToken"]["id"]
        publisher = asyncio.create_task(publish_forever(tenant))
        try:
            async with connect(api) as ws:
                # given: a stream that always has an event in flight
                await open_socket(ws, {"authorization": f"Bearer {token}"})
                op = await ws.subscribe(EVENTS)
                await first_event(ws, op)
                # when: the token is revoked
                revoked = await post(http, REVOKE, tenant.bearer, {"id": token_id})
                assert revoked["data"]["revokeApiToken"]["revokedAt"]
                # then: the stream ends, clearly, within the re-check interval
                end = await stream_end(ws, op)
                assert refused(end, "UNAUTHENTICATED"), end
                assert end.get("closed") or await close_code(ws) == 4403
        finally:
            publisher.cancel()


async def test_a_stream_ends_when_its_permission_is_removed(
    api: str, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        # given: a viewer (events:read) following the tenant's events
        member_id, token, _, _ = await add_member(http, tenant, ["viewer"])
        role = await post(
            http,
            CREATE_ROLE,
            tenant.bearer,
            {"input": {"name": "no_events", "permissions": ["datasets:read"]}},
        )
        assert role["data"]["createRole"]["name"] == "no_events", role
        publisher = asyncio.create_task(publish_forever(tenant))
        try:
            async with connect(api) as ws:
                await open_socket(ws, {"authorization": f"Bearer {token}"})
                op = await ws.subscribe(EVENTS)
                await first_event(ws, op)
                # when: their only role no longer carries events:read
                changed = await post(
                    http,
                    SET_ROLES,
                    tenant.bearer,
                    {"input": {"userId": member_id, "roles": ["no_events"]}},
                )
                assert changed["data"]["setMemberRoles"]["roles"] == ["no_events"], changed
                # then: the stream ends with FORBIDDEN within the re-check interval
                end = await stream_end(ws, op)
        finally:
            publisher.cancel()
    assert refused(end, "FORBIDDEN"), end


# --- rate limits ----------------------------------------------------------------------------


async def test_socket_operations_share_the_http_rate_limit(api: str, tenant: TenantFixture) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        # given: a fresh token (its own budget: a burst of PER_MINUTE / 10)
        created = await post(http, CREATE_TOKEN, tenant.bearer, {"name": "chatty"})
        token = created["data"]["createApiToken"]["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        async with connect(api) as ws:
            await open_socket(ws, {"authorization": bearer["Authorization"]})
            # when: it sends over three bursts' worth of operations over the socket
            results = [await operation(ws, VIEWER) for _ in range(PER_MINUTE // 3)]
            # then: the socket is throttled like HTTP ...
            limited = [r for r in results if "RATE_LIMITED" in codes(r)]
            assert limited, "no socket operation was rate-limited"
            assert all(e["extensions"]["retryAfter"] >= 1 for r in limited for e in r["errors"])
            # ... from the same budget (at most one request refills in the next 0.5 s)
            answers = [
                await http.post("/graphql", json={"query": VIEWER}, headers=bearer)
                for _ in range(3)
            ]
            assert 429 in [a.status_code for a in answers], [a.text for a in answers]
