"""The REST error shape, one for every answer under ``/api/`` (and the auth routes):
``{"error": {"code", "message", "requestId", "retryAfter"}}``. ``code`` is the
``ErrorCode`` GraphQL puts in ``extensions.code``; ``requestId`` is the request's
``X-Request-ID``; ``retryAfter`` (seconds, equal to ``Retry-After``) only on a rate limit.
The fields are named as in GraphQL's ``extensions`` (docs/api.md#errors)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from phantom.kit.errors import ErrorCode, PhantomError, RateLimited
from phantom.kit.logging import request_id_var


def error_body(code: ErrorCode | str, message: str, retry_after: int | None = None) -> object:
    error: dict[str, object] = {"code": str(code), "message": message}
    request_id = request_id_var.get()
    if request_id:
        error["requestId"] = request_id
    if retry_after is not None:
        error["retryAfter"] = retry_after
    return {"error": error}


def error_response(error: PhantomError, headers: dict[str, str] | None = None) -> JSONResponse:
    retry_after = error.retry_after if isinstance(error, RateLimited) else None
    if retry_after is not None:
        headers = {**(headers or {}), "Retry-After": str(retry_after)}
    body = error_body(error.code, error.message, retry_after)
    return JSONResponse(body, status_code=error.http_status, headers=headers)


API_PREFIX = "/api/"
STATUS_CODES = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.UNAVAILABLE,
}


def under_api(path: str) -> bool:
    return path == API_PREFIX[:-1] or path.startswith(API_PREFIX)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no route: 404; a route's other method: 405) answer in the
    error shape under ``/api/``, never plain text; elsewhere as Starlette does."""
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    if not under_api(request.url.path):
        if exc.status_code in {204, 304}:
            return Response(status_code=exc.status_code, headers=exc.headers)
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    status = exc.status_code
    fallback = ErrorCode.BAD_USER_INPUT if status < 500 else ErrorCode.INTERNAL
    code = STATUS_CODES.get(status, fallback)
    message = exc.detail
    if status == 404 and message == "Not Found":  # the router's, not a route's own
        message = f"No REST endpoint at {request.url.path} (docs/api.md lists them)."
    elif status == 405 and message == "Method Not Allowed":
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"This endpoint takes {allowed or 'other methods'}, not {request.method}."
    return JSONResponse(error_body(code, message), status_code=status, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """An unexpected error (logged by Starlette, which re-raises it): JSON with the request
    id under ``/api/``, to quote to support."""
    if not under_api(request.url.path):
        return PlainTextResponse("Internal Server Error", status_code=500)
    body = error_body(ErrorCode.INTERNAL, "Unexpected error.")
    request_id = request_id_var.get()  # this answer bypasses ops.middleware.RequestContext
    headers = {"x-request-id": request_id} if request_id else None
    return JSONResponse(body, status_code=500, headers=headers)
