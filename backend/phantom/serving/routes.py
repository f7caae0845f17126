"""``POST /api/v1/models/<modelVersionId>/predict``: the REST fast path for integrators,
under the same authentication, permission, tenant scope, limits and audit as GraphQL's
``predict`` (it calls the same service)."""

from __future__ import annotations

import json
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from phantom.identity.authn import authenticate, throttle
from phantom.kit.errors import BadUserInput, NotFound, PhantomError, Unauthenticated
from phantom.kit.responses import error_response
from phantom.serving.service import predictions


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
            # at most PHANTOM_PREDICT_MAX_BODY_BYTES, and only JSON (ops/bodies.py)
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise BadUserInput('The body must be JSON: {"rows": [{"column": value}]}.') from None
        if not isinstance(body, dict) or "rows" not in body:
            raise BadUserInput('The body must be JSON: {"rows": [{"column": value}]}.')
        result = await predictions.predict(principal, version_id, body["rows"], channel="rest")
    except PhantomError as failure:
        return error_response(failure)
    answer: dict[str, object] = {"predictions": result.predictions}
    if result.probabilities is not None:
        answer["probabilities"] = result.probabilities
    if result.scores is not None:
        answer["scores"] = result.scores
    return JSONResponse(answer)


routes = [Route("/api/v1/models/{version_id}/predict", predict, methods=["POST"])]
