"""Wave 10 attacker review: the bounded Redis pool, 503 for unchecked rate limits, and
the rate-limit script that follows its client (commit 1a46f2c).

The change replaces redis-py's raising pool with a ``BlockingConnectionPool`` (callers
wait up to ``PHANTOM_REDIS_POOL_TIMEOUT_SECONDS`` for a connection), turns a
``RedisError`` while charging a request into ``Unavailable`` (HTTP 503), and
re-registers the GCRA script when the Redis client changes. Attacks tried: cancelled
callers while they wait for (or hold) a pool connection, a lease renewal that times
out or is cancelled with requests waiting on it, a Redis that stops answering (a failover
or a partition: the TCP peer is there but silent), the replaced client's script, the
WebSocket handshake and the password sign-in while Redis cannot be reached.

``test_w10_*`` tests are findings (they fail until fixed); ``test_*_holds`` tests are
attacks the code withstood (they pass). A silent Redis is a local TCP listener that
accepts and never answers, as a blackholed Redis address does after a failover.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest
from starlette.testclient import TestClient

from phantom.identity import authn
from phantom.identity.principal import AuthMethod, Principal
from phantom.kit import redis as kit_redis
from phantom.kit.errors import Unavailable
from phantom.kit.loops import PerLoop
from phantom.kit.ratelimit import RequestLimiter
from tests.support.fixtures import TenantFixture

T = TypeVar("T")
VIEWER = {"query": "{ viewer { email } }"}


def principal() -> Principal:
    """A token principal of its own credential and tenant (throttle needs no more)."""
    return Principal(
        user_id=uuid.uuid4(),
        email="attacker@example.com",
        display_name="Attacker",
        tenant_id=uuid.uuid4(),
        tenant_slug="attacker",
        tenant_name="Attacker",
        roles=("viewer",),
        auth_method=AuthMethod.API_TOKEN,
        credential_id=uuid.uuid4(),
    )


def use_redis(monkeypatch: pytest.MonkeyPatch, **update: Any) -> None:
    """The process's Redis client with these settings, and a fresh request limiter."""
    patched = kit_redis.settings.model_copy(update=update)
    monkeypatch.setattr(kit_redis, "settings", patched)
    monkeypatch.setattr(kit_redis, "_clients", PerLoop(kit_redis._client))
    monkeypatch.setattr(authn, "_requests", RequestLimiter("phantom:rate"))


async def within(seconds: float, awaitable: Awaitable[T], what: str) -> T:
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except TimeoutError:
        pytest.fail(f"{what}: still waiting after {seconds} s")


