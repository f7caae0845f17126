"""Separate processes, as in production: `phantom api`, `phantom worker` and the CLI,
talking through PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from phantom.db import transaction
from phantom.identity.sso.provisioning import provision_member
from phantom.identity.tokens import tokens
from tests.support.fixtures import TenantFixture
from tests.support.gqlws import connect
from tests.support.servers import PHANTOM, api_server, running

pytestmark = pytest.mark.slow
CREATE_TOKEN = 'mutation { createApiToken(input: {name: "two"}) { token apiToken { id } } }'
EVENTS = 'subscription { tenantEvents(topics: ["housekeeping.completed"]) { topic payload } }'


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="module")
def api_url(log_dir: Path) -> Iterator[str]:
    with api_server(log_dir) as url:
        yield url


@pytest.fixture(scope="module")
def worker(log_dir: Path) -> Iterator[None]:
    with running(["worker", "--processes", "1", "--threads", "2"], log=log_dir / "worker.log"):
        yield


async def test_worker_event_reaches_the_right_tenants_subscription_only(
    api_url: str, worker: None, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: a subscriber in each tenant, on the API process
    async with connect(api_url) as mine, connect(api_url) as theirs:
        assert (await mine.init({"authorization": f"Bearer {tenant.token}"}))["type"] == (
            "connection_ack"
        )
        assert (await theirs.init({"authorization": f"Bearer {other_tenant.token}"}))[
            "type"
        ] == "connection_ack"
        await mine.subscribe(EVENTS)
        await theirs.subscribe(EVENTS)
        await asyncio.sleep(0.5)  # let both subscriptions reach Redis
        # when: the CLI queues a job that the worker process runs
        subprocess.run(
            [PHANTOM, "housekeeping", "--tenant", tenant.slug],
            check=True,
            capture_output=True,
            timeout=60,
        )
        # then: the event arrives through Redis, for the job's tenant only
        message = await mine.receive(timeout=30)
        assert message["type"] == "next", message
        event = message["payload"]["data"]["tenantEvents"]
        assert event["topic"] == "housekeeping.completed"
        assert set(event["payload"]) == {"sessionsPurged", "expiredTokens", "idempotencyKeysPurged"}
        with pytest.raises(TimeoutError):
            await theirs.receive(timeout=2)


async def test_websocket_refusals(api_url: str, tenant: TenantFixture) -> None:
    # subscribing before connection_init closes the socket (CVE-2026-35526)
    async with connect(api_url) as ws:
        await ws.subscribe(EVENTS)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401
    # an unknown token is refused at connection_init
    async with connect(api_url) as ws:
        await ws.send({"type": "connection_init", "payload": {"authorization": "Bearer phm_x"}})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403
    # no credentials at all
    async with connect(api_url) as ws:
        await ws.send({"type": "connection_init", "payload": {}})
        with pytest.raises(websockets.ConnectionClosed):
            await ws.receive()
    # a page on another origin cannot open a socket with the user's cookies
    cookie = {"Cookie": "phantom_session=the-victims"}
    with pytest.raises(websockets.InvalidStatus):
        async with connect(api_url, headers=cookie, origin="https://evil.example.com"):
            pass


async def test_websocket_limits_and_input(api_url: str, tenant: TenantFixture) -> None:
    async with connect(api_url) as ws:
        await ws.init({"authorization": f"Bearer {tenant.token}"})
        op = await ws.subscribe('subscription { tenantEvents(topics: ["Bad Topic!"]) { topic } }')
        message = await ws.receive()
        assert message["id"] == op
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        if message["type"] == "next":
            assert (await ws.receive())["type"] == "complete"
        for _ in range(20):
            await ws.subscribe(EVENTS)
        op = await ws.subscribe(EVENTS)
        message = await ws.receive()
        assert message["id"] == op, message
        assert message["type"] == "error"
        assert "limit" in message["payload"][0]["message"]


async def test_readyz_and_metrics_on_a_real_server(api_url: str) -> None:
    async with httpx.AsyncClient(base_url=api_url) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        metrics = (await client.get("/metrics")).text
        assert 'phantom_http_requests_total{method="GET",route="/readyz",status="200"}' in metrics


@pytest.fixture(scope="module")
def second_api_url(log_dir: Path) -> Iterator[str]:
    with api_server(log_dir, {"PHANTOM_STREAM_REVALIDATE_SECONDS": "1"}) as url:
        yield url


async def test_revocation_reaches_every_api_process_and_ends_streams(
    api_url: str, second_api_url: str, tenant: TenantFixture
) -> None:
    # given: a token in use on two API processes, with a live stream on the second
    async with httpx.AsyncClient() as client:
        created = await client.post(
            f"{api_url}/graphql",
            headers=tenant.bearer,
            json={"query": CREATE_TOKEN},
        )
        data = created.json()["data"]["createApiToken"]
        auth = {"Authorization": f"Bearer {data['token']}"}
        viewer = {"query": "{ viewer { email } }"}
        for url in (api_url, second_api_url):
            assert (await client.post(f"{url}/graphql", json=viewer, headers=auth)).json()["data"]
        async with connect(second_api_url) as ws:
            await ws.init({"authorization": auth["Authorization"]})
            await ws.subscribe(EVENTS)
            # when: it is revoked through the first process
            revoked = await client.post(
                f"{api_url}/graphql",
                headers=tenant.bearer,
                json={
                    "query": "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
                    "variables": {"id": data["apiToken"]["id"]},
                },
            )
            assert revoked.json()["data"]["revokeApiToken"]["revokedAt"]
            # then: the first process refuses it at once ...
            first = await client.post(f"{api_url}/graphql", json=viewer, headers=auth)
            assert first.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            # ... the second within a second (a Redis broadcast drops its cached entry) ...
            # (a request counts by when it was sent: on a loaded host the answer itself
            # can take longer than the second the claim is about)
            deadline = asyncio.get_running_loop().time() + 1
            while True:
                sent = asyncio.get_running_loop().time()
                second = await client.post(f"{second_api_url}/graphql", json=viewer, headers=auth)
                if second.json().get("errors"):
                    break
                assert sent < deadline, "still accepted a second after the revocation"
                await asyncio.sleep(0.05)
            # ... and the open stream ends with UNAUTHENTICATED
            message = await ws.receive(timeout=15)
            assert message["type"] in ("error", "next"), message
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_role_removed_on_one_api_process_holds_on_all_within_a_second(
    api_url: str, second_api_url: str, tenant: TenantFixture
) -> None:
    # given: a member whose custom role lets them list members, served by the second process
    async with httpx.AsyncClient() as client:

        async def ask(url: str, query: str, variables: Any, headers: dict[str, str]) -> Any:
            response = await client.post(
                f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            return response.json()

        await ask(
            api_url,
            "mutation($i: CreateRoleInput!) { createRole(input: $i) { name } }",
            {"i": {"name": "lister", "permissions": ["users:read"]}},
            tenant.bearer,
        )
        email = f"lister@{tenant.slug}.example.com"
        invited = await ask(
            api_url,
            "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { member { id } } }",
            {"i": {"email": email, "roles": ["lister"]}},
            tenant.bearer,
        )
        member_id = invited["data"]["inviteMember"]["member"]["id"]
        async with transaction(tenant.id) as session:
            await provision_member(
                session,
                tenant_id=tenant.id,
                email=email,
                display_name="Lister",
                roles=["lister"],
                sso_subject="test|lister",
            )
            secret, _ = await tokens.create(session, tenant_id=tenant.id, email=email, name="t")
        member = {"Authorization": f"Bearer {secret}"}
        listing = "{ members { totalCount } }"
        assert (await ask(second_api_url, listing, {}, member))["data"]["members"]["totalCount"]
        # when: the role is taken away through the first process
        changed = await ask(
            api_url,
            "mutation($i: SetMemberRolesInput!) { setMemberRoles(input: $i) { roles } }",
            {"i": {"userId": member_id, "roles": ["viewer"]}},
            tenant.bearer,
        )
        assert changed["data"]["setMemberRoles"]["roles"] == ["viewer"]
        # then: the second process refuses within a second
        # (a request counts by when it was sent, not by when a loaded host answered it)
        started = asyncio.get_running_loop().time()
        while True:
            sent = asyncio.get_running_loop().time()
            body = await ask(second_api_url, listing, {}, member)
            if body.get("errors"):
                assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
                break
            assert sent - started < 1.0, "still allowed a second after the change"
            await asyncio.sleep(0.05)


async def test_cookie_websockets_must_echo_the_csrf_token(
    api_url: str, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=api_url) as client:
        signed_in = await client.post(
            "/auth/login",
            json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
        )
        csrf = signed_in.json()["csrfToken"]
        cookie = f"phantom_session={client.cookies['phantom_session']}"
    for payload in ({}, {"csrfToken": "forged"}, {"csrfToken": 7}):
        async with connect(api_url, headers={"Cookie": cookie}) as ws:
            await ws.send({"type": "connection_init", "payload": payload})
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.receive()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4403
    async with connect(api_url, headers={"Cookie": cookie}) as ws:
        assert (await ws.init({"csrfToken": csrf}))["type"] == "connection_ack"
