"""Issue 10, item 3: SSO settings must not escalate, through the real API and the real
OpenID Provider.

- An admin (``sso:manage``, not owner) configures SSO so that the IdP's people become
  ``owner``, then signs in through an IdP they control: refused at save.
- A configuration's grants are bounded at sign-in too (a row saved before the rule, or a
  custom role that grew since).
- An existing password member is never linked to whatever identity the IdP asserts for
  their email (no proof of the account).
- ``email_verified`` must be true, not merely absent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.sso.helpers import CONFIGURE, configure_sso, member_token, oidc_input, redirect_uri
from tests.support import oidc_provider
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql
from tests.support.oidc_provider import OidcProvider, complete_idp_login

idp = oidc_provider.idp  # the session-wide provider fixture (tests/sso has it in conftest)

VIEWER = "{ viewer { id email roles tenant { slug } } }"
INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl member { id } } }"""
CREATE_ROLE = """mutation($input: CreateRoleInput!) { createRole(input: $input) { name } }"""
UPDATE_ROLE = """mutation($input: UpdateRoleInput!) { updateRole(input: $input) { name } }"""


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    from phantom.config import settings

    base = settings.BASE_URL.rstrip("/")
    async with httpx.AsyncClient(
        mounts={base: httpx.ASGITransport(app=app)}, base_url=base, timeout=20
    ) as http:
        yield http


async def sso_sign_in(http: httpx.AsyncClient, slug: str, login: str) -> httpx.Response:
    start = await http.get(f"/auth/sso/{slug}/login")
    if start.status_code != 302:
        return start  # e.g. no SSO configured: nothing to sign in to
    callback = await complete_idp_login(http, start.headers["location"], login, redirect_uri(slug))
    return await http.get(callback)


async def configure_as(
    client: httpx.AsyncClient, headers: dict[str, str], input: dict[str, Any]
) -> dict[str, Any]:
    return await gql(client, CONFIGURE, {"input": input}, headers)


async def roles_in_session(http: httpx.AsyncClient) -> list[str] | None:
    """The signed-in person's roles, or None when the browser has no session."""
    csrf = http.cookies.get("phantom_csrf", path="/")
    if http.cookies.get("phantom_session", path="/") is None:
        return None
    body = await gql(http, VIEWER, headers={"X-CSRF-Token": csrf or ""})
    if body.get("errors"):
        return None
    roles: list[str] = body["data"]["viewer"]["roles"]
    return roles


