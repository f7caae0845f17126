"""``POST /api/v1/models/<modelVersionId>/predict``: the REST fast path for integrators,
under the same authentication, permission, tenant scope, limits and audit as GraphQL's
``predict`` (it calls the same service)."""

from __future__ import annotations

import json
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from phantom.config import settings
from phantom.db import transaction
from phantom.identity.authn import authenticate, throttle
from phantom.kit.errors import BadUserInput, NotFound, PhantomError, Unauthenticated
from phantom.kit.responses import error_response
from phantom.serving.service import predictions


class _TooLarge(Exception):
    pass


class BodyTooLarge(BadUserInput):
    """Refused input like any other (BAD_USER_INPUT), answered with HTTP 413."""

    @property
    def http_status(self) -> int:
        return 413


async def _body(request: Request) -> bytes:
    """Read at most the limit: an oversized body is refused without reading it all."""
    declared = request.headers.get("content-length")
    if (
        declared is not None
        and declared.isdigit()
        and int(declared) > settings.PREDICT_MAX_BODY_BYTES
    ):
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > settings.PREDICT_MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def predict(request: Request) -> Response:
    try:
        principal, error = await authenticate(request, request.headers.get("authorization"), True)
        if principal is None:
            raise error or Unauthenticated("Sign in, or send 'Authorization: Bearer <API token>'.")
        await throttle(principal)
        try:
            version_id = uuid.UUID(request.path_params["version_id"])
        except ValueError:
            raise NotFound("Model version") from None
        try:
            body = json.loads(await _body(request))
        except _TooLarge:
            raise BodyTooLarge(
                f"The body is over {settings.PREDICT_MAX_BODY_BYTES} bytes; send fewer rows."
            ) from None
        except (ValueError, UnicodeDecodeError):
            raise BadUserInput('The body must be JSON: {"rows": [{"column": value}]}.') from None
        if not isinstance(body, dict) or "rows" not in body:
            raise BadUserInput('The body must be JSON: {"rows": [{"column": value}]}.')
        async with transaction(principal.tenant_id) as session:
            result = await predictions.predict(
                session, principal, version_id, body["rows"], channel="rest"
            )
    except PhantomError as failure:
        return error_response(failure)
    answer: dict[str, object] = {"predictions": result.predictions}
    if result.probabilities is not None:
        answer["probabilities"] = result.probabilities
    if result.scores is not None:
        answer["scores"] = result.scores
    return JSONResponse(answer)


routes = [Route("/api/v1/models/{version_id}/predict", predict, methods=["POST"])]