async def until(check: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not reached before the deadline"
        await asyncio.sleep(0.01)


@asynccontextmanager
async def silent_redis() -> AsyncIterator[str]:
    """A TCP peer that accepts and never answers: its ``redis://`` URL."""
    writers: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        while await reader.read(4096):
            pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        for writer in writers:
            writer.close()
        server.close()


@asynccontextmanager
async def busy_pool(monkeypatch: pytest.MonkeyPatch, timeout: float, busy: float) -> Any:
    """The process's client with 2 connections, both held by BLPOPs for ``busy`` s."""
    use_redis(monkeypatch, REDIS_MAX_CONNECTIONS=2, REDIS_POOL_TIMEOUT_SECONDS=timeout)
    client = kit_redis.get_redis()
    assert client is not None
    empty = f"phantom:test-w10:{uuid.uuid4().hex}"
    holders = [asyncio.create_task(client.blpop([empty], timeout=busy)) for _ in range(2)]
    pool = client.connection_pool
    try:
        await until(lambda: len(pool._in_use_connections) == 2)
        yield client, holders
    finally:
        for holder in holders:
            holder.cancel()
        await asyncio.gather(*holders, return_exceptions=True)
        await kit_redis.close_redis()


# --- W10-1: a silent Redis hangs every request past the pool timeout ------------------------


async def test_w10_1_a_silent_redis_is_a_503_within_the_pool_timeout_not_a_hang(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finding W10-1 (medium, availability; any caller, once Redis stops answering: a
    failover to a new address, a partition, a paused server). The new client sets no
    ``socket_connect_timeout`` nor ``socket_timeout`` (the broadcast client sets 2 s),
    so the pool's timeout bounds only the wait for a free connection: a call on a
    connection whose peer is silent waits forever. ``throttle``'s docstring promises a
    503 when "Redis [is] unreachable"; expected: ``Unavailable`` within the pool timeout
    (plus slack), actual: the request hangs (here past 3 s with a 0.5 s pool timeout),
    and so does every request of every credential behind it."""
    async with silent_redis() as url:
        use_redis(monkeypatch, REDIS_URL=url, REDIS_POOL_TIMEOUT_SECONDS=0.5)
        try:
            with pytest.raises(Unavailable):
                await within(3.0, authn.throttle(principal()), "throttle on a silent Redis")
        finally:
            await kit_redis.close_redis()


async def test_w10_2_a_stalled_renewal_wedges_its_credential_after_redis_recovers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finding W10-2 (medium, availability; follows from W10-1). While a renewal is in
    flight every request of that credential awaits it (``asyncio.shield(pending)``), with
    no bound of its own. A renewal stuck on a silent connection never resolves, so after
    Redis is back (the process's client replaced, as ``close_redis`` does) each new
    request of the credential still waits on the dead renewal: the credential is wedged
    in this process until it restarts. Expected: a request that waited on the stalled
    renewal ends with it (served, or its error shared: a 503), and the next request is
    served once Redis answers again; actual: still waiting after 3 s."""
    caller = principal()
    async with silent_redis() as url:
        use_redis(monkeypatch, REDIS_URL=url, REDIS_POOL_TIMEOUT_SECONDS=0.5)
        limiter = authn._requests
        stuck = asyncio.create_task(authn.throttle(caller))
        try:
            await until(lambda: bool(limiter._reserving))  # the renewal is in flight
            # Redis is back: the process gets a client on the real Redis
            await asyncio.sleep(0.6)  # past the pool timeout: no pool wait explains it
            real = kit_redis.settings.model_copy(update={"REDIS_URL": authn.settings.REDIS_URL})
            monkeypatch.setattr(kit_redis, "settings", real)
            monkeypatch.setattr(kit_redis, "_clients", PerLoop(kit_redis._client))
            wedged = list(limiter._reserving)  # the dead renewal, still "in flight"
            # a request that arrives meanwhile waits for that renewal, which now ends at
            # the socket timeout: it shares its error (a 503) or is served, never waits on
            (waited,) = await within(
                3.0,
                asyncio.gather(authn.throttle(caller), return_exceptions=True),
                f"a request after Redis recovered (waiting on the stalled renewal {wedged})",
            )
            assert waited is None or isinstance(waited, Unavailable), waited
            # and the credential is not wedged: the next request is charged and served
            await within(3.0, authn.throttle(caller), "a request once the renewal ended")
            assert not limiter._reserving
        finally:
            stuck.cancel()
            await asyncio.gather(stuck, return_exceptions=True)
            await kit_redis.close_redis()


# --- W10-3: the WebSocket handshake does not handle Unavailable -----------------------------


async def test_w10_3_connection_init_with_redis_down_is_refused_cleanly(
    app: Any, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding W10-3 (low, robustness; any holder of a valid token while Redis is down or
    the pool is exhausted). ``on_ws_connect`` calls ``throttle`` and catches only
    ``RateLimited``; the new ``Unavailable`` escapes Strawberry's ``connection_init``
    handler (which catches only ``ConnectionRejectionError``): a traceback per handshake
    and a socket dropped with 1011 instead of a protocol close. Expected: a clean close
    (or rejection) the client can tell apart, no server exception; actual: the
    exception escapes the application."""
    use_redis(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0")
    client = TestClient(app, raise_server_exceptions=True)
    try:
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json(
                {
                    "type": "connection_init",
                    "payload": {"authorization": tenant.bearer["Authorization"]},
                }
            )
            closed = ws.receive()
    except Exception as error:  # the server's exception, re-raised by the test client
        pytest.fail(f"connection_init with Redis down escaped the handler: {error!r}")
    assert closed["type"] == "websocket.close", closed
    assert closed["code"] == 1013, closed  # try again later: not 4403, which is final


# --- W10-4: the password sign-in is a 500 when Redis cannot be reached ----------------------


async def test_w10_4_a_sign_in_with_redis_down_is_a_503_not_a_500(
    app: Any, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding W10-4 (low, robustness; anonymous). The sign-in's failure counters
    (``FailureCounter.retry_after`` / ``fail``) call Redis unguarded: with Redis down, or
    (new) no pool connection free within the pool timeout, the ``RedisError`` escapes as
    a 500 where the GraphQL path now answers 503 UNAVAILABLE. Expected: 503 UNAVAILABLE;
    actual: 500."""
    use_redis(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        answer = await http.post(
            "/auth/login",
            json={"tenant": tenant.slug, "email": tenant.admin_email, "password": "wrong"},
        )
    assert answer.status_code == 503, f"{answer.status_code}: {answer.text[:200]}"


# --- what held ------------------------------------------------------------------------------


async def test_cancelled_waiters_for_a_pool_connection_leak_nothing_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Twenty callers cancelled while they wait for a connection (clients that went
    away; readyz's 2 s bound does it too) leave the pool as it was: once the holders are
    done, both connections are free and a call is served at once."""
    async with busy_pool(monkeypatch, timeout=5, busy=0.5) as (client, holders):
        waiters = [asyncio.create_task(client.ping()) for _ in range(20)]
        await asyncio.sleep(0.05)
        for waiter in waiters:
            waiter.cancel()
        results = await asyncio.gather(*waiters, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results), results
        assert await asyncio.gather(*holders) == [None, None]
        pool = client.connection_pool
        await until(lambda: not pool._in_use_connections)
        assert len(pool._available_connections) <= 2
        assert await within(1.0, client.ping(), "a ping after the cancellations") is True


async def test_a_call_cancelled_mid_command_gives_its_connection_back_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A caller cancelled while its command is on the wire returns the connection: the
    pool of 2 serves 10 rounds of cancelled BLPOPs and is still whole."""
    use_redis(monkeypatch, REDIS_MAX_CONNECTIONS=2, REDIS_POOL_TIMEOUT_SECONDS=1)
    client = kit_redis.get_redis()
    assert client is not None
    try:
        empty = f"phantom:test-w10:{uuid.uuid4().hex}"
        for _ in range(10):
            calls = [asyncio.create_task(client.blpop([empty], timeout=5)) for _ in range(2)]
            await until(lambda: len(client.connection_pool._in_use_connections) == 2)
            for call in calls:
                call.cancel()
            await asyncio.gather(*calls, return_exceptions=True)
        await until(lambda: not client.connection_pool._in_use_connections)
        assert await within(1.5, client.ping(), "a ping after cancelled commands") is True
    finally:
        await kit_redis.close_redis()


async def test_a_renewal_that_times_out_refuses_every_waiter_with_a_503_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool exhausted past its timeout: the renewal fails, and the 20 requests of the
    credential waiting on it all get ``Unavailable`` (503) with it, promptly; none is
    served. Once connections are free again, the next request is charged in Redis."""
    caller = principal()
    async with busy_pool(monkeypatch, timeout=0.3, busy=1.5) as (client, holders):
        started = time.monotonic()
        results = await within(
            3.0,
            asyncio.gather(*(authn.throttle(caller) for _ in range(20)), return_exceptions=True),
            "requests behind a timed-out renewal",
        )
        assert all(isinstance(r, Unavailable) for r in results), results
        assert time.monotonic() - started < 1.4  # the renewal's timeout, not the holders'
        assert not authn._requests._reserving
        assert not authn._requests._leases
        assert await asyncio.gather(*holders) == [None, None]
        await within(2.0, authn.throttle(caller), "a request once the pool is free")
        assert await client.exists(f"phantom:rate:c:{caller.credential_id}") == 1


async def test_a_cancelled_renewal_hands_over_to_a_waiter_and_charges_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The request renewing the lease is cancelled (its client went away) while it waits
    for a pool connection: a waiter renews instead, all the others are served from that
    renewal, and the charge is in Redis (nothing served unmetered)."""
    caller = principal()
    async with busy_pool(monkeypatch, timeout=5, busy=0.4) as (client, _):
        limiter = authn._requests
        renewer = asyncio.create_task(authn.throttle(caller))
        await until(lambda: bool(limiter._reserving))
        waiters = [asyncio.create_task(authn.throttle(caller)) for _ in range(10)]
        await asyncio.sleep(0.05)
        renewer.cancel()
        await asyncio.gather(renewer, return_exceptions=True)
        assert await within(3.0, asyncio.gather(*waiters), "waiters") == [None] * 10
        assert await client.exists(f"phantom:rate:c:{caller.credential_id}") == 1
        assert await client.exists(f"phantom:rate:t:{caller.tenant_id}") == 1


async def test_the_script_follows_a_replaced_client_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process's client closed and replaced (``close_redis``): the next charge
    registers the script on the new client instead of calling through the closed one."""
    use_redis(monkeypatch)
    limiter = authn._requests
    await authn.throttle(principal())
    first = limiter._script_client
    await kit_redis.close_redis()
    await authn.throttle(principal())
    assert limiter._script_client is not first
    assert limiter._script_client is kit_redis.get_redis()
    await kit_redis.close_redis()


async def test_an_upload_request_with_redis_down_is_a_503_holds(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other GraphQL path (multipart, through Strawberry's own ``run``) is refused 503
    UNAVAILABLE too, never run unmetered."""
    use_redis(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0")
    files = {"0": ("a.csv", b"a\n1\n", "text/csv")}
    data = {
        "operations": '{"query": "{ viewer { email } }", "variables": {}}',
        "map": "{}",
    }
    headers = {**tenant.bearer, "Apollo-Require-Preflight": "true"}
    answer = await client.post("/graphql", data=data, files=files, headers=headers)
    assert answer.status_code == 503, answer.text
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"


async def test_a_websocket_operation_with_redis_down_is_refused_and_the_socket_kept_holds(
    app: Any, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis lost after the handshake: each operation gets UNAVAILABLE and is not run;
    the socket stays open (a ping is answered)."""
    client = TestClient(app, raise_server_exceptions=True)
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        auth = {"authorization": tenant.bearer["Authorization"]}
        ws.send_json({"type": "connection_init", "payload": auth})
        assert ws.receive_json()["type"] == "connection_ack"
        use_redis(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0")
        ws.send_json({"type": "subscribe", "id": "1", "payload": VIEWER})
        refused = ws.receive_json()
        assert refused["type"] == "error", refused
        assert refused["payload"][0]["extensions"]["code"] == "UNAVAILABLE"
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"
