"""The schema: every domain's roots merged, with the limits from docs/security.md."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, ListValueNode, parse
from graphql.validation import ASTValidationRule, ValidationRule
from strawberry import Schema
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StreamResult, validate_document
from strawberry.tools import merge_types
from strawberry.types.execution import ExecutionResult, PreExecutionError

from phantom.activity.schema import ActivitySubscription
from phantom.alerts.schema import AlertMutation, AlertQuery, AlertSubscription
from phantom.approvals.schema import ApprovalMutation, ApprovalQuery, ApprovalSubscription
from phantom.audit.safety_net import audit_every_mutation
from phantom.audit.schema import AuditMutation, AuditQuery
from phantom.authz.schema import AuthzMutation, AuthzQuery
from phantom.automl.schema import TrainingMutation, TrainingQuery, TrainingSubscription
from phantom.batch.schema import BatchMutation, BatchQuery, BatchSubscription
from phantom.compliance.schema import ComplianceMutation, ComplianceQuery
from phantom.config import settings
from phantom.datasets.schema import DatasetMutation, DatasetQuery
from phantom.demo.schema import DemoQuery
from phantom.graphql.errors import classify_all
from phantom.identity.schema import ApiTokenQuery, IdentityMutation, IdentityQuery
from phantom.identity.sso.schema import SsoMutation, SsoQuery
from phantom.kit.errors import BadUserInput
from phantom.kit.ratelimit import current_quota
from phantom.monitoring.schema import MonitoringMutation, MonitoringQuery
from phantom.overview.schema import OverviewQuery, OverviewSubscription
from phantom.registry.schema import RegistryMutation, RegistryQuery
from phantom.reports.schema import ReportMutation
from phantom.serving.schema import ServingMutation
from phantom.value.schema import ValueMutation, ValueQuery
from phantom.webhooks.schema import WebhookMutation, WebhookQuery

Query = merge_types(
    "Query",
    (
        IdentityQuery,
        AuthzQuery,  # between identity's roots: the order is schema.graphql's field order
        ApiTokenQuery,
        SsoQuery,
        AuditQuery,
        ComplianceQuery,
        DatasetQuery,
        TrainingQuery,
        RegistryQuery,
        ApprovalQuery,
        BatchQuery,
        AlertQuery,
        WebhookQuery,
        MonitoringQuery,
        OverviewQuery,
        ValueQuery,
        DemoQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        IdentityMutation,
        AuthzMutation,
        SsoMutation,
        AuditMutation,
        ComplianceMutation,
        DatasetMutation,
        TrainingMutation,
        RegistryMutation,
        ApprovalMutation,
        ReportMutation,
        ServingMutation,
        BatchMutation,
        AlertMutation,
        WebhookMutation,
        MonitoringMutation,
        ValueMutation,
    ),
)
audit_every_mutation(Mutation)  # failed, refused and unrecorded mutations reach the log
Subscription = merge_types(
    "Subscription",
    (
        ActivitySubscription,
        TrainingSubscription,
        BatchSubscription,
        AlertSubscription,
        ApprovalSubscription,
        OverviewSubscription,
    ),
)


def _is_introspection(context: IgnoreContext) -> bool:
    """GraphiQL's introspection query nests deeper than 10; its size is still bounded by
    the token limit, and introspection is off in production."""
    return context.field_name.startswith("__")


class MaxListItems(ValidationRule):
    """Input lists written in the document are bounded (variables are checked apart)."""

    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        if len(node.values) > settings.GRAPHQL_MAX_LIST_ITEMS:
            self.report_error(GraphQLError(_too_many_items(len(node.values)), node))


def _too_many_items(count: int) -> str:
    return f"Input lists are limited to {settings.GRAPHQL_MAX_LIST_ITEMS} items; got {count}."


def check_variable_lists(value: object, depth: int = 0) -> None:
    """Bounded walk of the variables: no list over the limit, at any depth."""
    if depth > 20:
        raise BadUserInput("Variables are nested too deeply.")
    if isinstance(value, list):
        if len(value) > settings.GRAPHQL_MAX_LIST_ITEMS:
            raise BadUserInput(_too_many_items(len(value)))
        for item in value:
            check_variable_lists(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            check_variable_lists(item, depth + 1)


# Built once: the validation cache keys on the rule classes, and the stock limiters make
# new classes per instance, which would turn every request into a cache miss.
_LIMIT_RULES = (
    *QueryDepthLimiter(
        max_depth=settings.GRAPHQL_MAX_DEPTH, should_ignore=_is_introspection
    ).validation_rules,
    *MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES).validation_rules,
    MaxListItems,
)


@lru_cache(maxsize=512)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


@lru_cache(maxsize=512)
def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    return validate_document(schema, document, rules)


class QueryLimits(SchemaExtension):
    """Token, depth, alias and list limits, with parsing and validation cached by query text.

    One extension instead of Strawberry's four (``MaxTokensLimiter``, ``ParserCache``,
    ``QueryDepthLimiter``, ``MaxAliasesLimiter``, ``ValidationCache``): each extension
    costs hooks on every request, and this is the hot path (docs/benchmarks.md).
    The token limit stops the parser early, so a huge document costs little CPU.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = _parse(context.query or "", settings.GRAPHQL_MAX_TOKENS)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            raise RuntimeError("validation before parsing")
        rules = (*context.validation_rules, *_LIMIT_RULES)
        context.pre_execution_errors = _validate(context.schema._schema, document, rules)
        if context.variables:
            check_variable_lists(context.variables)
        yield


