"""Identity's GraphQL types and thin resolvers."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import Info

from phantom.graphql.context import Context
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.identity import models
from phantom.identity.authn import authenticator
from phantom.identity.principal import AuthMethod as AuthMethodValue
from phantom.identity.principal import Principal
from phantom.identity.service import identity
from phantom.kit.errors import NotFound
from phantom.kit.pagination import page_request

AuthMethod = strawberry.enum(AuthMethodValue, name="AuthMethod")


@strawberry.type
class Tenant:
    id: strawberry.ID
    slug: str
    name: str


@strawberry.type
class ApiToken:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="First characters of the secret, to recognise it.")
    role: str | None = strawberry.field(description="Role the token is narrowed to, if any.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, token: models.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(str(token.id)),
            name=token.name,
            prefix=token.prefix,
            role=token.role,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type
class Viewer:
    """The signed-in user, in the tenant their credential belongs to. Built from the
    cached principal: answering it costs no database round trip."""

    id: strawberry.ID
    email: str
    display_name: str
    roles: list[str]
    auth_method: AuthMethodValue
    tenant: Tenant
    principal: strawberry.Private[Principal]

    @classmethod
    def from_principal(cls, p: Principal) -> Viewer:
        return cls(
            id=strawberry.ID(str(p.user_id)),
            email=p.email,
            display_name=p.display_name,
            roles=list(p.roles),
            auth_method=p.auth_method,
            tenant=Tenant(
                id=strawberry.ID(str(p.tenant_id)), slug=p.tenant_slug, name=p.tenant_name
            ),
            principal=p,
        )

    @strawberry.field(description="The viewer's own API tokens, newest first.")
    async def api_tokens(
        self, info: Info[Context, None], first: int | None = 20, after: str | None = None
    ) -> Connection[ApiToken]:
        page = page_request(first, after)
        async with info.context.session() as session:
            result = await identity.list_api_tokens(session, self.principal, page)
        return Connection.from_page(result, ApiToken.from_model)


@strawberry.type
class CreatedApiToken:
    token: str = strawberry.field(description="The secret. Shown once; only its hash is stored.")
    api_token: ApiToken


@strawberry.input
class CreateApiTokenInput:
    name: str
    expires_in_days: int | None = strawberry.field(
        default=90, description="1 to 366; null for a token that never expires."
    )
    role: str | None = strawberry.field(
        default=None, description="Narrow the token to 'viewer' (default: your own role)."
    )


def parse_id(value: strawberry.ID, what: str) -> uuid.UUID:
    """Malformed ids answer like unknown ones: NOT_FOUND."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(what) from None


@strawberry.type
class IdentityQuery:
    @strawberry.field(extensions=authenticated())
    def viewer(self, info: Info[Context, None]) -> Viewer:
        return Viewer.from_principal(info.context.require_principal())


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(extensions=authenticated())
    async def create_api_token(
        self, info: Info[Context, None], input: CreateApiTokenInput
    ) -> CreatedApiToken:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            secret, token = await identity.create_api_token(
                session,
                tenant_id=principal.tenant_id,
                email=principal.email,
                name=input.name,
                role=input.role,
                expires_in_days=input.expires_in_days,
            )
        return CreatedApiToken(token=secret, api_token=ApiToken.from_model(token))

    @strawberry.mutation(extensions=authenticated())
    async def revoke_api_token(self, info: Info[Context, None], id: strawberry.ID) -> ApiToken:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            token = await identity.revoke_api_token(session, principal, parse_id(id, "API token"))
        authenticator.forget_credential(token.id)
        return ApiToken.from_model(token)
