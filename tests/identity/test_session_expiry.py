"""A session cookie past its expiry is refused: over HTTP (GraphQL and REST) and at a
WebSocket's connection_init. The expiry is moved into the past in the database, as time
would; nothing else about the session changes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from sqlalchemy import text

from phantom.config import settings
from phantom.db import transaction
from tests.support.fixtures import TenantFixture, error_codes, gql
from tests.support.gqlws import connect
from tests.support.servers import api_server

VIEWER = "{ viewer { email authMethod } }"


async def sign_in(client: httpx.AsyncClient, tenant: TenantFixture) -> tuple[str, str]:
    """A new session: its cookie and CSRF token (the client keeps no cookie)."""
    response = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
    )
    assert response.status_code == 200, response.text
    cookie = response.cookies[settings.SESSION_COOKIE]
    client.cookies.clear()
    return cookie, response.json()["csrfToken"]


async def expire_sessions(tenant: TenantFixture) -> None:
    async with transaction(tenant.id) as session:
        await session.execute(
            text("UPDATE user_sessions SET expires_at = now() - interval '1 second'")
        )


def with_cookie(cookie: str, csrf: str) -> dict[str, str]:
    return {"Cookie": f"{settings.SESSION_COOKIE}={cookie}", "X-CSRF-Token": csrf}


async def test_a_cookie_past_its_expiry_is_refused_at_once(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a session that expired before this process saw it
    cookie, csrf = await sign_in(client, tenant)
    await expire_sessions(tenant)
    # when: it is used
    body = await gql(client, VIEWER, headers=with_cookie(cookie, csrf))
    # then: refused, with nothing served
    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert body["data"] is None
    assert "expired" in body["errors"][0]["message"]
    rest = await client.post(
        f"/api/v1/models/{uuid.uuid4()}/predict",
        json={"rows": [{"x": 1}]},
        headers=with_cookie(cookie, csrf),
    )
    assert rest.status_code == 401, rest.text


async def test_a_cookie_in_use_is_refused_once_it_expires(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a session in use (this process has it in its credential cache)
    cookie, csrf = await sign_in(client, tenant)
    headers = with_cookie(cookie, csrf)
    body = await gql(client, VIEWER, headers=headers)
    assert body["data"]["viewer"]["authMethod"] == "SESSION", body
    # when: it expires
    await expire_sessions(tenant)
    # then: refused within the credential cache's lifetime, and from then on
    deadline = asyncio.get_running_loop().time() + settings.AUTH_CACHE_SECONDS + 5
    while error_codes(body := await gql(client, VIEWER, headers=headers)) != ["UNAUTHENTICATED"]:
        assert body["data"]["viewer"]["email"] == tenant.admin_email, body
        assert asyncio.get_running_loop().time() < deadline, "the expired session still works"
        await asyncio.sleep(0.2)
    for _ in range(3):
        assert error_codes(await gql(client, VIEWER, headers=headers)) == ["UNAUTHENTICATED"]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log_dir: Path = tmp_path_factory.mktemp("session-expiry")
    with api_server(log_dir) as url:
        yield url


@pytest.mark.slow
async def test_an_expired_cookie_cannot_open_a_websocket(api: str, tenant: TenantFixture) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        # given: a live session opens a socket (so the refusal below is the expiry's)
        cookie, csrf = await sign_in(http, tenant)
        async with connect(api, headers={"Cookie": f"{settings.SESSION_COOKIE}={cookie}"}) as ws:
            ack = await ws.init({"csrfToken": csrf})
            assert ack["type"] == "connection_ack", ack
        # when: another session of the member expires before it is used
        cookie, csrf = await sign_in(http, tenant)
        await expire_sessions(tenant)
        # then: its connection_init is refused and the socket closed
        async with connect(api, headers={"Cookie": f"{settings.SESSION_COOKIE}={cookie}"}) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.init({"csrfToken": csrf})
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403, closed.value
