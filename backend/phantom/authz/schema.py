"""Roles' GraphQL types and thin resolvers: built-in and custom roles, and the
permissions they grant. Assigning roles to members is identity's (``setMemberRoles``)."""

from __future__ import annotations

import strawberry
from strawberry import Info

from phantom.authz.service import RoleInfo, authz
from phantom.graphql.context import Context
from phantom.graphql.permissions import authenticated


@strawberry.type
class RoleDefinition:
    name: str
    description: str
    built_in: bool = strawberry.field(description="Built-in roles cannot change.")
    permissions: list[str]
    member_count: int

    @classmethod
    def from_info(cls, role: RoleInfo) -> RoleDefinition:
        return cls(
            name=role.name,
            description=role.description,
            built_in=role.built_in,
            permissions=sorted(p.value for p in role.permissions),
            member_count=role.member_count,
        )


@strawberry.type
class Permission:
    name: str
    resource: str
    action: str
    description: str


@strawberry.input
class CreateRoleInput:
    name: str
    description: str = ""
    permissions: list[str]


@strawberry.input
class UpdateRoleInput:
    name: str
    description: str | None = None
    permissions: list[str]


@strawberry.type
class AuthzQuery:
    @strawberry.field(extensions=authenticated(), description="Built-in and custom roles.")
    async def roles(self, info: Info[Context, None]) -> list[RoleDefinition]:
        ctx = info.context
        async with ctx.session() as session:
            roles = await authz.list_roles(session, ctx.require_principal())
        return [RoleDefinition.from_info(r) for r in roles]

    @strawberry.field(extensions=authenticated(), description="Every permission there is.")
    async def permissions(self, info: Info[Context, None]) -> list[Permission]:
        listed = await authz.list_permissions(info.context.require_principal())
        return [
            Permission(name=p.value, resource=p.resource, action=p.action, description=d)
            for p, d in listed
        ]


@strawberry.type
class AuthzMutation:
    @strawberry.mutation(extensions=authenticated())
    async def create_role(
        self, info: Info[Context, None], input: CreateRoleInput
    ) -> RoleDefinition:
        ctx = info.context
        async with ctx.session() as session:
            role = await authz.create_role(
                session,
                ctx.require_principal(),
                name=input.name,
                description=input.description,
                permissions=input.permissions,
            )
        return RoleDefinition.from_info(role)

    @strawberry.mutation(extensions=authenticated())
    async def update_role(
        self, info: Info[Context, None], input: UpdateRoleInput
    ) -> RoleDefinition:
        ctx = info.context
        async with ctx.session() as session:
            role = await authz.update_role(
                session,
                ctx.require_principal(),
                name=input.name,
                description=input.description,
                permissions=input.permissions,
            )
        return RoleDefinition.from_info(role)

    @strawberry.mutation(
        extensions=authenticated(), description="CONFLICT while members hold the role."
    )
    async def delete_role(self, info: Info[Context, None], name: str) -> bool:
        ctx = info.context
        async with ctx.session() as session:
            await authz.delete_role(session, ctx.require_principal(), name)
        return True
