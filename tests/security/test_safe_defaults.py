"""Issue 10, "also check": production-safe defaults. With no ``PHANTOM_ENV`` the API
must behave as in production (no introspection, the SSRF checks on), development
conveniences are opt-in, and GraphQL never suggests names ("Did you mean ...?"), which
lets anyone map the schema with introspection off."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from phantom.config import Settings, settings
from tests.support.fixtures import TenantFixture
from tests.support.servers import free_port, running, wait_ready
from tests.test_standalone import EXTERNAL, _wait_for_login

INTROSPECT = "{ __schema { types { name } } }"
# what the test run sets for its own convenience, which production would refuse
TEST_ONLY = ("PHANTOM_ENV", "PHANTOM_OUTBOUND_ALLOW_LOOPBACK", "PHANTOM_WEBHOOK_ALLOW_PRIVATE")
# each mistake graphql-core answers with a suggestion unless told not to
MISTAKES = [
    ("{ viewer { emai } }", None),
    ("mutation($i: CreateRoleInputt!) { createRole(input: $i) { name } }", None),
    ("query($x: Sting) { __typename }", None),
    ("query { __typename } fragment f on Viewr { email }", None),
    ("{ viewer(emai: 1) { email } }", None),
    ('mutation { createApiToken(input: {nam: "x"}) { token } }', None),
    (
        "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
        {"i": {"nam": "x"}},
    ),
]


def test_the_default_environment_is_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TEST_ONLY:
        monkeypatch.delenv(name, raising=False)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.ENV == "production"
    assert defaults.is_production()
    assert defaults.WEBHOOK_ALLOW_PRIVATE is False


@pytest.mark.parametrize(("query", "variables"), MISTAKES)
async def test_errors_suggest_no_names(
    client: httpx.AsyncClient, tenant: TenantFixture, query: str, variables: object
) -> None:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=tenant.bearer
    )
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages
    assert not [m for m in messages if "Did you mean" in m], messages


def _introspection_refused(url: str, headers: dict[str, str]) -> None:
    response = httpx.post(f"{url}/graphql", json={"query": INTROSPECT}, headers=headers)
    body = response.json()
    assert "data" not in body or not body["data"], "introspection answered"
    assert "introspection" in body["errors"][0]["message"].lower()


@pytest.fixture(scope="module")
def default_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``phantom api`` with no PHANTOM_ENV: what an operator gets by default (the
    master key is the test database's own, as production requires one)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "PHANTOM_BASE_URL": url,
        "PHANTOM_MASTER_KEY": base64.b64encode(settings.master_key).decode(),
    }
    log = tmp_path_factory.mktemp("defaults") / "api.log"
    with running(["api", "--port", str(port)], env, log=log, unset=TEST_ONLY) as process:
        wait_ready(url, process)
        yield url


@pytest.mark.slow
def test_the_default_api_refuses_introspection(default_api: str, tenant: TenantFixture) -> None:
    _introspection_refused(default_api, tenant.bearer)


@pytest.mark.slow
def test_standalone_is_safe_by_default_and_still_works(tmp_path: Path) -> None:
    # given: a newcomer's first command, in an empty directory, with no settings
    port = free_port()
    log = tmp_path / "standalone.log"
    unset = (*EXTERNAL, *TEST_ONLY)
    with running(["standalone", "--port", str(port)], cwd=tmp_path, log=log, unset=unset) as p:
        login = _wait_for_login(log, p)
        url = f"http://127.0.0.1:{port}"
        # then: signing in works, with the key it generated under ./var
        signed_in = httpx.post(f"{url}/auth/login", json=login)
        assert signed_in.status_code == 200, signed_in.text
        assert (tmp_path / "var" / "master.key").exists()
        csrf = {"X-CSRF-Token": signed_in.json()["csrfToken"]}
        cookies = signed_in.cookies
        viewer = httpx.post(
            f"{url}/graphql", json={"query": "{ viewer { email } }"}, headers=csrf, cookies=cookies
        )
        assert viewer.json()["data"]["viewer"]["email"] == login["email"]
        # and: no development conveniences
        response = httpx.post(
            f"{url}/graphql", json={"query": INTROSPECT}, headers=csrf, cookies=cookies
        )
        assert "introspection" in response.json()["errors"][0]["message"].lower()
        assert not re.search("Did you mean", response.text)
        # and: the links it hands out point at the port it runs on, not the default 8000
        invited = httpx.post(
            f"{url}/graphql",
            json={
                "query": "mutation($input: InviteMemberInput!) "
                "{ inviteMember(input: $input) { inviteUrl } }",
                "variables": {"input": {"email": "new@demo.example.com", "roles": ["viewer"]}},
            },
            headers=csrf,
            cookies=cookies,
        )
        assert invited.json()["data"]["inviteMember"]["inviteUrl"].startswith(f"{url}/")
    # and: it stops cleanly (a CRITICAL traceback came from the in-process workers)
    assert '"level": "CRITICAL"' not in log.read_text()
