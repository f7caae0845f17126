"""The whole OpenID Connect sign-in over HTTP: our app (in process) and the real IdP
(``oidc-provider`` in node), a cookie jar shared between them as in a browser.

Every hostile case must answer a clear page, set no session cookie, and log one
``auth.failed`` line with the tenant slug, a machine-readable reason, the IP and the
request id."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.sso.helpers import configure_sso, redirect_uri
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.oidc_provider import OidcProvider, complete_idp_login, signing_key

VIEWER = "{ viewer { id email roles tenant { slug } } }"


def user_agent(app: Any) -> httpx.AsyncClient:
    """One user agent: our app in process at the configured base URL, the IdP over TCP."""
    from phantom.config import settings

    base = settings.BASE_URL.rstrip("/")
    return httpx.AsyncClient(mounts={base: httpx.ASGITransport(app=app)}, base_url=base, timeout=20)


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with user_agent(app) as http:
        yield http


@pytest.fixture
async def bank(client: httpx.AsyncClient, idp: OidcProvider) -> TenantFixture:
    """A tenant whose IdP maps groups to roles and admits @bank.example only."""
    tenant = await create_tenant("Bank of Tests")
    await configure_sso(client, idp, tenant)
    return tenant


@pytest.fixture
def auth_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="phantom.auth")
    return caplog


async def authorize(http: httpx.AsyncClient, slug: str, login: str) -> str:
    """Start at our login route, sign in at the IdP; the callback URL it sends us to."""
    start = await http.get(f"/auth/sso/{slug}/login")
    assert start.status_code == 302, start.text
    return await complete_idp_login(http, start.headers["location"], login, redirect_uri(slug))


async def sign_in(http: httpx.AsyncClient, slug: str, login: str) -> httpx.Response:
    return await http.get(await authorize(http, slug, login))


async def user_exists(email: str) -> bool:
    from phantom.db import transaction
    from phantom.identity.repository import UserRepository

    async with transaction(None) as session:
        return await UserRepository(session).by_email(email) is not None


def sets_session(response: httpx.Response) -> bool:
    return any(c.startswith("phantom_session=") for c in response.headers.get_list("set-cookie"))


async def whoami(http: httpx.AsyncClient) -> dict[str, Any]:
    csrf = http.cookies.get("phantom_csrf", path="/")
    body = await gql(http, VIEWER, headers={"X-CSRF-Token": csrf or ""})
    assert "errors" not in body, body
    viewer: dict[str, Any] = body["data"]["viewer"]
    return viewer


def assert_refused(
    response: httpx.Response,
    log: pytest.LogCaptureFixture,
    slug: str,
    reason: str,
    status: int,
    text: str,
) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text
    assert '<a href="/login">' in response.text
    assert "Traceback" not in response.text
    assert not sets_session(response)
    failures = [r for r in log.records if r.getMessage() == "auth.failed"]
    assert failures, "no auth.failed log line"
    line = failures[-1].__dict__
    assert (line["tenant_slug"], line["reason"]) == (slug, reason)
    assert line["ip"]
    assert line["request_id"] == response.headers["x-request-id"]
    log.clear()


async def test_login_redirect_uses_pkce_state_and_nonce(
    browser: httpx.AsyncClient, bank: TenantFixture, idp: OidcProvider
) -> None:
    response = await browser.get(f"/auth/sso/{bank.slug}/login")
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert f"{location.scheme}://{location.netloc}" == idp.issuer
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert params["state"]
    assert params["nonce"]
    assert params["redirect_uri"] == redirect_uri(bank.slug)
    assert params["scope"] == "openid email profile groups"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("phantom_sso_state=")
    for attribute in ("path=/auth/sso", "Max-Age=600", "httponly", "samesite=lax"):
        assert attribute.lower() in cookie.lower()
    # the code verifier and nonce stay on the server; the cookie holds a marker only
    assert params["nonce"] not in cookie


async def test_sign_in_provisions_the_member_and_syncs_roles_on_every_login(
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    idp: OidcProvider,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    login = f"alice.{bank.slug}@bank.example"
    idp.set_claims(login, groups=["ml-team"], name="Alice Example")
    # first sign-in: the member is created with the mapped role
    response = await sign_in(browser, bank.slug, login)
    assert response.status_code == 302
    assert response.headers["location"] == "/"
    assert sets_session(response)
    first_session = browser.cookies.get("phantom_session", path="/")
    me = await whoami(browser)
    assert (me["email"], me["roles"], me["tenant"]["slug"]) == (
        login,
        ["data_scientist"],
        bank.slug,
    )
    signed_in = [r for r in auth_log.records if r.getMessage() == "auth.sso.signed_in"]
    assert signed_in[-1].__dict__["tenant_slug"] == bank.slug
    # the IdP now puts her in two groups: union of the mapped roles, same user
    idp.set_claims(login, groups=["risk", "ml-team", "unmapped"])
    await sign_in(browser, bank.slug, login)
    again = await whoami(browser)
    assert again["id"] == me["id"]
    assert again["roles"] == ["compliance_officer", "data_scientist", "viewer"]
    # a new session each time (no fixation); the previous one is revoked
    assert browser.cookies.get("phantom_session", path="/") != first_session
    stale = await gql(browser, VIEWER, headers={"Cookie": f"phantom_session={first_session}"})
    assert stale.get("errors"), stale
    # no mapped group any more: the default role
    idp.set_claims(login, groups=["unmapped"])
    await sign_in(browser, bank.slug, login)
    assert (await whoami(browser))["roles"] == ["viewer"]


HOSTILE_TOKENS = [
    ("aud", "audience_mismatch", "issued for another application"),
    ("iss", "issuer_mismatch", "does not use"),
    ("expired", "token_expired", "has expired"),
    ("nonce", "nonce_mismatch", "does not belong to this sign-in"),
    ("signature", "signature_invalid", "signature is not valid"),
    ("none", "signature_invalid", "signature is not valid"),
    ("hs256", "signature_invalid", "signature is not valid"),
    ("foreign-key", "signature_invalid", "signature is not valid"),
]


async def audited_refusals(http: httpx.AsyncClient, t: TenantFixture) -> list[str]:
    """The reasons of the refused sign-ins in the organization's audit log."""
    query = """{ auditEvents(first: 50, filter: {action: "identity.sign_in.refused"}) {
        edges { node { outcome details } } } }"""
    body = await gql(http, query, headers=t.bearer)
    nodes = [e["node"] for e in body["data"]["auditEvents"]["edges"]]
    assert all(n["outcome"] == "DENIED" and n["details"]["method"] == "sso" for n in nodes)
    return [n["details"]["reason"] for n in nodes]


