"""One error policy: ``extensions.code`` on every error, unexpected errors masked.

- ``PhantomError``: its message and code go to the caller.
- Errors with no path (syntax, validation, limits, variable coercion) happen before any
  resolver runs: BAD_USER_INPUT with graphql-core's message.
- Anything else is a bug: the caller gets "Unexpected error." with a request id, and the
  log gets the traceback under the same id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from phantom.kit.errors import ErrorCode, PhantomError, RateLimited
from phantom.kit.logging import request_id_var

log = logging.getLogger("phantom.graphql")


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, PhantomError):
        extensions = dict(error.extensions or {}, code=original.code.value)
        if isinstance(original, RateLimited):
            extensions["retryAfter"] = original.retry_after
        return GraphQLError(
            original.message, error.nodes, error.source, error.positions, error.path,
            None, extensions,
        )
    if original is None and not error.path:
        extensions = dict(error.extensions or {}, code=ErrorCode.BAD_USER_INPUT.value)
        return GraphQLError(
            error.message, error.nodes, error.source, error.positions, None, None, extensions
        )
    request_id = request_id_var.get()
    log.error(
        "unexpected error in GraphQL resolver",
        exc_info=original or error,
        extra={"path": error.path},
    )
    return GraphQLError(
        "Unexpected error.", error.nodes, error.source, error.positions, error.path, None,
        {"code": ErrorCode.INTERNAL.value, "requestId": request_id},
    )


class ErrorPolicy(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [classify(e) for e in result.errors]  # type: ignore[union-attr]
        if self.execution_context.pre_execution_errors:
            self.execution_context.pre_execution_errors = [
                classify(e) for e in self.execution_context.pre_execution_errors
            ]
