"""Attacks on the issue-10 fixes that still work. Each test performs the attack through
the real API and asserts the safe behaviour, so it fails while the attack succeeds."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from phantom.config import settings
from tests.audit.support import superuser_sql
from tests.security.test_grant_bounds import owner_token
from tests.security.test_sso_escalation import browser, roles_in_session, sso_sign_in
from tests.sso.helpers import CONFIGURE, member_token, oidc_input, redirect_uri
from tests.support import oidc_provider
from tests.support.fixtures import TenantFixture, gql
from tests.support.oidc_provider import OidcProvider

idp = oidc_provider.idp  # the session-wide provider fixture
__all__ = ["browser", "idp"]

INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl member { id status } } }"""


def client_from(app: Any, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def fresh_ip() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


async def invite_url(client: httpx.AsyncClient, t: TenantFixture, email: str) -> str:
    body = await gql(client, INVITE, {"input": {"email": email, "roles": ["viewer"]}}, t.bearer)
    assert "errors" not in body, body
    url: str = body["data"]["inviteMember"]["inviteUrl"]
    return url.split("#token=", 1)[1]


async def test_an_invitation_is_not_a_password_oracle_past_the_account_lockout(
    app: Any, client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: evil's admin invites bank's owner (an account with a password) to evil
    bank, evil = tenant, other_tenant
    secret = await invite_url(client, evil, bank.admin_email)
    # when: evil guesses the owner's password through its own invitation link, more
    # often than /auth/login allows for one account, from one address
    attacker = client_from(app, fresh_ip())
    async with attacker:
        for n in range(settings.LOGIN_MAX_FAILURES + 2):
            wrong = await attacker.post(
                "/auth/invitation", json={"token": secret, "password": f"guess number {n:04d}"}
            )
            assert wrong.status_code in (401, 429), wrong.text
        # the right guess
        right = await attacker.post(
            "/auth/invitation", json={"token": secret, "password": bank.password}
        )
        attacker.cookies.clear()
        # /auth/login for the same account is locked by now
        login = await attacker.post(
            "/auth/login",
            json={"tenant": bank.slug, "email": bank.admin_email, "password": "wrong again!!"},
        )
    # then: the account's failure limit holds on this path too: the guess is not checked
    assert login.status_code in (401, 429)
    assert right.status_code == 429, (
        f"password of bank's owner confirmed through evil's invitation after "
        f"{settings.LOGIN_MAX_FAILURES + 2} failures: {right.status_code} {right.text}"
    )


async def test_an_invitation_does_not_tell_another_organization_who_has_an_account(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: evil's admin invites an address that is bank's owner, and one nobody uses
    bank, evil = tenant, other_tenant
    existing = await invite_url(client, evil, bank.admin_email)
    nobody = await invite_url(client, evil, f"nobody-{secrets.token_hex(3)}@example.org")
    # when: evil posts its own links with a wrong password (a "too short" one is refused
    # by the password rules only for a new account, so use a valid-looking one)
    answers = []
    for secret in (existing, nobody):
        response = await client.post(
            "/auth/invitation", json={"token": secret, "password": "a wrong password!!"}
        )
        client.cookies.clear()
        answers.append((response.status_code, response.text))
    # then: the inviter learns nothing about bank's member from the answer
    # (invite() promises "the answer must not tell the inviter whether this person has
    # an account in another organization")
    assert answers[0][0] == answers[1][0] or "already have an account" not in answers[0][1], answers


async def test_an_expired_invitation_does_not_grant_its_roles_through_sso(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given: SSO next to passwords, granting only `viewer`; a token that expires tomorrow
    # invites someone as admin (its link is cut to the token's expiry)
    # (saved by a credential that holds viewer's permissions and sso:manage only, so the
    # configuration itself can grant viewer and nothing more)
    from phantom.authz.permissions import MATRIX
    from phantom.authz.roles import Role

    narrow_scopes = sorted({p.value for p in MATRIX[Role.VIEWER]} | {"sso:manage", "sso:read"})
    configurer = await owner_token(tenant, scopes=narrow_scopes)
    registered = idp.register_client(redirect_uri(tenant.slug))
    saved = await gql(
        client,
        CONFIGURE,
        {"input": oidc_input(idp, registered, allowedEmailDomains=[], roleMapping=[])},
        configurer,
    )
    assert "errors" not in saved, saved
    short = await owner_token(tenant, days=1)
    email = f"late.{tenant.slug}@bank.example"
    body = await gql(client, INVITE, {"input": {"email": email, "roles": ["admin"]}}, short)
    assert "errors" not in body, body
    secret = body["data"]["inviteMember"]["inviteUrl"].split("#token=", 1)[1]
    # the invitation expires (as it does once the token has: time passes)
    await superuser_sql(
        "UPDATE memberships SET invite_expires_at = now() - interval '1 minute' "
        "WHERE user_id = (SELECT id FROM users WHERE email = $1)",
        email,
    )
    expired = await client.post("/auth/invitation", json={"token": secret, "password": "x" * 16})
    client.cookies.clear()
    assert expired.status_code == 401, expired.text
    # when: the invitee signs in through the organization's IdP after the expiry
    idp.set_claims(email)
    signed = await sso_sign_in(browser, tenant.slug, email)
    roles = await roles_in_session(browser)
    assert signed.status_code in (302, 403), signed.text
    # then: the expired invitation's admin role is not handed out
    assert "admin" not in (roles or []), f"expired invitation signed in through SSO as {roles}"


async def test_an_old_invitation_link_is_not_a_password_sign_in_to_an_sso_only_organization(
    client: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture
) -> None:
    # given: an invitation link made while passwords were allowed
    email = f"contractor.{tenant.slug}@bank.example"
    secret = await invite_url(client, tenant, email)
    # when: the organization then requires single sign-on (password sign-in refused)
    registered = idp.register_client(redirect_uri(tenant.slug))
    saved = await gql(
        client,
        CONFIGURE,
        {"input": oidc_input(idp, registered, allowedEmailDomains=[], ssoRequired=True)},
        tenant.bearer,
    )
    assert "errors" not in saved, saved
    refused = await client.post(
        "/auth/login", json={"tenant": tenant.slug, "email": tenant.admin_email, "password": "x"}
    )
    assert refused.status_code == 403, refused.text  # passwords are off for everyone
    # and the link is used with a password of the holder's choice
    accepted = await client.post(
        "/auth/invitation", json={"token": secret, "password": "a password of my choice"}
    )
    client.cookies.clear()
    # then: no session from a password in an organization that requires SSO
    assert accepted.status_code != 200, (
        f"password sign-in to an SSO-only organization through an invitation: {accepted.text}"
    )


async def test_an_admin_cannot_take_a_pending_owner_invitation_through_their_own_idp(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given: the owner has invited the new CFO as a second owner (not accepted yet)
    cfo = f"cfo.{tenant.slug}@bank.example"
    body = await gql(client, INVITE, {"input": {"email": cfo, "roles": ["owner"]}}, tenant.bearer)
    assert "errors" not in body, body
    # and an admin (sso:manage, not owner) points SSO at an IdP the admin controls,
    # granting only `viewer` (the admin may not make SSO grant `owner`)
    admin = await member_token(tenant, f"adam.{tenant.slug}@bank.example", ["admin"])
    registered = idp.register_client(redirect_uri(tenant.slug))
    saved = await gql(
        client,
        CONFIGURE,
        {"input": oidc_input(idp, registered, allowedEmailDomains=[], roleMapping=[])},
        admin,
    )
    assert "errors" not in saved, saved
    # when: the admin's IdP asserts the CFO's address and the admin signs in with it
    idp.set_claims(cfo)
    signed = await sso_sign_in(browser, tenant.slug, cfo)
    assert signed.status_code in (302, 403), signed.text
    roles = await roles_in_session(browser)
    # then: no owner session for the admin (no proof of the invitation was given)
    assert "owner" not in (roles or []), f"the admin's IdP signed in as the invited {roles}"


async def test_a_read_only_token_cannot_revoke_a_stronger_token(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: the owner's full token (their automation) and a viewer-scoped token of theirs
    viewer = await owner_token(tenant, role="viewer")
    listed = await gql(
        client, "{ viewer { apiTokens(first: 50) { edges { node { id name } } } } }", None, viewer
    )
    assert "errors" not in listed, listed
    strong = [
        e["node"]["id"]
        for e in listed["data"]["viewer"]["apiTokens"]["edges"]
        if e["node"]["name"] == "tests"
    ]
    assert strong, listed
    # when: the read-only token revokes the full one
    body = await gql(
        client, "mutation($id: ID!) { revokeApiToken(id: $id) { id } }", {"id": strong[0]}, viewer
    )
    # then: refused, as a members-only token may not lock out an admin; the full token works
    still = await gql(client, "{ viewer { email } }", None, tenant.bearer)
    assert "errors" in body, f"a viewer-scoped token revoked the owner's full token: {body}"
    assert "errors" not in still, still


async def test_an_admin_cannot_lock_out_the_owner_by_revoking_their_tokens(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: an admin (tokens:manage, but not the owner's powers)
    admin = await member_token(tenant, f"adam.{tenant.slug}@bank.example", ["admin"])
    listed = await gql(
        client,
        "{ apiTokens(first: 50) { edges { node { id name owner { email } } } } }",
        None,
        admin,
    )
    assert "errors" not in listed, listed
    owners = [
        e["node"]["id"]
        for e in listed["data"]["apiTokens"]["edges"]
        if e["node"]["owner"]["email"] == tenant.admin_email
    ]
    assert owners, listed
    # when: the admin revokes the owner's token
    body = await gql(
        client, "mutation($id: ID!) { revokeApiToken(id: $id) { id } }", {"id": owners[0]}, admin
    )
    # then: refused (deactivateMember refuses an admin locking out an owner); it still works
    still = await gql(client, "{ viewer { email } }", None, tenant.bearer)
    assert "errors" in body, f"an admin revoked the owner's token: {body}"
    assert "errors" not in still, still


async def test_a_deactivated_admin_does_not_keep_an_sso_configuration_that_makes_admins(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given: an admin points SSO at an IdP they control, new people becoming admin
    adam = f"adam.{tenant.slug}@bank.example"
    admin = await member_token(tenant, adam, ["admin"])
    registered = idp.register_client(redirect_uri(tenant.slug))
    saved = await gql(
        client,
        CONFIGURE,
        {
            "input": oidc_input(
                idp, registered, allowedEmailDomains=[], roleMapping=[], defaultRole="admin"
            )
        },
        admin,
    )
    assert "errors" not in saved, saved
    # when: the owner deactivates the admin (their sessions and tokens end) ...
    rows = await superuser_sql("SELECT id FROM users WHERE email = $1", adam)
    body = await gql(
        client,
        "mutation($id: ID!) { deactivateMember(userId: $id) { status } }",
        {"id": str(rows[0]["id"])},
        tenant.bearer,
    )
    assert "errors" not in body, body
    # ... and the former admin signs in through their IdP under a fresh address
    sock = f"adam.again.{tenant.slug}@evil.example"
    idp.set_claims(sock)
    signed = await sso_sign_in(browser, tenant.slug, sock)
    assert signed.status_code in (302, 403), signed.text
    roles = await roles_in_session(browser)
    # then: the grant ends with the credential that made it
    assert "admin" not in (roles or []), f"the deactivated admin is back as {roles}"


async def test_an_sso_only_invitation_does_not_outlive_the_token_that_made_it(
    client: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture
) -> None:
    # given: an organization that requires SSO, and an owner's token expiring tomorrow
    registered = idp.register_client(redirect_uri(tenant.slug))
    saved = await gql(
        client,
        CONFIGURE,
        {"input": oidc_input(idp, registered, allowedEmailDomains=[], ssoRequired=True)},
        tenant.bearer,
    )
    assert "errors" not in saved, saved
    short = await owner_token(tenant, days=1)
    rows = await superuser_sql(
        "SELECT max(expires_at) AS e FROM api_tokens WHERE tenant_id = $1 AND name = 'narrow'",
        tenant.id,
    )
    bound = rows[0]["e"]
    # when: it invites someone as admin (no link: signing in with SSO accepts)
    email = f"later.{tenant.slug}@bank.example"
    body = await gql(client, INVITE, {"input": {"email": email, "roles": ["admin"]}}, short)
    assert "errors" not in body, body
    # then: the pending grant ends when the token does, as a link would
    rows = await superuser_sql(
        "SELECT m.invite_expires_at AS e FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.email = $1",
        email,
    )
    expires = rows[0]["e"]
    assert expires is not None, "an SSO-only invitation made by a 1-day token never expires"
    assert expires <= bound


async def test_an_admin_cannot_lock_the_owner_out_by_requiring_sso(
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given: the owner signs in with a password (no IdP link); an admin with sso:manage
    admin = await member_token(tenant, f"adam.{tenant.slug}@bank.example", ["admin"])
    # when: the admin makes SSO required, with an IdP of the admin's choosing
    registered = idp.register_client(redirect_uri(tenant.slug))
    saved = await gql(
        client,
        CONFIGURE,
        {
            "input": oidc_input(
                idp, registered, allowedEmailDomains=[], roleMapping=[], ssoRequired=True
            )
        },
        admin,
    )
    # then: the owner is not locked out (deactivateMember refuses an admin this power):
    # the setting is refused, or the owner's password still opens the organization
    login = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
    )
    client.cookies.clear()
    # (and the owner's SSO sign-in is refused: their account is not linked to the IdP)
    idp.set_claims(tenant.admin_email)
    await sso_sign_in(browser, tenant.slug, tenant.admin_email)
    sso_roles = await roles_in_session(browser)
    assert "errors" in saved or login.status_code == 200 or sso_roles, (
        f"the owner is locked out: password {login.status_code} {login.text}, SSO {sso_roles}"
    )
