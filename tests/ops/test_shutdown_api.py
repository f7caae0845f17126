"""SIGTERM to ``phantom api`` (docs/operations.md, "Stopping and restarting"): requests
in flight finish with 200, new connections are refused, WebSocket subscriptions are
closed with a close code (1012, service restart) rather than reset, what the process
buffers is written, and it exits within PHANTOM_SHUTDOWN_GRACE_SECONDS even when a
client never finishes. The prediction log's flush at a stop is proved by
tests/serving/test_graceful_restart.py."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import websockets

from phantom.db import transaction
from phantom.identity.models import ApiToken
from phantom.identity.tokens import tokens
from tests.datasets.support import multipart
from tests.support.fixtures import TenantFixture
from tests.support.gqlws import GraphQLWebSocket, connect
from tests.support.servers import free_port, running, wait_ready

pytestmark = pytest.mark.slow  # real server processes
EVENTS = 'subscription { tenantEvents(topics: ["housekeeping.completed"]) { topic payload } }'
GRACE = 6  # PHANTOM_SHUTDOWN_GRACE_SECONDS for these servers
FLUSH_MARGIN = 10  # past the grace: the lifespan's flushes and the interpreter's exit


def upload_request(url: str, token: str, rows: int) -> tuple[dict[str, str], bytes]:
    """A real dataset upload's headers and multipart body (a CSV of ``rows`` rows)."""
    csv = "amount,age,label\n" + "".join(
        f"{i * 1.5},{20 + i % 50},{'yes' if i % 3 else 'no'}\n" for i in range(rows)
    )
    request = httpx.Request(
        "POST",
        f"{url}/graphql",
        headers={"Authorization": f"Bearer {token}"},
        **multipart("Uploaded during a stop", "data.csv", csv.encode()),
    )
    body = request.read()
    return {k: v for k, v in request.headers.items() if k.lower() != "content-length"}, body


async def trickle(
    body: bytes, parts: int, pause: float, started: asyncio.Event
) -> AsyncIterator[bytes]:
    """The body in ``parts`` pieces, ``pause`` seconds apart: a slow client's upload."""
    size = -(-len(body) // parts)
    for index in range(parts):
        yield body[index * size : (index + 1) * size]
        started.set()
        await asyncio.sleep(pause)


async def new_token(tenant: TenantFixture) -> tuple[str, uuid.UUID]:
    async with transaction(tenant.id) as session:
        secret, token = await tokens.create(
            session, tenant_id=tenant.id, email=tenant.admin_email, name="shutdown"
        )
    return secret, token.id


async def last_used(tenant: TenantFixture, token_id: uuid.UUID) -> object:
    async with transaction(tenant.id) as session:
        token = await session.get(ApiToken, token_id)
        assert token is not None
        return token.last_used_at


async def until_closed(ws: GraphQLWebSocket) -> None:
    while True:
        await ws.receive(timeout=GRACE + FLUSH_MARGIN)


def refused(url: str) -> bool:
    try:
        httpx.get(f"{url}/healthz", timeout=2)
    except httpx.ConnectError:
        return True
    return False


async def test_sigterm_finishes_requests_in_flight_refuses_new_ones_and_closes_websockets(
    tenant: TenantFixture, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secret, token_id = await new_token(tenant)
    env = {"PHANTOM_BASE_URL": url, "PHANTOM_SHUTDOWN_GRACE_SECONDS": str(GRACE)}
    with running(["api", "--port", str(port)], env, log=tmp_path / "api.log") as api:
        wait_ready(url, api)
        headers, body = upload_request(url, secret, 20_000)
        async with connect(url) as ws:
            assert (await ws.init({"authorization": f"Bearer {tenant.token}"}))["type"] == (
                "connection_ack"
            )
            await ws.subscribe(EVENTS)
            async with httpx.AsyncClient(timeout=60) as http:
                # given: an upload in flight, its body arriving over ~3 s
                started = asyncio.Event()
                upload = asyncio.create_task(
                    http.post(
                        f"{url}/graphql",
                        headers=headers,
                        content=trickle(body, 10, 0.3, started),
                    )
                )
                await started.wait()
                await asyncio.sleep(0.3)
                # when: the orchestrator stops the process
                stopped_at = time.monotonic()
                os.kill(api.pid, signal.SIGTERM)
                # then: the subscription is closed with a code, not reset
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await until_closed(ws)
                assert closed.value.rcvd is not None, "the connection was dropped, not closed"
                assert closed.value.rcvd.code == 1012  # service restart: clients reconnect
                # and new connections are refused while the upload still runs
                assert await asyncio.to_thread(refused, url)
                assert not upload.done()
                # and the upload in flight completes
                answer = await upload
        assert answer.status_code == 200, answer.text
        dataset = answer.json()["data"]["uploadDataset"]
        assert dataset["status"] == "READY", dataset
        assert dataset["rowCount"] == 20_000
        await asyncio.to_thread(api.wait, GRACE + FLUSH_MARGIN)
        exited_after = time.monotonic() - stopped_at
    # uvicorn re-raises the signal once its graceful shutdown is complete
    assert api.returncode == -signal.SIGTERM
    assert "Application shutdown complete." in (tmp_path / "api.log").read_text()
    assert exited_after < GRACE + FLUSH_MARGIN
    # and the token's last use, written off the request path, was flushed before exit
    assert await last_used(tenant, token_id) is not None
    assert "Traceback" not in (tmp_path / "api.log").read_text()


async def test_a_request_that_outlasts_the_grace_does_not_hold_the_stop(
    tenant: TenantFixture, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"PHANTOM_BASE_URL": url, "PHANTOM_SHUTDOWN_GRACE_SECONDS": "2"}
    with running(["api", "--port", str(port)], env, log=tmp_path / "api.log") as api:
        wait_ready(url, api)
        headers, body = upload_request(url, tenant.token, 2_000)
        async with httpx.AsyncClient(timeout=60) as http:
            # given: a client that would take a minute to send its body
            started = asyncio.Event()
            upload = asyncio.create_task(
                http.post(
                    f"{url}/graphql", headers=headers, content=trickle(body, 60, 1.0, started)
                )
            )
            await started.wait()
            stopped_at = time.monotonic()
            os.kill(api.pid, signal.SIGTERM)
            # then: the process ends soon after its grace, cutting that request off
            await asyncio.to_thread(api.wait, 2 + FLUSH_MARGIN)
            exited_after = time.monotonic() - stopped_at
            with pytest.raises(httpx.HTTPError):
                await upload
    assert 2 <= exited_after < 2 + FLUSH_MARGIN
    assert "timeout graceful shutdown exceeded" in (tmp_path / "api.log").read_text()
