"""A real OpenID Provider for the SSO tests: ``node tests/support/oidc/provider.mjs``
(npm ``oidc-provider``), on a free loopback port, with signing keys generated here.

``scripts/setup`` installs it (``npm ci`` in ``tests/support/oidc``). Its test-only control
API (tamper with the next ID token, rotate keys, change claims) is documented in
``provider.mjs``; the provider itself is unmodified.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.support.servers import free_port

HERE = Path(__file__).parent / "oidc"


def signing_key(kid: str) -> dict[str, Any]:
    """A fresh RSA signing key as a private JWK."""
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})
    return dict(key.as_dict(private=True))


@dataclass
class OidcProvider:
    issuer: str
    keys: list[dict[str, Any]]
    process: subprocess.Popen[bytes]
    log: Path
    clients: list[tuple[str, str]] = field(default_factory=list)

    def _control(self, path: str, body: object) -> Any:
        response = httpx.post(f"{self.issuer}/__test__/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def register_client(self, redirect_uri: str) -> tuple[str, str]:
        """OpenID Connect Dynamic Client Registration, the real protocol: (id, secret)."""
        response = httpx.post(
            f"{self.issuer}/reg",
            json={"redirect_uris": [redirect_uri], "grant_types": ["authorization_code"]},
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        return str(body["client_id"]), str(body["client_secret"])

    def set_claims(self, login: str, **claims: Any) -> None:
        self._control("accounts", {login: claims})

    def tamper_next_id_token(self, mode: str) -> None:
        self._control("tamper", {"mode": mode})

    def rotate_keys(self, keys: list[dict[str, Any]]) -> None:
        """The IdP starts signing with ``keys[0]`` and publishes all of ``keys``."""
        self._control("jwks", {"keys": keys})
        self.keys = keys

    def stats(self) -> dict[str, int]:
        response = httpx.get(f"{self.issuer}/__test__/stats", timeout=10)
        response.raise_for_status()
        return {k: int(v) for k, v in response.json().items()}


@contextmanager
def oidc_provider(work_dir: Path) -> Iterator[OidcProvider]:
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test OpenID Provider is not installed: run scripts/setup (npm ci)")
    port = free_port()
    keys = [signing_key("key-1")]
    config = work_dir / f"oidc-{port}.json"
    config.write_text(json.dumps({"port": port, "jwks": {"keys": keys}}))
    config.chmod(0o600)
    log = work_dir / f"oidc-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            ["node", str(HERE / "provider.mjs"), str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    provider = OidcProvider(f"http://127.0.0.1:{port}", keys, process, log)
    try:
        _wait_for_discovery(provider)
        yield provider
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def _wait_for_discovery(provider: OidcProvider, timeout: float = 30) -> None:
    url = f"{provider.issuer}/.well-known/openid-configuration"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if provider.process.poll() is not None:
            raise RuntimeError(f"the OpenID Provider exited: {provider.log.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the OpenID Provider did not answer within {timeout}s")


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    with oidc_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


# --- driving the IdP's own login and consent forms over HTTP ------------------------------


async def complete_idp_login(
    http: httpx.AsyncClient, authorize_url: str, login: str, stop_at: str
) -> str:
    """Follow the IdP from its authorization URL through the login and consent forms,
    as a browser would, and return the redirect that starts with ``stop_at`` (our
    callback), without following it."""
    url, method, data = authorize_url, "GET", None
    for _ in range(20):
        response = await http.request(method, url, data=data)
        if response.is_redirect:
            location = urljoin(url, response.headers["location"])
            if location.startswith(stop_at):
                return location
            url, method, data = location, "GET", None
            continue
        assert response.status_code == 200, response.text
        body = response.text
        action = _form_action(body)
        if 'name="prompt" value="login"' in body:
            data = {"prompt": "login", "login": login, "password": "any"}
        elif 'name="prompt" value="consent"' in body:
            data = {"prompt": "consent"}
        else:
            raise AssertionError(f"unexpected IdP page: {body[:500]}")
        url, method = urljoin(url, action), "POST"
    raise AssertionError("too many IdP redirects")


def _form_action(body: str) -> str:
    marker = 'action="'
    start = body.index(marker) + len(marker)
    return body[start : body.index('"', start)]
