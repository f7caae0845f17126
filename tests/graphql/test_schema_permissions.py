"""Schema-wide: every root field declares who may call it, and every field that needs
a credential refuses a call without one. Fields are read from the schema at test time,
so new fields are covered without editing this file."""

from __future__ import annotations

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
from strawberry.permission import PermissionExtension

from phantom.graphql.permissions import IsAuthenticated, IsPublic
from phantom.graphql.schema import schema
from tests.support.fixtures import error_codes

ROOTS = ("Query", "Mutation", "Subscription")
SAMPLES = {
    "ID": "00000000-0000-4000-8000-000000000000",
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "JSON": {},
    "DateTime": "2026-01-01T00:00:00+00:00",
}


def root_fields() -> list[tuple[str, str]]:
    fields = []
    for root in ROOTS:
        definition = schema.get_type_by_name(root)
        assert definition is not None
        fields += [(root, f.python_name) for f in definition.fields]  # type: ignore[union-attr]
    return fields


@pytest.mark.parametrize(("root", "name"), root_fields())
def test_every_root_field_declares_a_permission(root: str, name: str) -> None:
    definition = schema.get_type_by_name(root)
    field = next(f for f in definition.fields if f.python_name == name)  # type: ignore[union-attr]
    declared = [
        type(permission)
        for extension in field.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
    ]
    message = f"{root}.{name} must declare authenticated() or public()"
    assert declared, message
    assert set(declared) <= {IsAuthenticated, IsPublic}, message


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


def document(operation: str, name: str, field: GraphQLField) -> tuple[str, dict[str, Any]]:
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
    return query, {k: sample(a.type) for k, a in required.items()}


def protected_fields() -> list[tuple[str, str]]:
    graphql_schema = schema._schema
    found = []
    for operation, root in (
        ("query", graphql_schema.query_type),
        ("mutation", graphql_schema.mutation_type),
    ):
        assert root is not None
        found += [(operation, name) for name in root.fields]
    return found


@pytest.mark.parametrize(("operation", "name"), protected_fields())
async def test_without_credentials_every_protected_field_is_unauthenticated(
    client: httpx.AsyncClient, operation: str, name: str
) -> None:
    graphql_schema = schema._schema
    root = graphql_schema.query_type if operation == "query" else graphql_schema.mutation_type
    assert root is not None
    field = root.fields[name]
    query, variables = document(operation, name, field)
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert error_codes(body) == ["UNAUTHENTICATED"], (query, body)
    assert not body.get("data")
