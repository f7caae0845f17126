"""Domain errors. One convention: raise a ``PhantomError``; the API layers turn its
``code`` into ``extensions.code`` (GraphQL) or a JSON error body (REST)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL = "INTERNAL"
    UNAVAILABLE = "UNAVAILABLE"  # overloaded or timed out: retry later
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"  # REST: the route takes other methods


HTTP_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BAD_USER_INPUT: 400,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL: 500,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
}


class PhantomError(Exception):
    """An error whose message is safe to show to the caller."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]


class Unauthenticated(PhantomError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(PhantomError):
    code = ErrorCode.FORBIDDEN


class NotFound(PhantomError):
    code = ErrorCode.NOT_FOUND

    def __init__(self, what: str = "Object") -> None:
        super().__init__(f"{what} not found.")


class BadUserInput(PhantomError):
    code = ErrorCode.BAD_USER_INPUT


class Conflict(PhantomError):
    code = ErrorCode.CONFLICT


class RateLimited(PhantomError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(PhantomError):
    code = ErrorCode.UNAVAILABLE


class TenantScopeError(RuntimeError):
    """A tenant-owned table was queried with no tenant in scope: a programming error."""
