"""The REST error shape: ``{"error": {"code", "message"}}`` with the code's HTTP status."""

from __future__ import annotations

from starlette.responses import JSONResponse

from phantom.kit.errors import PhantomError, RateLimited


def error_response(error: PhantomError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
    body = {"error": {"code": error.code.value, "message": error.message}}
    return JSONResponse(body, status_code=error.http_status, headers=headers)
