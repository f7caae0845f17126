"""One error policy: ``extensions.code`` on every error, unexpected errors masked.
Applied by ``PhantomSchema`` to every result, over HTTP and WebSocket alike.

- ``PhantomError``: its message and code go to the caller.
- Errors with no path (syntax, validation, limits, variable coercion) happen before any
  resolver runs: BAD_USER_INPUT with graphql-core's message, less its suggestions
  ("Did you mean 'CreateRoleInput'?" names types and fields with introspection off;
  Strawberry's ``disable_field_suggestions`` removes only those of unknown fields).
- Anything else is a bug: the caller gets "Unexpected error." with a request id, and the
  log gets the traceback under the same id.
"""

from __future__ import annotations

import logging
import re

from graphql import GraphQLError

from phantom.kit.errors import ErrorCode, PhantomError, RateLimited
from phantom.kit.logging import request_id_var

log = logging.getLogger("phantom.graphql")
# graphql-core's pyutils.did_you_mean: " Did you mean 'A', 'B', or 'C'?" (names have no "?")
SUGGESTION = re.compile(r" Did you mean [^?]*\?")


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, PhantomError):
        extensions = dict(error.extensions or {}, code=original.code.value)
        if isinstance(original, RateLimited):
            extensions["retryAfter"] = original.retry_after
        return GraphQLError(
            original.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            None,
            extensions,
        )
    if not error.path:
        extensions = dict(error.extensions or {}, code=ErrorCode.BAD_USER_INPUT.value)
        message = SUGGESTION.sub("", error.message)
        return GraphQLError(
            message, error.nodes, error.source, error.positions, None, None, extensions
        )
    request_id = request_id_var.get()
    log.error(
        "unexpected error in GraphQL resolver",
        exc_info=original or error,
        extra={"path": error.path},
    )
    return GraphQLError(
        "Unexpected error.",
        error.nodes,
        error.source,
        error.positions,
        error.path,
        None,
        {"code": ErrorCode.INTERNAL.value, "requestId": request_id},
    )


def classify_all(errors: list[GraphQLError] | None) -> list[GraphQLError] | None:
    """Idempotent: an error that already carries a code is left as it is."""
    if not errors:
        return errors
    return [e if (e.extensions or {}).get("code") else classify(e) for e in errors]
