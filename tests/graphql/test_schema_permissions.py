"""Schema-wide authorization. The fields come from the schema at test time, so a new field
is covered without editing this file:

1. every root field declares ``authenticated()`` or ``public()``;
2. without credentials, every protected field is UNAUTHENTICATED, with no data;
3. called with every permission, a field checks at least one permission (service-level
   ``@requires``), unless it is listed as self-service below; a field that checks none
   fails the test;
4. for each permission a field checks, a member whose role has every permission but that
   one gets FORBIDDEN, with no data;
5. another tenant's ids answer NOT_FOUND, with no data and no trace of that tenant, and
   leave its data unchanged.
Subscriptions are driven through the schema in-process (the WebSocket transport has its
own tests in tests/activity and tests/test_processes.py).
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from starlette.requests import Request
from strawberry.permission import PermissionExtension

from phantom.authz.permissions import P
from phantom.authz.service import authz, checked_permissions
from phantom.db import transaction
from phantom.graphql.context import Context
from phantom.graphql.permissions import IsAuthenticated, IsPublic
from phantom.graphql.schema import schema
from phantom.identity.principal import Principal
from phantom.identity.service import identity
from tests.support.fixtures import TenantFixture, create_tenant, error_codes

# Fields that need a credential and nothing more: they only show the caller themself.
SELF_SERVICE = {"viewer"}
SAMPLES = {
    "ID": "00000000-0000-4000-8000-000000000000",
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "JSON": {},
    "DateTime": "2026-01-01T00:00:00+00:00",
    "Upload": "x",  # sent as JSON: the field refuses it as BAD_USER_INPUT after its checks
}
OPERATIONS = {"Query": "query", "Mutation": "mutation", "Subscription": "subscription"}


def root_fields() -> list[tuple[str, str]]:
    found = []
    for root, operation in OPERATIONS.items():
        definition = schema.get_type_by_name(root)
        assert definition is not None
        found += [(operation, f.python_name) for f in definition.fields]  # type: ignore[union-attr]
    return found


def graphql_field(operation: str, python_name: str) -> tuple[str, GraphQLField]:
    root = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}[operation]
    definition = schema.get_type_by_name(root)
    strawberry_field = next(f for f in definition.fields if f.python_name == python_name)  # type: ignore[union-attr]
    name = schema.config.name_converter.get_graphql_name(strawberry_field)
    root_type = schema._schema.get_type(root)
    return name, root_type.fields[name]  # type: ignore[union-attr]


def sample(type_: GraphQLInputType) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: sample(f.type)
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull)
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    return SAMPLES[type_.name]


def document(
    operation: str,
    name: str,
    field: GraphQLField,
    overrides: dict[tuple[str, ...], str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The smallest valid document calling the field, with required arguments filled."""
    required = {k: a for k, a in field.args.items() if isinstance(a.type, GraphQLNonNull)}
    params = ", ".join(f"${k}: {a.type}" for k, a in required.items())
    args = ", ".join(f"{k}: ${k}" for k in required)
    selection = (
        " { __typename }" if isinstance(get_named_type(field.type), GraphQLObjectType) else ""
    )
    query = (
        f"{operation}{f'({params})' if params else ''} "
        f"{{ {name}{f'({args})' if args else ''}{selection} }}"
    )
    variables = {k: sample(a.type) for k, a in required.items()}
    for path, value in (overrides or {}).items():
        variables = with_id(variables, path, value)
    return query, variables


def id_arguments(field: GraphQLField) -> list[tuple[str, ...]]:
    """Paths to the required ID arguments, top level or inside a required input object."""
    paths: list[tuple[str, ...]] = []
    for name, argument in field.args.items():
        if not isinstance(argument.type, GraphQLNonNull):
            continue
        inner = argument.type.of_type
        if getattr(inner, "name", "") == "ID":
            paths.append((name,))
        elif isinstance(inner, GraphQLInputObjectType):
            paths += [
                (name, key)
                for key, f in inner.fields.items()
                if isinstance(f.type, GraphQLNonNull)
                and getattr(f.type.of_type, "name", "") == "ID"
            ]
    return paths


def with_id(variables: dict[str, Any], path: tuple[str, ...], value: str) -> dict[str, Any]:
    if len(path) == 1:
        return {**variables, path[0]: value}
    return {**variables, path[0]: {**variables[path[0]], path[1]: value}}


def has_data(body: dict[str, Any]) -> bool:
    return any(value is not None for value in (body.get("data") or {}).values())


# --- members with chosen permissions -------------------------------------------------------


async def principal_of(token: str) -> Principal:
    async with transaction(None) as session:
        return await identity.principal_for_token(session, token)


async def member_with(tenant: TenantFixture, permissions: set[P]) -> str:
    """A new member of ``tenant`` whose only role grants exactly ``permissions``; returns
    an API token of theirs."""
    owner = await principal_of(tenant.token)
    role = "r_" + secrets.token_hex(6)
    email = f"{role}@{tenant.slug}.example.com"
    async with transaction(tenant.id) as session:
        await authz.create_role(
            session, owner, name=role, description="", permissions=[p.value for p in permissions]
        )
    async with transaction(tenant.id) as session:
        await identity.provision_member(
            session,
            tenant_id=tenant.id,
            email=email,
            display_name=role,
            roles=[role],
            sso_subject=f"test|{role}",
        )
        secret, _ = await identity.create_api_token(
            session, tenant_id=tenant.id, email=email, name="t"
        )
    return secret


