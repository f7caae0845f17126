"""One exception for every refusal, whichever channel it came from: GraphQL's
``errors[].extensions`` and the REST dialect ``{"error": {...}}`` carry the same fields
(docs/api.md#errors), so callers branch on ``code`` alone."""

from __future__ import annotations

from typing import Any

# HTTP statuses of answers that carry no error body of ours (a proxy, a crash)
STATUS_CODES = {
    400: "BAD_USER_INPUT",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "BAD_USER_INPUT",
    415: "BAD_USER_INPUT",
    429: "RATE_LIMITED",
    503: "UNAVAILABLE",
}


class PhantomError(Exception):
    """``code``: the server's error code (``NOT_FOUND``, ``BAD_USER_INPUT``, ...);
    ``request_id``: quote it to support; ``retry_after``: seconds, on ``RATE_LIMITED``;
    ``status``: the HTTP status when there was one (GraphQL field errors answer 200)."""

    def __init__(
        self,
        code: str,
        message: str,
        request_id: str | None = None,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id
        self.retry_after = retry_after
        self.status = status


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def from_graphql(
    error: Any,
    request_id: str | None = None,
    retry_header: str | None = None,
    status: int | None = None,
) -> PhantomError:
    """One entry of a GraphQL ``errors`` list (also a subscription's ``error`` payload)."""
    if not isinstance(error, dict):
        return PhantomError("INTERNAL", f"Unreadable error from the server: {str(error)[:200]}")
    found = error.get("extensions")
    extensions: dict[str, Any] = found if isinstance(found, dict) else {}
    code = str(extensions.get("code") or STATUS_CODES.get(status or 0, "INTERNAL"))
    retry_after = _number(extensions.get("retryAfter"))
    if retry_after is None and retry_header is not None:
        retry_after = _number(retry_header)
    return PhantomError(
        code,
        str(error.get("message") or code),
        str(extensions.get("requestId") or request_id or "") or None,
        retry_after,
        status,
    )


def from_rest(
    body: Any, status: int, request_id: str | None = None, retry_header: str | None = None
) -> PhantomError:
    """A REST answer that is not a success: ``{"error": {...}}``, or whatever a proxy said."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        retry_after = _number(error.get("retryAfter"))
        if retry_after is None and retry_header is not None:
            retry_after = _number(retry_header)
        return PhantomError(
            str(error.get("code") or STATUS_CODES.get(status, "INTERNAL")),
            str(error.get("message") or f"HTTP {status}"),
            str(error.get("requestId") or request_id or "") or None,
            retry_after,
            status,
        )
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        return from_graphql(body["errors"][0], request_id, retry_header, status)
    code = STATUS_CODES.get(status, "INTERNAL" if status >= 500 else "BAD_USER_INPUT")
    text = body if isinstance(body, str) else ""
    return PhantomError(
        code,
        f"HTTP {status}" + (f": {text[:200]}" if text else ""),
        request_id,
        _number(retry_header) if retry_header is not None else None,
        status,
    )
