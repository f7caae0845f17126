"""Issue 10, item 5: SSRF at sign-in. A tenant admin saves an IdP that looks fine, then
changes what its discovery document says: ``jwks_uri``, ``token_endpoint``, a redirect,
or httpx settings smuggled into the document (``proxy``, ``follow_redirects``). The
server must never connect to a private, link-local or (when not allowed) loopback
address, and every such refusal must look the same to the person signing in.

The hostile IdP is a tiny HTTP server in the test (on loopback, which the test settings
allow for the IdP itself). Every TCP connection the server side opens through httpx2 is
recorded; a connection to anything but loopback is failed at once (never sent out).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpcore2
import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.sso.helpers import CONFIGURE
from tests.support.fixtures import TenantFixture, error_codes, gql
from tests.support.servers import free_port

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
METADATA_IP = "169.254.169.254"


@dataclass
class FakeServer:
    """A loopback HTTP server answering from ``routes`` (path -> (status, headers, body))."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def json(self, path: str, body: object, status: int = 200) -> None:
        self.routes[path] = (
            status,
            {"content-type": "application/json"},
            json.dumps(body).encode(),
        )


def serve(fake: FakeServer) -> Iterator[FakeServer]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            path = urlsplit(self.path).path
            fake.hits.append(f"{self.command} {path}")
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            status, headers, body = fake.routes.get(path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hostile() -> Iterator[FakeServer]:
    """The attacker's IdP: a discovery document, a token endpoint and a JWKS."""
    yield from serve(FakeServer())


@pytest.fixture
def internal() -> Iterator[FakeServer]:
    """An internal HTTP service on loopback (think: a local H2O node's REST API)."""
    fake = FakeServer()
    fake.json("/3/Cloud", {"access_token": "x", "token_type": "Bearer"})
    yield from serve(fake)


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection httpx2 opens; any but loopback fails at once, never sent."""
    from httpcore2._backends.anyio import AnyIOBackend

    opened: list[tuple[str, int]] = []
    real = AnyIOBackend.connect_tcp

    async def connect_tcp(self: Any, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        opened.append((host, port))
        if host not in LOOPBACK:
            raise httpcore2.ConnectError(f"test: {host} is not reachable from here")
        return await real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(AnyIOBackend, "connect_tcp", connect_tcp)
    return opened


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    from phantom.config import settings

    base = settings.BASE_URL.rstrip("/")
    async with httpx.AsyncClient(
        mounts={base: httpx.ASGITransport(app=app)}, base_url=base, timeout=30
    ) as http:
        yield http


def benign(idp: FakeServer) -> dict[str, Any]:
    return {
        "issuer": idp.url,
        "authorization_endpoint": f"{idp.url}/auth",
        "token_endpoint": f"{idp.url}/token",
        "jwks_uri": f"{idp.url}/jwks",
        "code_challenge_methods_supported": ["S256"],
        "response_types_supported": ["code"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }


def signed_id_token(issuer: str) -> str:
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    claims = {"iss": issuer, "aud": "client", "sub": "x", "exp": 4102444800, "iat": 1}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


async def configured(client: httpx.AsyncClient, tenant: TenantFixture, idp: FakeServer) -> None:
    """The admin saves the IdP while it still looks harmless."""
    idp.json("/.well-known/openid-configuration", benign(idp))
    body = await gql(
        client,
        CONFIGURE,
        {
            "input": {
                "issuer": idp.url,
                "clientId": "client",
                "clientSecret": "secret",
                "allowedEmailDomains": [],
            }
        },
        tenant.bearer,
    )
    assert "errors" not in body, body


async def callback_with_code(http: httpx.AsyncClient, slug: str) -> httpx.Response:
    """Start a sign-in (our state and cookie), then come back as if the IdP sent a code."""
    start = await http.get(f"/auth/sso/{slug}/login")
    if start.status_code != 302:
        return start
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    return await http.get(f"/auth/sso/{slug}/callback?code=stolen&state={state}")


def outside_loopback(opened: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(host, port) for host, port in opened if host not in LOOPBACK]


def page_text(response: httpx.Response) -> str:
    """The refusal page without its per-request reference."""
    return re.sub(r"<code>[^<]*</code>", "", response.text)


HOSTILE = {
    "jwks_uri at the metadata service": {"jwks_uri": f"http://{METADATA_IP}/latest/meta-data/"},
    "token endpoint at the metadata service": {
        "token_endpoint": f"http://{METADATA_IP}/latest/meta-data/iam/security-credentials/"
    },
    "token endpoint on a private network over https": {"token_endpoint": "https://10.0.0.1/t"},
    "proxy smuggled into discovery": {"proxy": f"http://{METADATA_IP}:3128"},
    "redirect followed on the say-so of discovery": {
        "follow_redirects": True,
        "token_endpoint": "/redirect",
    },
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_sign_in_never_fetches_internal_addresses_the_idp_names(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    tenant: TenantFixture,
    hostile: FakeServer,
    connections: list[tuple[str, int]],
    case: str,
) -> None:
    # given an IdP saved while harmless, which then changes its discovery document
    await configured(client, tenant, hostile)
    document = {**benign(hostile), **HOSTILE[case]}
    if document["token_endpoint"] == "/redirect":
        document["token_endpoint"] = f"{hostile.url}/redirect"
        hostile.routes["/redirect"] = (307, {"location": f"http://{METADATA_IP}/latest/"}, b"")
    hostile.json("/.well-known/openid-configuration", document)
    hostile.json(
        "/token",
        {"access_token": "a", "token_type": "Bearer", "id_token": signed_id_token(hostile.url)},
    )
    hostile.json("/jwks", {"keys": []})
    # when someone signs in
    response = await callback_with_code(browser, tenant.slug)
    # then nothing outside loopback was contacted, and a refused address answers like an
    # unreachable IdP (the smuggled proxy is simply ignored: the token is then checked)
    assert outside_loopback(connections) == [], f"the server connected to {connections}"
    if "proxy" not in HOSTILE[case]:
        assert response.status_code == 502, response.text
        assert "could not be reached" in response.text


async def test_every_refused_or_unreachable_target_answers_alike(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    tenant: TenantFixture,
    hostile: FakeServer,
    internal: FakeServer,
    connections: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No port scanner: an open internal port, a closed one and a private address give
    the same page, and loopback is refused once the allowance for tests is off."""
    await configured(client, tenant, hostile)
    targets = {
        "open": f"{internal.url}/3/Cloud",
        "closed": f"http://127.0.0.1:{free_port()}/3/Cloud",
        "private": "https://10.1.2.3/3/Cloud",
    }
    pages = {}
    for name, target in targets.items():
        hostile.json(
            "/.well-known/openid-configuration", {**benign(hostile), "token_endpoint": target}
        )
        from phantom.identity.sso.client import clients

        clients.forget(tenant.id)
        start = await browser.get(f"/auth/sso/{tenant.slug}/login")  # discovery, allowed
        state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
        with monkeypatch.context() as patch:
            forbid_loopback(patch)
            response = await browser.get(
                f"/auth/sso/{tenant.slug}/callback?code=stolen&state={state}"
            )
        pages[name] = (response.status_code, page_text(response))
    assert internal.hits == [], "the internal service was reached"
    assert outside_loopback(connections) == []
    assert pages["open"] == pages["closed"] == pages["private"], pages
    assert pages["open"][0] == 502


def forbid_loopback(patch: pytest.MonkeyPatch) -> None:
    """Turn the tests' loopback allowance off (before the fix there was no such switch:
    loopback and plain http were always allowed outside production)."""
    try:
        from phantom.kit import outbound
    except ImportError:
        return
    patch.setattr(
        outbound,
        "settings",
        outbound.settings.model_copy(update={"OUTBOUND_ALLOW_LOOPBACK": False}),
    )


async def test_an_oversized_answer_is_cut_off(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    tenant: TenantFixture,
    hostile: FakeServer,
) -> None:
    """A JWKS of 8 MB is not read into memory: refused like an unreachable IdP."""
    await configured(client, tenant, hostile)
    hostile.json(
        "/token",
        {"access_token": "a", "token_type": "Bearer", "id_token": signed_id_token(hostile.url)},
    )
    hostile.routes["/jwks"] = (200, {"content-type": "application/json"}, b" " * 8_000_000)
    response = await callback_with_code(browser, tenant.slug)
    assert response.status_code == 502, response.text


async def test_saving_an_issuer_on_a_private_address_connects_nowhere(
    client: httpx.AsyncClient, tenant: TenantFixture, connections: list[tuple[str, int]]
) -> None:
    """In every environment, not only production."""
    for issuer in ("https://10.0.0.8", f"http://{METADATA_IP}", "https://[fd00::1]"):
        body = await gql(
            client,
            CONFIGURE,
            {"input": {"issuer": issuer, "clientId": "c", "clientSecret": "s"}},
            tenant.bearer,
        )
        assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert outside_loopback(connections) == [], f"the server connected to {connections}"


def test_the_loopback_allowance_is_ignored_in_production() -> None:
    from phantom.config import Settings

    production = Settings(ENV="production", OUTBOUND_ALLOW_LOOPBACK=True)
    assert production.outbound_loopback_allowed() is False
    assert Settings(ENV="testing", OUTBOUND_ALLOW_LOOPBACK=True).outbound_loopback_allowed()