@pytest.mark.parametrize(("mode", "reason", "text"), HOSTILE_TOKENS)
async def test_hostile_id_tokens_are_refused(
    browser: httpx.AsyncClient,
    client: httpx.AsyncClient,
    bank: TenantFixture,
    idp: OidcProvider,
    auth_log: pytest.LogCaptureFixture,
    mode: str,
    reason: str,
    text: str,
) -> None:
    callback = await authorize(browser, bank.slug, "eve@bank.example")
    idp.tamper_next_id_token(mode)
    response = await browser.get(callback)
    assert_refused(response, auth_log, bank.slug, reason, 401, text)
    assert browser.cookies.get("phantom_session") is None
    assert await audited_refusals(client, bank) == [reason]


async def test_a_replayed_code_is_refused(
    browser: httpx.AsyncClient, bank: TenantFixture, auth_log: pytest.LogCaptureFixture
) -> None:
    callback = await authorize(browser, bank.slug, "bob@bank.example")
    assert (await browser.get(callback)).status_code == 302
    # the same callback again: its state was used up
    response = await browser.get(callback)
    assert_refused(response, auth_log, bank.slug, "state_mismatch", 400, "invalid or has expired")
    # the old code under a fresh, valid state: the IdP refuses the code itself
    fresh = await browser.get(f"/auth/sso/{bank.slug}/login")
    state = parse_qs(urlsplit(fresh.headers["location"]).query)["state"][0]
    replay = re.sub(r"state=[^&]+", f"state={state}", callback)
    response = await browser.get(replay)
    assert_refused(response, auth_log, bank.slug, "code_rejected", 401, "used already")


