"""The schema: every domain's roots merged, with the limits from docs/security.md."""

from __future__ import annotations

from graphql import validate_schema
from strawberry import Schema
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from phantom.activity.schema import ActivitySubscription
from phantom.config import settings
from phantom.graphql.errors import ErrorPolicy
from phantom.identity.schema import IdentityMutation, IdentityQuery

Query = merge_types("Query", (IdentityQuery,))
Mutation = merge_types("Mutation", (IdentityMutation,))
Subscription = merge_types("Subscription", (ActivitySubscription,))


def _is_introspection(context: IgnoreContext) -> bool:
    """GraphiQL's introspection query nests deeper than 10; its size is still bounded by
    the token limit, and introspection is off in production."""
    return context.field_name.startswith("__")


def _extensions(introspection: bool) -> list[type[SchemaExtension] | SchemaExtension]:
    extensions: list[type[SchemaExtension] | SchemaExtension] = [
        ErrorPolicy,
        MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        ParserCache(maxsize=512),
        QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH, should_ignore=_is_introspection),
        MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        ValidationCache(maxsize=512),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return extensions


class PhantomSchema(Schema):
    def process_errors(self, errors: object, execution_context: object = None) -> None:
        """``ErrorPolicy`` already logged what deserves it, with the request id."""


def build_schema(introspection: bool | None = None) -> PhantomSchema:
    if introspection is None:
        introspection = settings.INTROSPECTION and not settings.is_production()
    schema = PhantomSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=_extensions(introspection),
        config=StrawberryConfig(disable_field_suggestions=True),
    )
    assert not validate_schema(schema._schema)  # noqa: S101 - a broken schema must not start
    return schema


schema = build_schema()
