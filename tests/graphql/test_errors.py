"""The error policy on a schema of its own, so a resolver can fail on purpose."""

from __future__ import annotations

import logging

import pytest
import strawberry

from phantom.graphql.schema import PhantomSchema
from phantom.kit.errors import Conflict, RateLimited
from phantom.kit.logging import request_id_var


@strawberry.type
class Query:
    @strawberry.field
    def crash(self) -> str:
        raise RuntimeError("password=hunter2 at db-internal-7")

    @strawberry.field
    def conflict(self) -> str:
        raise Conflict("Already there.")

    @strawberry.field
    def slow_down(self) -> str:
        raise RateLimited("Too many.", retry_after=7)


schema = PhantomSchema(query=Query)


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request_id_var.set("req-test-123")
    with caplog.at_level(logging.ERROR, logger="phantom.graphql"):
        result = await schema.execute("{ crash }")
    (error,) = result.errors or []
    assert error.message == "Unexpected error."
    assert error.extensions == {"code": "INTERNAL", "requestId": "req-test-123"}
    assert "hunter2" not in str(error.formatted)
    record = next(r for r in caplog.records if r.name == "phantom.graphql")
    assert "hunter2" in str(record.exc_info[1]) if record.exc_info else False


async def test_domain_errors_keep_message_and_code() -> None:
    result = await schema.execute("{ conflict }")
    assert result.errors
    assert result.errors[0].formatted["extensions"] == {"code": "CONFLICT"}
    assert result.errors[0].message == "Already there."
    result = await schema.execute("{ slowDown }")
    assert result.errors
    assert result.errors[0].extensions == {
        "code": "RATE_LIMITED",
        "retryAfter": 7,
    }


async def test_introspection_can_be_switched_off() -> None:
    from phantom.graphql.schema import build_schema

    closed = build_schema(introspection=False)
    result = await closed.execute("{ __schema { types { name } } }")
    assert result.errors
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
    assert "introspection" in result.errors[0].message.lower()