async def test_missing_or_forged_state_is_refused(
    app: Any,
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    callback = await authorize(browser, bank.slug, "bob@bank.example")
    without_state = re.sub(r"&?state=[^&]+", "", callback)
    response = await browser.get(without_state)
    assert_refused(response, auth_log, bank.slug, "state_mismatch", 400, "Start again")
    forged = re.sub(r"state=[^&]+", "state=forged-by-an-attacker", callback)
    response = await browser.get(forged)
    assert_refused(response, auth_log, bank.slug, "state_mismatch", 400, "Start again")
    # a callback from another browser (no state cookie) cannot finish this flow
    async with user_agent(app) as other:
        response = await other.get(callback)
    assert_refused(response, auth_log, bank.slug, "state_mismatch", 400, "Start again")


async def test_tenant_a_callback_used_with_tenant_b_slug_is_refused(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    idp: OidcProvider,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    # given a second tenant on the same IdP (its own client)
    other = await create_tenant("Other Bank")
    await configure_sso(client, idp, other)
    # when a flow started for A is finished at B's callback
    callback = await authorize(browser, bank.slug, "mallory@bank.example")
    swapped = callback.replace(f"/auth/sso/{bank.slug}/", f"/auth/sso/{other.slug}/")
    response = await browser.get(swapped)
    # then B refuses it, and A's flow stays usable only at A
    assert_refused(response, auth_log, other.slug, "state_mismatch", 400, "another organization")
    assert (await browser.get(callback)).status_code == 302
    assert (await whoami(browser))["tenant"]["slug"] == bank.slug


async def test_a_callback_naming_another_issuer_is_refused(
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    idp: OidcProvider,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    """RFC 9207 (mix-up): the IdP announces the iss parameter, so it must be ours."""
    callback = await authorize(browser, bank.slug, "bob@bank.example")
    assert f"iss={idp.issuer}".replace(":", "%3A").replace("/", "%2F") in callback
    evil = re.sub(r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", callback)
    response = await browser.get(evil)
    assert_refused(response, auth_log, bank.slug, "issuer_mismatch", 401, "does not use")
    callback = await authorize(browser, bank.slug, "bob@bank.example")
    response = await browser.get(re.sub(r"&?iss=[^&]+", "", callback))
    assert_refused(response, auth_log, bank.slug, "issuer_mismatch", 401, "does not use")


async def test_email_outside_the_allowed_domains_or_unverified_is_refused(
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    idp: OidcProvider,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    response = await sign_in(browser, bank.slug, "mallory@evil.example")
    assert_refused(
        response, auth_log, bank.slug, "email_domain_not_allowed", 403, "domain is not allowed"
    )
    assert await user_exists("mallory@evil.example") is False  # nothing provisioned
    # a subdomain is another domain (each person in a fresh browser: the IdP remembers)
    browser.cookies.clear()
    response = await sign_in(browser, bank.slug, "mallory@evil.bank.example")
    assert_refused(
        response, auth_log, bank.slug, "email_domain_not_allowed", 403, "domain is not allowed"
    )
    idp.set_claims("unverified@bank.example", email_verified=False)
    browser.cookies.clear()
    response = await sign_in(browser, bank.slug, "unverified@bank.example")
    assert_refused(response, auth_log, bank.slug, "email_unverified", 403, "not verified")


async def test_a_deactivated_member_is_refused(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    login = f"dave.{bank.slug}@bank.example"
    assert (await sign_in(browser, bank.slug, login)).status_code == 302
    dave = await whoami(browser)
    body = await gql(
        client,
        "mutation ($id: ID!) { deactivateMember(userId: $id) { status } }",
        {"id": dave["id"]},
        bank.bearer,
    )
    assert body["data"]["deactivateMember"]["status"] == "DEACTIVATED", body
    browser.cookies.clear()
    response = await sign_in(browser, bank.slug, login)
    assert_refused(response, auth_log, bank.slug, "member_deactivated", 403, "deactivated")


async def test_idp_errors_unknown_and_unconfigured_organizations(
    browser: httpx.AsyncClient,
    tenant: TenantFixture,
    bank: TenantFixture,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    # the IdP reports an error (the user cancelled): shown plainly, nothing echoed
    response = await browser.get(
        f"/auth/sso/{bank.slug}/callback?error=access_denied"
        "&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=x"
    )
    assert_refused(response, auth_log, bank.slug, "idp_error", 401, "did not complete")
    assert "<script>" not in response.text
    # unknown and unconfigured organizations answer alike
    for slug in ("no-such-org", tenant.slug):
        for step in ("login", "callback?code=x&state=y"):
            response = await browser.get(f"/auth/sso/{slug}/{step}")
            assert_refused(response, auth_log, slug, "sso_not_configured", 404, "not set up")


async def test_sso_works_when_password_sign_in_is_disabled(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, idp: OidcProvider
) -> None:
    strict = await create_tenant("Strict Bank")
    await configure_sso(client, idp, strict, ssoRequired=True)
    response = await sign_in(browser, strict.slug, f"sam.{strict.slug}@bank.example")
    assert response.status_code == 302
    assert (await whoami(browser))["tenant"]["slug"] == strict.slug


async def test_jwks_rotation_accepts_a_new_key_after_one_refetch(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    auth_log: pytest.LogCaptureFixture,
) -> None:
    rotating = await create_tenant("Rotating Bank")
    await configure_sso(client, idp, rotating)
    login = f"rita.{rotating.slug}@bank.example"
    assert (await sign_in(browser, rotating.slug, login)).status_code == 302  # keys cached
    before = idp.stats()["jwks"]
    # the IdP switches to a new signing key and publishes both
    idp.rotate_keys([signing_key(f"key-{rotating.slug}"), *idp.keys])
    assert (await sign_in(browser, rotating.slug, login)).status_code == 302
    assert idp.stats()["jwks"] == before + 1  # one refetch for the new kid
    # a token under a kid the IdP never published: refused, and no second refetch
    callback = await authorize(browser, rotating.slug, login)
    idp.tamper_next_id_token("unknown-kid")
    response = await browser.get(callback)
    assert_refused(
        response, auth_log, rotating.slug, "unknown_signing_key", 401, "does not publish"
    )
    assert idp.stats()["jwks"] == before + 1
    # and the rotated key keeps working without fetching again
    assert (await sign_in(browser, rotating.slug, login)).status_code == 302
    assert idp.stats()["jwks"] == before + 1


async def test_another_tenants_idp_only_ever_signs_in_to_its_own_tenant(
    app: Any,
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    idp: OidcProvider,
) -> None:
    """Tenant B's IdP asserting a member of tenant A yields, at most, a session in B."""
    login = f"amy.{bank.slug}@bank.example"
    idp.set_claims(login, groups=["risk"])
    assert (await sign_in(browser, bank.slug, login)).status_code == 302
    in_a = await whoami(browser)
    # B accepts any domain and maps nothing: its IdP vouches for A's member
    other = await create_tenant("Lenient Insurance")
    await configure_sso(
        client, idp, other, allowedEmailDomains=[], roleMapping=[], defaultRole="viewer"
    )
    async with user_agent(app) as elsewhere:
        assert (await sign_in(elsewhere, other.slug, login)).status_code == 302
        in_b = await whoami(elsewhere)
    assert (in_b["tenant"]["slug"], in_b["roles"]) == (other.slug, ["viewer"])
    # A's session and A's stored roles are untouched
    from phantom.authz.service import authz
    from phantom.db import transaction

    assert await whoami(browser) == in_a
    async with transaction(bank.id) as session:
        stored = await authz.stored_roles(session, bank.id, uuid.UUID(in_a["id"]))
    assert stored == ["compliance_officer", "viewer"]


@contextmanager
def redis_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's Redis is a port nothing listens on, until the block ends."""
    from phantom.kit import redis as kit_redis
    from phantom.kit.loops import PerLoop

    with monkeypatch.context() as patched:
        closed = kit_redis.settings.model_copy(update={"REDIS_URL": "redis://127.0.0.1:1/0"})
        patched.setattr(kit_redis, "settings", closed)
        patched.setattr(kit_redis, "_clients", PerLoop(kit_redis._client))
        yield


async def test_redis_down_is_a_page_to_retry_and_the_sign_in_survives_it(
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    auth_log: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: Redis (the address's failure count, the one-time state) is unreachable
    with redis_down(monkeypatch):
        # when: a sign-in starts; then: a 503 page that says to retry, not a 500
        start = await browser.get(f"/auth/sso/{bank.slug}/login")
        assert_refused(start, auth_log, bank.slug, "unavailable", 503, "Try again in a moment")
        assert start.headers["retry-after"] == "5"
    # given: a sign-in started while Redis was up, its callback arrives while it is down
    callback = await authorize(browser, bank.slug, "carol@bank.example")
    with redis_down(monkeypatch):
        refused = await browser.get(callback)
        assert_refused(refused, auth_log, bank.slug, "unavailable", 503, "Try again in a moment")
    # and: the one-time state store alone fails (the failure count still answers)
    import redis.asyncio as aioredis

    from phantom.identity.sso import client as sso_client

    dead = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    with monkeypatch.context() as patched:
        patched.setattr(sso_client, "get_redis", lambda: dead)
        refused = await browser.get(callback)
        assert_refused(refused, auth_log, bank.slug, "unavailable", 503, "Try again in a moment")
        start = await browser.get(f"/auth/sso/{bank.slug}/login")
        assert_refused(start, auth_log, bank.slug, "unavailable", 503, "Try again in a moment")
    await dead.aclose()
    # then: nothing was used up: once Redis is back, the same callback signs in
    signed_in = await browser.get(callback)
    assert signed_in.status_code == 302, signed_in.text
    assert sets_session(signed_in)
    assert (await whoami(browser))["email"] == "carol@bank.example"


async def test_a_refusal_while_redis_fails_is_still_that_refusal_and_logged(
    browser: httpx.AsyncClient,
    bank: TenantFixture,
    auth_log: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attack review: Redis failing after the throttle's check, while a refusal was
    counted, turned the refusal into a 500 with no ``auth.failed`` line."""
    from phantom.identity.sso import routes as sso_routes

    async def under_the_limit(key: str) -> int:
        return 0

    with redis_down(monkeypatch):
        monkeypatch.setattr(sso_routes._failures, "retry_after", under_the_limit)
        response = await browser.get(
            f"/auth/sso/{bank.slug}/callback?error=access_denied&state=anything"
        )
    assert_refused(response, auth_log, bank.slug, "idp_error", 401, "did not complete")


async def test_a_state_consumed_but_not_deleted_still_signs_in(
    browser: httpx.AsyncClient, bank: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack review: Authlib deletes the state after reading it (``GETDEL`` consumed it
    already); that delete failing answered 503, and the retry then found no state."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from phantom.identity.sso import client as sso_client
    from phantom.kit.redis import get_redis

    real = get_redis()
    assert real is not None

    class DeleteFails:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        async def delete(self, *keys: str) -> int:
            raise RedisConnectionError("Redis went away")

    callback = await authorize(browser, bank.slug, "dora@bank.example")
    monkeypatch.setattr(sso_client, "get_redis", lambda: DeleteFails())
    signed_in = await browser.get(callback)
    assert signed_in.status_code == 302, signed_in.text
    assert sets_session(signed_in)