def _extensions(introspection: bool) -> list[type[SchemaExtension]]:
    extensions: list[type[SchemaExtension]] = [QueryLimits]
    if not introspection:
        extensions.append(DisableIntrospection)
    return extensions


class PhantomSchema(Schema):
    """Applies the error policy to every result, whichever transport asked: errors raised
    while parsing escape the extension hooks, so an extension could not see them all."""

    def process_errors(self, errors: object, execution_context: object = None) -> None:
        """The error policy logs what deserves it, with the request id."""

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        result.errors = classify_all(result.errors)
        _report_rate_limit(result, kwargs.get("operation_extensions"))
        return result

    async def stream(self, *args: Any, **kwargs: Any) -> StreamResult:
        source = await super().stream(*args, **kwargs)
        if not isinstance(source, AsyncGenerator):
            source.errors = classify_all(source.errors)
            _report_rate_limit(source, kwargs.get("operation_extensions"))
            return source
        return _classified(source)


def _report_rate_limit(result: ExecutionResult | PreExecutionError, asked: object) -> None:
    """``extensions.rateLimit`` when the request's own extensions ask for it
    (``{"extensions": {"rateLimit": true}}`` over HTTP): what the RateLimit-* headers
    say, in the body, for GraphQL clients that hand their callers only the result."""
    if not (isinstance(asked, dict) and asked.get("rateLimit") is True):
        return
    quota = current_quota.get()
    if quota is None:  # not charged: an anonymous request
        return
    result.extensions = {
        **(result.extensions or {}),
        "rateLimit": {
            "limit": quota.limit,
            "remaining": quota.remaining,
            "resetSeconds": quota.reset,
            "windowSeconds": quota.window,
        },
    }


async def _classified(source: StreamResult) -> StreamResult:
    async with aclosing(source):
        async for result in source:
            if isinstance(result, (ExecutionResult, PreExecutionError)):
                result.errors = classify_all(result.errors)
            yield result


def build_schema(introspection: bool | None = None) -> PhantomSchema:
    if introspection is None:
        introspection = settings.INTROSPECTION and not settings.is_production()
    return PhantomSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=_extensions(introspection),
        config=StrawberryConfig(disable_field_suggestions=True),
    )


schema = build_schema()
