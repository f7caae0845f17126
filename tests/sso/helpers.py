"""Shared steps of the SSO tests: configure a tenant's IdP through GraphQL, add members."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.fixtures import TenantFixture, gql
from tests.support.oidc_provider import OidcProvider

CONFIGURE = """
mutation ($input: ConfigureOidcInput!) {
  configureOidc(input: $input) {
    issuer clientId clientSecretSet scopes allowedEmailDomains defaultRole roleClaim
    roleMapping { claimValue roles } ssoRequired redirectUri loginUrl updatedAt
  }
}"""
READ = """{ oidcConfig { issuer clientId clientSecretSet scopes allowedEmailDomains defaultRole
  roleClaim roleMapping { claimValue roles } ssoRequired redirectUri loginUrl updatedAt } }"""
REMOVE = "mutation { removeOidcConfig }"

MAPPING = [
    {"claimValue": "ml-team", "roles": ["data_scientist"]},
    {"claimValue": "risk", "roles": ["compliance_officer", "viewer"]},
]


def redirect_uri(slug: str) -> str:
    from phantom.config import settings

    return f"{settings.BASE_URL.rstrip('/')}/auth/sso/{slug}/callback"


def oidc_input(idp: OidcProvider, client: tuple[str, str], **changes: Any) -> dict[str, Any]:
    return {
        "issuer": idp.issuer,
        "clientId": client[0],
        "clientSecret": client[1],
        "scopes": ["openid", "email", "profile", "groups"],
        "allowedEmailDomains": ["bank.example"],
        "defaultRole": "viewer",
        "roleClaim": "groups",
        "roleMapping": MAPPING,
        "ssoRequired": False,
        **changes,
    }


async def configure(
    http: httpx.AsyncClient, tenant: TenantFixture, input: dict[str, Any]
) -> dict[str, Any]:
    return await gql(http, CONFIGURE, {"input": input}, tenant.bearer)


async def configure_sso(
    http: httpx.AsyncClient, idp: OidcProvider, tenant: TenantFixture, **changes: Any
) -> tuple[str, str]:
    """Register the tenant's redirect URI at the IdP (real dynamic registration) and
    configure the tenant with it; returns the client's (id, secret)."""
    client = idp.register_client(redirect_uri(tenant.slug))
    body = await configure(http, tenant, oidc_input(idp, client, **changes))
    assert "errors" not in body, body
    return client


async def member_token(tenant: TenantFixture, email: str, roles: list[str]) -> dict[str, str]:
    """An active member with ``roles`` and a bearer header for them."""
    from phantom.db import transaction
    from phantom.identity.sso.provisioning import provision_member
    from phantom.identity.tokens import tokens

    async with transaction(tenant.id) as session:
        await provision_member(
            session,
            tenant_id=tenant.id,
            email=email,
            display_name=email.split("@", 1)[0],
            roles=roles,
            sso_subject=f"test|{email}",
        )
        secret, _ = await tokens.create(session, tenant_id=tenant.id, email=email, name="tests")
    return {"Authorization": f"Bearer {secret}"}