@dataclass
class World:
    tenant: TenantFixture
    other: TenantFixture
    without: dict[P, str]  # a token with every permission but the key

    @property
    def everything(self) -> str:
        return self.tenant.token  # the owner holds every permission


@pytest.fixture(scope="module")
async def world() -> World:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    without = {p: await member_with(tenant, set(P) - {p}) for p in P}
    return World(tenant, other, without)


# --- calling a field ----------------------------------------------------------------------


async def call(
    client: httpx.AsyncClient,
    operation: str,
    python_name: str,
    token: str | None,
    overrides: dict[tuple[str, ...], str] | None = None,
) -> dict[str, Any]:
    name, field = graphql_field(operation, python_name)
    query, variables = document(operation, name, field, overrides)
    if operation == "subscription":
        return await subscribe_once(query, variables, token)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


async def subscribe_once(
    query: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    """The subscription's first result, in-process, with the token's principal; no error
    within a second means it is streaming."""
    context = Context(connection=Request({"type": "http", "headers": [], "method": "POST"}))
    if token is not None:
        context.set_principal(await principal_of(token), None)
        context.ws_authorization = f"Bearer {token}"
    result = await schema.subscribe(query, variable_values=variables, context_value=context)
    if isinstance(result, AsyncIterator):
        try:
            first = await asyncio.wait_for(anext(result), 1.0)  # type: ignore[arg-type]
        except TimeoutError:
            return {"data": None, "errors": []}
        finally:
            await result.aclose()  # type: ignore[attr-defined]
    else:
        first = result
    errors = [{"message": e.message, "extensions": e.extensions or {}} for e in first.errors or []]
    return {"data": first.data, "errors": errors}


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "name"), root_fields())
def test_every_root_field_declares_who_may_call_it(operation: str, name: str) -> None:
    root = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}[operation]
    definition = schema.get_type_by_name(root)
    field = next(f for f in definition.fields if f.python_name == name)  # type: ignore[union-attr]
    declared = {
        type(permission)
        for extension in field.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
    }
    message = f"{root}.{name} must declare authenticated() or public()"
    assert declared, message
    assert declared <= {IsAuthenticated, IsPublic}, message


@pytest.mark.parametrize(("operation", "name"), root_fields())
async def test_without_credentials_every_protected_field_is_unauthenticated(
    client: httpx.AsyncClient, operation: str, name: str
) -> None:
    body = await call(client, operation, name, None)
    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert not has_data(body)


@pytest.mark.parametrize(("operation", "name"), root_fields())
async def test_each_permission_a_field_needs_is_enforced(
    client: httpx.AsyncClient, world: World, operation: str, name: str
) -> None:
    # given: which permissions the field checks when the caller holds them all
    recorded: list[P] = []
    token = checked_permissions.set(recorded)
    try:
        body = await call(client, operation, name, world.everything)
    finally:
        checked_permissions.reset(token)
    assert not {"UNAUTHENTICATED", "FORBIDDEN", "INTERNAL"} & set(error_codes(body)), body
    if name in SELF_SERVICE:
        return
    needed = sorted(set(recorded))
    assert needed, f"{operation} {name} checks no permission: declare @requires on its service"
    # then: without any one of them, FORBIDDEN and nothing else
    for permission in needed:
        body = await call(client, operation, name, world.without[permission])
        assert error_codes(body) == ["FORBIDDEN"], (permission, body)
        assert not has_data(body)


async def foreign_ids(client: httpx.AsyncClient, tenant: TenantFixture) -> list[str]:
    query = (
        "{ members { edges { node { id } } } "
        "apiTokens(includeRevoked: true) { edges { node { id } } } }"
    )
    body = (await client.post("/graphql", json={"query": query}, headers=tenant.bearer)).json()
    data = body["data"]
    return [e["node"]["id"] for key in ("members", "apiTokens") for e in data[key]["edges"]]


async def snapshot(client: httpx.AsyncClient, tenant: TenantFixture) -> dict[str, Any]:
    query = (
        "{ members { edges { node { id email roles status } } } "
        "apiTokens(includeRevoked: true) { edges { node { id name revokedAt scopes } } } "
        "roles { name permissions } }"
    )
    body = (await client.post("/graphql", json={"query": query}, headers=tenant.bearer)).json()
    data: dict[str, Any] = body["data"]
    return data


def fields_with_ids() -> list[tuple[str, str]]:
    return [
        (operation, name)
        for operation, name in root_fields()
        if id_arguments(graphql_field(operation, name)[1])
    ]


@pytest.mark.parametrize(("operation", "name"), fields_with_ids())
async def test_another_tenants_ids_are_not_found(
    client: httpx.AsyncClient, world: World, operation: str, name: str
) -> None:
    # given: the ids of the other tenant's objects, and its data before
    victim, caller = world.other, world.tenant
    ids = await foreign_ids(client, victim)
    before = await snapshot(client, victim)
    _, field = graphql_field(operation, name)
    for path in id_arguments(field):
        for foreign in [*ids, str(uuid.uuid4())]:
            # when: the caller, holding every permission in its own tenant, names them
            body = await call(client, operation, name, caller.token, {path: foreign})
            # then: like an unknown id; nothing of the victim leaks or changes
            assert error_codes(body) == ["NOT_FOUND"], (path, body)
            assert not has_data(body)
            assert victim.slug not in str(body)
            assert victim.admin_email not in str(body)
    assert await snapshot(client, victim) == before
