"""SSO's GraphQL types and thin resolvers (contract: identity-admin.graphql, "SSO (OIDC)")."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Info

from phantom.config import settings
from phantom.graphql.context import Context
from phantom.graphql.permissions import authenticated
from phantom.identity.sso import models
from phantom.identity.sso.service import sso
from phantom.identity.sso.validation import OidcSettings, RoleMapping

DEFAULT_SCOPES = ("openid", "email", "profile")


@strawberry.type
class RoleMappingEntry:
    claim_value: str
    roles: list[str]


@strawberry.type
class OidcConfig:
    issuer: str
    client_id: str
    client_secret_set: bool = strawberry.field(description="The secret is never readable back.")
    scopes: list[str]
    allowed_email_domains: list[str] = strawberry.field(description="Empty: any domain.")
    default_role: str
    role_claim: str | None
    role_mapping: list[RoleMappingEntry]
    sso_required: bool
    redirect_uri: str = strawberry.field(description="Register this URI at the IdP.")
    login_url: str
    updated_at: datetime

    @classmethod
    def from_model(cls, config: models.OidcConfig, slug: str) -> OidcConfig:
        base = f"{settings.BASE_URL.rstrip('/')}/auth/sso/{slug}"
        return cls(
            issuer=config.issuer,
            client_id=config.client_id,
            client_secret_set=bool(config.client_secret_sealed),
            scopes=list(config.scopes),
            allowed_email_domains=list(config.allowed_email_domains),
            default_role=config.default_role,
            role_claim=config.role_claim,
            role_mapping=[
                RoleMappingEntry(claim_value=m["claimValue"], roles=list(m["roles"]))
                for m in config.role_mapping
            ],
            sso_required=config.sso_required,
            redirect_uri=f"{base}/callback",
            login_url=f"{base}/login",
            updated_at=config.updated_at,
        )


@strawberry.input
class RoleMappingInput:
    claim_value: str
    roles: list[str]


@strawberry.input
class ConfigureOidcInput:
    issuer: str = strawberry.field(
        description="Discovery at <issuer>/.well-known/openid-configuration, checked on save."
    )
    client_id: str
    client_secret: str = strawberry.field(
        description="Sealed at rest, never readable back. Empty keeps the stored secret "
        "while the issuer and client ID are unchanged."
    )
    scopes: list[str] | None = strawberry.field(default_factory=lambda: list(DEFAULT_SCOPES))
    allowed_email_domains: list[str] | None = strawberry.field(default_factory=list)
    default_role: str | None = "viewer"
    role_claim: str | None = strawberry.field(
        default=None, description="Claim whose values map to roles, e.g. 'groups'."
    )
    role_mapping: list[RoleMappingInput] | None = strawberry.field(default_factory=list)
    sso_required: bool | None = strawberry.field(
        default=False, description="True disables password sign-in for the organization."
    )

    def to_settings(self) -> OidcSettings:
        return OidcSettings(
            issuer=self.issuer,
            client_id=self.client_id,
            client_secret=self.client_secret,
            scopes=list(DEFAULT_SCOPES) if self.scopes is None else self.scopes,
            allowed_email_domains=self.allowed_email_domains or [],
            default_role=self.default_role or "viewer",
            role_claim=self.role_claim,
            role_mapping=[
                RoleMapping(claim_value=m.claim_value, roles=m.roles)
                for m in self.role_mapping or []
            ],
            sso_required=bool(self.sso_required),
        )


@strawberry.type
class SsoQuery:
    @strawberry.field(
        extensions=authenticated(),
        description="The organization's OpenID Connect configuration; null when none.",
    )
    async def oidc_config(self, info: Info[Context, None]) -> OidcConfig | None:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            config = await sso.get_config(session, principal)
        return OidcConfig.from_model(config, principal.tenant_slug) if config else None


@strawberry.type
class SsoMutation:
    @strawberry.mutation(extensions=authenticated())
    async def configure_oidc(
        self, info: Info[Context, None], input: ConfigureOidcInput
    ) -> OidcConfig:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            config = await sso.configure(session, principal, input.to_settings())
        return OidcConfig.from_model(config, principal.tenant_slug)

    @strawberry.mutation(extensions=authenticated())
    async def remove_oidc_config(self, info: Info[Context, None]) -> bool:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            return await sso.remove(session, principal)
