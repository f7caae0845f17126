"""Tenant admins configure OIDC through GraphQL: validation, the sealed secret, permissions
and tenant isolation. Discovery is checked against the real test IdP."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.sso.helpers import (
    MAPPING,
    READ,
    REMOVE,
    configure,
    configure_sso,
    member_token,
    oidc_input,
    redirect_uri,
)
from tests.support.fixtures import TenantFixture, error_codes, gql
from tests.support.oidc_provider import OidcProvider
from tests.support.servers import free_port


async def _stored(tenant: TenantFixture) -> Any:
    from phantom.db import transaction
    from phantom.identity.sso.repository import SsoRepository

    async with transaction(tenant.id) as session:
        return await SsoRepository(session).config()


async def test_configure_then_read_back_without_the_secret(
    client: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture
) -> None:
    # given a client registered at the IdP
    registered = idp.register_client(redirect_uri(tenant.slug))
    # when the owner configures SSO
    body = await configure(client, tenant, oidc_input(idp, registered))
    # then the configuration comes back, and the secret is nowhere in it
    config = body["data"]["configureOidc"]
    assert config["issuer"] == idp.issuer
    assert config["clientId"] == registered[0]
    assert config["clientSecretSet"] is True
    assert config["roleMapping"] == MAPPING
    assert config["redirectUri"] == redirect_uri(tenant.slug)
    assert config["loginUrl"].endswith(f"/auth/sso/{tenant.slug}/login")
    read = await gql(client, READ, headers=tenant.bearer)
    assert read["data"]["oidcConfig"] == config
    assert registered[1] not in json.dumps(body) + json.dumps(read)
    # and it is sealed at rest, bound to the tenant
    from phantom.identity.sso.service import client_secret
    from phantom.kit.crypto import DecryptionError, unseal

    row = await _stored(tenant)
    assert registered[1].encode() not in row.client_secret_sealed
    assert client_secret(row) == registered[1]
    with pytest.raises(DecryptionError):
        unseal(row.client_secret_sealed, purpose="sso-client-secret", aad=b"\x00" * 16)


async def test_an_empty_secret_keeps_the_stored_one_only_for_the_same_client(
    client: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture
) -> None:
    registered = await configure_sso(client, idp, tenant)
    before = await _stored(tenant)
    # same issuer and client: the stored secret stays; other fields change
    body = await configure(
        client, tenant, oidc_input(idp, (registered[0], ""), defaultRole="executive")
    )
    assert body["data"]["configureOidc"]["defaultRole"] == "executive"
    after = await _stored(tenant)
    assert after.client_secret_sealed == before.client_secret_sealed
    assert after.updated_at > before.updated_at
    # another client: the old secret must not follow it
    body = await configure(client, tenant, oidc_input(idp, ("another-client", "")))
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "Client secret is required" in body["errors"][0]["message"]


LONG = "x" * 3000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issuer": "ftp://idp.example"}, "must use https"),
        ({"issuer": "javascript:alert(1)"}, "absolute URL with a host"),
        ({"issuer": "http://idp.bank.example"}, "must use https"),
        ({"issuer": "https://user:pw@idp.bank.example"}, "no credentials"),
        ({"issuer": "https://idp.bank.example/?tenant=1"}, "query or fragment"),
        ({"issuer": "https://" + LONG}, "too long"),
        ({"issuer": "  "}, "Issuer is required"),
        ({"clientId": ""}, "Client ID must be"),
        ({"clientId": "a\nb"}, "control characters"),
        ({"clientSecret": "s" * 1025}, "Client secret is too long"),
        ({"scopes": ["email", "profile"]}, "must include 'openid'"),
        ({"scopes": ["openid", "two words"]}, "Invalid scope"),
        ({"scopes": ["openid", *[f"s{i}" for i in range(20)]]}, "At most 20 scopes"),
        ({"allowedEmailDomains": ["*.bank.example"]}, "Invalid email domain"),
        ({"allowedEmailDomains": ["https://bank.example"]}, "Invalid email domain"),
        ({"allowedEmailDomains": ["bank"]}, "Invalid email domain"),
        ({"allowedEmailDomains": [f"d{i}.example" for i in range(51)]}, "At most 50"),
        ({"defaultRole": "wizard"}, "Default role: unknown role 'wizard'"),
        ({"roleMapping": [{"claimValue": "x", "roles": ["root"]}]}, "unknown role 'root'"),
        ({"roleMapping": [{"claimValue": "x", "roles": []}]}, "must map to 1 to 10 roles"),
        ({"roleClaim": None}, "Set the role claim"),
        ({"roleClaim": "my groups"}, "Role claim must be"),
        (
            {"roleMapping": [{"claimValue": "x", "roles": ["viewer"]}] * 2},
            "mapped twice",
        ),
        (
            {"roleMapping": [{"claimValue": f"g{i}", "roles": ["viewer"]} for i in range(101)]},
            "At most 100 role mapping",
        ),
        ({"roleMapping": [{"claimValue": "g" * 257, "roles": ["viewer"]}]}, "1 to 256"),
    ],
)
async def test_malformed_or_oversized_input_is_refused_with_a_clear_message(
    client: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
    changes: dict[str, Any],
    message: str,
) -> None:
    body = await configure(client, tenant, oidc_input(idp, ("client", "secret"), **changes))
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert message in body["errors"][0]["message"]
    assert (await gql(client, READ, headers=tenant.bearer))["data"]["oidcConfig"] is None


async def test_discovery_is_checked_on_save(
    client: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    cases = {
        closed: "Could not reach the identity provider",
        idp.issuer + "/": "names the issuer",  # discovery works, its issuer differs
        idp.issuer + "/elsewhere": "answered HTTP 404",
    }
    for issuer, message in cases.items():
        body = await configure(client, tenant, oidc_input(idp, ("c", "s"), issuer=issuer))
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert message in body["errors"][0]["message"]


async def test_permissions_read_and_manage(
    client: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture
) -> None:
    await configure_sso(client, idp, tenant)
    compliance = await member_token(tenant, "carol@bank.example", ["compliance_officer"])
    viewer = await member_token(tenant, "vic@bank.example", ["viewer"])
    # sso:read without sso:manage
    assert (await gql(client, READ, headers=compliance))["data"]["oidcConfig"]["issuer"]
    refused = await gql(
        client,
        "mutation ($i: ConfigureOidcInput!) { configureOidc(input: $i) { issuer } }",
        {"i": oidc_input(idp, ("c", "s"))},
        compliance,
    )
    assert error_codes(refused) == ["FORBIDDEN"]
    assert error_codes(await gql(client, REMOVE, headers=compliance)) == ["FORBIDDEN"]
    # neither
    assert error_codes(await gql(client, READ, headers=viewer)) == ["FORBIDDEN"]


async def test_tenants_never_see_or_change_each_other(
    client: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
) -> None:
    # given tenant A configured and tenant B not
    await configure_sso(client, idp, tenant)
    a_before = await gql(client, READ, headers=tenant.bearer)
    # B sees nothing, and removing "its" configuration removes nothing of A's
    assert (await gql(client, READ, headers=other_tenant.bearer))["data"]["oidcConfig"] is None
    removed = await gql(client, REMOVE, headers=other_tenant.bearer)
    assert removed["data"]["removeOidcConfig"] is False
    # B configuring its own creates B's row and leaves A's as it was
    await configure_sso(client, idp, other_tenant, defaultRole="executive")
    b = (await gql(client, READ, headers=other_tenant.bearer))["data"]["oidcConfig"]
    assert b["redirectUri"] == redirect_uri(other_tenant.slug)
    assert await gql(client, READ, headers=tenant.bearer) == a_before
    # A removes its own; B's stays
    assert (await gql(client, REMOVE, headers=tenant.bearer))["data"]["removeOidcConfig"] is True
    assert (await gql(client, READ, headers=tenant.bearer))["data"]["oidcConfig"] is None
    assert (await gql(client, READ, headers=other_tenant.bearer))["data"]["oidcConfig"] == b


async def test_sso_required_refuses_password_sign_in_saying_nothing_about_accounts(
    client: httpx.AsyncClient,
    idp: OidcProvider,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
) -> None:
    await configure_sso(client, idp, tenant, ssoRequired=True)
    answers = []
    for email, password in [
        (tenant.admin_email, tenant.password),  # right credentials
        (tenant.admin_email, "wrong password"),
        ("nobody@bank.example", "whatever password"),
    ]:
        response = await client.post(
            "/auth/login", json={"tenant": tenant.slug, "email": email, "password": password}
        )
        assert response.status_code == 403
        assert "phantom_session" not in response.headers.get("set-cookie", "")
        body = response.json()
        assert body["error"].pop("requestId") == response.headers["x-request-id"]
        answers.append(body)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["error"]["code"] == "FORBIDDEN"
    assert "requires single sign-on" in answers[0]["error"]["message"]
    # an organization without the switch still signs in with a password
    ok = await client.post(
        "/auth/login",
        json={
            "tenant": other_tenant.slug,
            "email": other_tenant.admin_email,
            "password": other_tenant.password,
        },
    )
    assert ok.status_code == 200
    # switching it off restores password sign-in
    await configure_sso(client, idp, tenant, ssoRequired=False)
    ok = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
    )
    assert ok.status_code == 200


async def test_internal_addresses_are_refused_without_the_loopback_allowance() -> None:
    """Every environment resolves an IdP's host first: no fetching of internal services
    (loopback only with PHANTOM_OUTBOUND_ALLOW_LOOPBACK, which the tests set)."""
    from phantom.kit.outbound import OutboundRefused, checked_address

    for host in ("127.0.0.1", "localhost", "10.0.0.8", "169.254.169.254", "::1"):
        with pytest.raises(OutboundRefused, match="non-public address"):
            await checked_address(host, 443, allow_loopback=False)
    for host in ("10.0.0.8", "169.254.169.254", "fd00::1", "::ffff:169.254.169.254"):
        with pytest.raises(OutboundRefused, match="non-public address"):
            await checked_address(host, 443, allow_loopback=True)
