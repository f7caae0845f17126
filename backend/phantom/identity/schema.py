"""Identity's GraphQL types and thin resolvers: the viewer, API tokens, members."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import Info

from phantom.authz.service import permissions_of
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.identity import models
from phantom.identity.loaders import member_loader
from phantom.identity.members import MemberView, members
from phantom.identity.principal import AuthMethod as AuthMethodValue
from phantom.identity.principal import Principal
from phantom.identity.tokens import tokens
from phantom.kit.errors import NotFound
from phantom.kit.pagination import page_request

AuthMethod = strawberry.enum(AuthMethodValue, name="AuthMethod")
MemberStatus = strawberry.enum(models.MembershipStatus, name="MemberStatus")


@strawberry.type
class Tenant:
    id: strawberry.ID
    slug: str
    name: str


@strawberry.type
class Member:
    id: strawberry.ID = strawberry.field(description="The user's id.")
    email: str
    display_name: str
    roles: list[str]
    status: models.MembershipStatus
    last_login_at: datetime | None = strawberry.field(
        description="Last sign-in to this organization (password, invitation or SSO)."
    )
    joined_at: datetime
    sign_in_methods: list[str] = strawberry.field(description="Subset of: password, sso.")

    @classmethod
    def from_view(cls, view: MemberView) -> Member:
        membership, user = view.membership, view.user
        # this organization's: a password proven elsewhere does not open this membership
        methods = (["password"] if membership.password_sign_in else []) + (
            ["sso"] if membership.sso_subject else []
        )
        return cls(
            id=strawberry.ID(str(user.id)),
            email=user.email,
            display_name=user.display_name,
            roles=view.roles,
            status=models.MembershipStatus(membership.status),
            last_login_at=membership.last_login_at,
            joined_at=membership.created_at,
            sign_in_methods=methods,
        )


@strawberry.type
class ApiToken:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="First characters of the secret, to recognise it.")
    scopes: list[str] | None = strawberry.field(
        description="The permissions it may use; null: all of its owner's."
    )
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    owner_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Whose token it is.")
    async def owner(self, info: Info[Context, None]) -> Member:
        view = await member_loader(info.context).load(self.owner_id)
        if view is None:
            raise NotFound("Member")
        return Member.from_view(view)

    @classmethod
    def from_model(cls, token: models.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(str(token.id)),
            name=token.name,
            prefix=token.prefix,
            scopes=token.scopes,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            owner_id=token.user_id,
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

    @strawberry.field(
        description="What this credential may do (its user's roles, narrowed by the API "
        "token's scopes), sorted."
    )
    async def permissions(self) -> list[str]:
        return sorted(p.value for p in await permissions_of(self.principal))

    @strawberry.field(description="The viewer's own API tokens, newest first.")
    async def api_tokens(
        self, info: Info[Context, None], first: int | None = 20, after: str | None = None
    ) -> Connection[ApiToken]:
        page = page_request(first, after)
        async with info.context.session() as session:
            result = await tokens.list_own(session, self.principal, page)
        return Connection.from_page(result, ApiToken.from_model)


@strawberry.type
class CreatedApiToken:
    token: str = strawberry.field(description="The secret. Shown once; only its hash is stored.")
    api_token: ApiToken


@strawberry.type
class Invitation:
    member: Member
    invite_url: str | None = strawberry.field(
        description="Shown once: <base-url>/accept-invite#token=<secret>. Null when the "
        "organization requires SSO (signing in with SSO accepts)."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the invitation lapses, link or not (at most 7 days, and never "
        "after the inviting token): after it, neither the link nor SSO grants its roles."
    )


@strawberry.input
class CreateApiTokenInput:
    name: str
    expires_in_days: int | None = strawberry.field(
        default=90, description="1 to 366; null for a token that never expires."
    )
    scopes: list[str] | None = strawberry.field(
        default=None,
        description="Permissions the token may use, each one you have; null: all of yours.",
    )


@strawberry.input
class InviteMemberInput:
    email: str
    display_name: str | None = None
    roles: list[str]


@strawberry.input
class SetMemberRolesInput:
    user_id: strawberry.ID
    roles: list[str]


@strawberry.type
class IdentityQuery:
    @strawberry.field(extensions=authenticated())
    def viewer(self, info: Info[Context, None]) -> Viewer:
        return Viewer.from_principal(info.context.require_principal())

    @strawberry.field(extensions=authenticated(), description="The organization's members.")
    async def members(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        search: str | None = None,
        status: models.MembershipStatus | None = None,
    ) -> Connection[Member]:
        ctx = info.context
        page = page_request(first, after)
        async with ctx.session() as session:
            result = await members.list_members(
                session, ctx.require_principal(), page, search=search, status=status
            )
            roles = await members.roles_for(
                session, ctx.tenant_id, [m.user_id for m in result.items]
            )
        return Connection.from_page(
            result, lambda m: Member.from_view(MemberView(m, m.user, roles.get(m.user_id, [])))
        )

    @strawberry.field(extensions=authenticated())
    async def member(self, info: Info[Context, None], id: strawberry.ID) -> Member | None:
        ctx = info.context
        async with ctx.session() as session:
            view = await members.get(session, ctx.require_principal(), parse_id(id, "Member"))
        return Member.from_view(view)


@strawberry.type
class ApiTokenQuery:
    """Apart from ``IdentityQuery`` only to keep the schema's field order: the role fields
    (``authz/schema.py``) come between them."""

    @strawberry.field(
        extensions=authenticated(), description="Every API token of the organization."
    )
    async def api_tokens(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        include_revoked: bool = False,
    ) -> Connection[ApiToken]:
        ctx = info.context
        page = page_request(first, after)
        async with ctx.session() as session:
            result = await tokens.list_all(session, ctx.require_principal(), page, include_revoked)
        return Connection.from_page(result, ApiToken.from_model)


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(extensions=authenticated())
    async def create_api_token(
        self, info: Info[Context, None], input: CreateApiTokenInput
    ) -> CreatedApiToken:
        ctx = info.context
        async with ctx.session() as session:
            secret, token = await tokens.create_own(
                session,
                ctx.require_principal(),
                name=input.name,
                scopes=input.scopes,
                expires_in_days=input.expires_in_days,
            )
        return CreatedApiToken(token=secret, api_token=ApiToken.from_model(token))

    @strawberry.mutation(extensions=authenticated())
    async def revoke_api_token(self, info: Info[Context, None], id: strawberry.ID) -> ApiToken:
        ctx = info.context
        async with ctx.session() as session:
            token = await tokens.revoke(session, ctx.require_principal(), parse_id(id, "API token"))
        return ApiToken.from_model(token)

    @strawberry.mutation(extensions=authenticated())
    async def invite_member(
        self, info: Info[Context, None], input: InviteMemberInput
    ) -> Invitation:
        ctx = info.context
        async with ctx.session() as session:
            new = await members.invite(
                session,
                ctx.require_principal(),
                email=input.email,
                display_name=input.display_name,
                roles=input.roles,
            )
        return Invitation(
            member=Member.from_view(new.member), invite_url=new.url, expires_at=new.expires_at
        )

    @strawberry.mutation(extensions=authenticated())
    async def set_member_roles(
        self, info: Info[Context, None], input: SetMemberRolesInput
    ) -> Member:
        ctx = info.context
        async with ctx.session() as session:
            view = await members.set_roles(
                session, ctx.require_principal(), parse_id(input.user_id, "Member"), input.roles
            )
        return Member.from_view(view)

    @strawberry.mutation(
        extensions=authenticated(),
        description="Revokes the member's sessions and API tokens at once.",
    )
    async def deactivate_member(self, info: Info[Context, None], user_id: strawberry.ID) -> Member:
        ctx = info.context
        async with ctx.session() as session:
            view = await members.deactivate(
                session, ctx.require_principal(), parse_id(user_id, "Member")
            )
        return Member.from_view(view)

    @strawberry.mutation(extensions=authenticated())
    async def reactivate_member(self, info: Info[Context, None], user_id: strawberry.ID) -> Member:
        ctx = info.context
        async with ctx.session() as session:
            view = await members.reactivate(
                session, ctx.require_principal(), parse_id(user_id, "Member")
            )
        return Member.from_view(view)