async def test_an_admin_cannot_configure_sso_to_sign_in_as_owner(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given an admin (sso:manage, not owner) and an IdP the admin controls
    admin = await member_token(tenant, f"adam@{tenant.slug}.example.com", ["admin"])
    registered = idp.register_client(redirect_uri(tenant.slug))
    # when the admin makes every IdP user an owner (default role, then a mapping)
    as_default = oidc_input(idp, registered, allowedEmailDomains=[], defaultRole="owner")
    refused_default = await configure_as(client, admin, as_default)
    mapped = oidc_input(
        idp,
        registered,
        allowedEmailDomains=[],
        roleMapping=[{"claimValue": "me", "roles": ["owner"]}],
    )
    refused_mapping = await configure_as(client, admin, mapped)
    idp.set_claims(f"mallory.{tenant.slug}@evil.example", groups=["me"])
    response = await sso_sign_in(browser, tenant.slug, f"mallory.{tenant.slug}@evil.example")
    roles = await roles_in_session(browser) if response.status_code == 302 else None
    # then nothing made them owner, and both settings were refused
    assert "owner" not in (roles or []), f"the admin's IdP user signed in as {roles}"
    assert error_codes(refused_default) == ["FORBIDDEN"], refused_default
    assert error_codes(refused_mapping) == ["FORBIDDEN"], refused_mapping
    assert "owner" in refused_mapping["errors"][0]["message"]


async def test_an_admin_cannot_map_a_role_with_permissions_they_lack(
    client: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture
) -> None:
    # compliance_officer carries audit:read_details, which admin does not hold
    admin = await member_token(tenant, f"adam@{tenant.slug}.example.com", ["admin"])
    registered = idp.register_client(redirect_uri(tenant.slug))
    body = await configure_as(client, admin, oidc_input(idp, registered))  # names compliance
    assert error_codes(body) == ["FORBIDDEN"], body
    assert "compliance_officer" in body["errors"][0]["message"]
    # within what they hold, the admin configures SSO as before
    fine = oidc_input(
        idp, registered, roleMapping=[{"claimValue": "ml", "roles": ["data_scientist"]}]
    )
    body = await configure_as(client, admin, fine)
    assert "errors" not in body, body


async def test_sign_in_never_grants_beyond_what_the_configuration_could(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given a configuration an admin saved, mapping a custom role within the admin's reach
    created = await gql(
        client,
        CREATE_ROLE,
        {"input": {"name": "analyst", "description": "", "permissions": ["datasets:read"]}},
        tenant.bearer,
    )
    assert "errors" not in created, created
    admin = await member_token(tenant, f"adam@{tenant.slug}.example.com", ["admin"])
    registered = idp.register_client(redirect_uri(tenant.slug))
    body = await configure_as(
        client,
        admin,
        oidc_input(
            idp,
            registered,
            allowedEmailDomains=[],
            roleMapping=[{"claimValue": "analysts", "roles": ["analyst"]}],
        ),
    )
    assert "errors" not in body, body
    # when the owner later gives the role a permission the admin does not hold
    grown = await gql(
        client,
        UPDATE_ROLE,
        {"input": {"name": "analyst", "permissions": ["datasets:read", "audit:read_details"]}},
        tenant.bearer,
    )
    assert "errors" not in grown, grown
    login = f"ann.{tenant.slug}@bank.example"
    idp.set_claims(login, groups=["analysts"])
    response = await sso_sign_in(browser, tenant.slug, login)
    # then the admin's configuration does not hand out audit:read_details
    roles = await roles_in_session(browser)
    assert "analyst" not in (roles or []), f"signed in with {roles}"
    assert response.status_code == 403, response.text


async def test_a_configuration_saved_before_the_rule_cannot_grant_owner(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given a row that says "owner by default", written as an old admin could have
    await configure_sso(client, idp, tenant, allowedEmailDomains=[])
    from sqlalchemy import text

    from phantom.db import transaction

    async with transaction(tenant.id) as session:
        await session.execute(text("UPDATE oidc_configs SET default_role = 'owner'"))
        await session.execute(
            text("UPDATE oidc_configs SET grant_ceiling = NULL, grants_owner = false")
            if await _has_ceiling(session)
            else text("SELECT 1")
        )
    from phantom.identity.sso.client import clients

    clients.forget(tenant.id)
    # when someone the IdP vouches for signs in
    response = await sso_sign_in(browser, tenant.slug, f"olga.{tenant.slug}@bank.example")
    # then they are not made owner
    roles = await roles_in_session(browser)
    assert "owner" not in (roles or []), f"signed in with {roles}"
    assert response.status_code == 403, response.text


async def _has_ceiling(session: Any) -> bool:
    from sqlalchemy import text

    found = await session.scalar(
        text(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'oidc_configs' AND column_name = 'grant_ceiling'"
        )
    )
    return bool(found)


async def test_an_existing_password_member_is_not_taken_over_by_the_idp(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
) -> None:
    # given a member who signs in with a password (no IdP link) in an SSO organization
    bank = await create_tenant("Linked Bank")
    email = f"dana.{bank.slug}@bank.example"
    invited = await gql(
        client, INVITE, {"input": {"email": email, "roles": ["data_scientist"]}}, bank.bearer
    )
    token = invited["data"]["inviteMember"]["inviteUrl"].split("#token=", 1)[1]
    accepted = await client.post(
        "/auth/invitation", json={"token": token, "password": "a long enough password"}
    )
    assert accepted.status_code == 200, accepted.text
    client.cookies.clear()
    await configure_sso(client, idp, bank)
    # when the organization's IdP asserts her email (whoever actually signed in there)
    response = await sso_sign_in(browser, bank.slug, email)
    # then no session, a clear message, and her membership stays unlinked
    roles = await roles_in_session(browser)
    assert roles is None, f"the IdP's user got Dana's account with {roles}"
    assert response.status_code == 403, response.text
    assert "sign in with your password" in response.text.lower()
    from phantom.db import transaction
    from phantom.identity.repository import MembershipRepository, UserRepository

    async with transaction(bank.id) as session:
        user = await UserRepository(session).by_email(email)
        assert user is not None
        membership = await MembershipRepository(session).of(bank.id, user.id)
        assert membership is not None
        assert membership.sso_subject is None
    # and her password still works
    ok = await client.post(
        "/auth/login",
        json={"tenant": bank.slug, "email": email, "password": "a long enough password"},
    )
    assert ok.status_code == 200, ok.text


async def test_an_email_not_stated_as_verified_is_refused(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, idp: OidcProvider
) -> None:
    bank = await create_tenant("Verified Bank")
    await configure_sso(client, idp, bank)
    login = f"nova.{bank.slug}@bank.example"
    idp.set_claims(login, email_verified=None)  # the IdP says nothing about verification
    response = await sso_sign_in(browser, bank.slug, login)
    assert await roles_in_session(browser) is None
    assert response.status_code == 403, response.text
    assert "not verified" in response.text


async def test_a_password_member_links_sso_with_proof_of_the_account(
    app: Any, client: httpx.AsyncClient, browser: httpx.AsyncClient, idp: OidcProvider
) -> None:
    """The way to link: signed in with the password, ask (CSRF-checked), then the IdP."""
    bank = await create_tenant("Linking Bank")
    email = f"lena.{bank.slug}@bank.example"
    invited = await gql(
        client, INVITE, {"input": {"email": email, "roles": ["data_scientist"]}}, bank.bearer
    )
    token = invited["data"]["inviteMember"]["inviteUrl"].split("#token=", 1)[1]
    password = "a long enough password"
    accepted = await client.post("/auth/invitation", json={"token": token, "password": password})
    assert accepted.status_code == 200, accepted.text
    client.cookies.clear()
    await configure_sso(client, idp, bank)
    signed_in = await browser.post(
        "/auth/login", json={"tenant": bank.slug, "email": email, "password": password}
    )
    assert signed_in.status_code == 200, signed_in.text
    # a request without the CSRF header (another site's form) cannot start a link
    forged = await browser.post(f"/auth/sso/{bank.slug}/link")
    assert forged.status_code == 403, forged.text
    csrf = browser.cookies.get("phantom_csrf", path="/") or ""
    # with the one-time state store unreachable, asking is a 503 to retry, not a 500
    import redis.asyncio as aioredis

    from phantom.identity.sso import client as sso_client

    dead = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(sso_client, "get_redis", lambda: dead)
        outage = await browser.post(f"/auth/sso/{bank.slug}/link", headers={"X-CSRF-Token": csrf})
    await dead.aclose()
    assert outage.status_code == 503, outage.text
    assert outage.json()["error"]["code"] == "UNAVAILABLE"
    asked = await browser.post(f"/auth/sso/{bank.slug}/link", headers={"X-CSRF-Token": csrf})
    assert asked.status_code == 200, asked.text
    idp.set_claims(email, groups=["ml-team"])  # then roles come from the IdP, as for anyone
    # the link URL is worthless in another browser (no session that asked for it)
    async with httpx.AsyncClient(
        mounts={str(browser.base_url): httpx.ASGITransport(app=app)},
        base_url=str(browser.base_url),
        timeout=20,
    ) as elsewhere:
        stolen = await elsewhere.get(asked.json()["location"])
        callback = await complete_idp_login(
            elsewhere, stolen.headers["location"], email, redirect_uri(bank.slug)
        )
        refused = await elsewhere.get(callback)
        assert refused.status_code == 400, refused.text
        assert await roles_in_session(elsewhere) is None
    asked = await browser.post(f"/auth/sso/{bank.slug}/link", headers={"X-CSRF-Token": csrf})
    start = await browser.get(asked.json()["location"])
    assert start.status_code == 302, start.text
    callback = await complete_idp_login(
        browser, start.headers["location"], email, redirect_uri(bank.slug)
    )
    linked = await browser.get(callback)
    assert linked.status_code == 302, linked.text
    assert await roles_in_session(browser) == ["data_scientist"]
    from phantom.db import transaction
    from phantom.identity.repository import MembershipRepository, UserRepository

    async with transaction(bank.id) as session:
        user = await UserRepository(session).by_email(email)
        assert user is not None
        membership = await MembershipRepository(session).of(bank.id, user.id)
        assert membership is not None
        assert membership.sso_subject is not None
