"""``POST /api/v1/models/<modelVersionId or model name>/predict``: the REST fast path for
integrators, under the same authentication, permission, tenant scope, limits and
prediction log as GraphQL's ``predict`` (it calls the same service).

A path that is a UUID names a model version; anything else is a model name, scored with
its current PRODUCTION version (409 when it has none), so integrators keep one URL across
promotions. Model names shaped like a UUID are refused when a model is created.

It is the product's hottest path, so ``app.PhantomApp`` sends it straight here (behind
the request-context and body-limit middleware), not through Starlette's router and
exception middleware: ``predict_endpoint`` is a bare ASGI app that answers every
failure itself, as JSON (docs/benchmarks.md)."""

from __future__ import annotations

import logging
import uuid

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from phantom.audit.safety_net import record_operation, refusal_outcome
from phantom.identity.authn import authenticate, throttle
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, ErrorCode, PhantomError, Unauthenticated
from phantom.kit.responses import error_response
from phantom.ops.bodies import BodyLimit
from phantom.ops.middleware import raw_header
from phantom.serving.service import predictions

log = logging.getLogger(__name__)

PREFIX, SUFFIX = "/api/v1/models/", "/predict"
JSON_HEADERS = [(b"content-type", b"application/json")]


def explain_flag(value: str | None) -> bool:
    if value is None or value.lower() in ("false", "0", ""):
        return False
    if value.lower() in ("true", "1"):
        return True
    raise BadUserInput("explain must be true or false (?explain=true).")


async def _body(receive: Receive) -> bytes | None:
    """The whole body (ops/bodies.py caps it), or None if the client left or the cap cut
    it (the 413 has gone out already)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _query(scope: Scope, name: str) -> str | None:
    query = scope.get("query_string")
    return QueryParams(query).get(name) if query else None


async def predict(scope: Scope, receive: Receive) -> bytes | Response | None:
    """The answer's JSON, an error response, or None when there is no one to answer."""
    principal: Principal | None = None
    try:
        principal, error = await authenticate(
            HTTPConnection(scope), raw_header(scope, b"authorization"), True
        )
        if principal is None:
            raise error or Unauthenticated("Sign in, or send 'Authorization: Bearer <API token>'.")
        await throttle(principal)
        target = scope["path"][len(PREFIX) : -len(SUFFIX)]
        version_id, model_name = None, None
        try:
            version_id = uuid.UUID(target)
        except ValueError:
            model_name = target
        raw = await _body(receive)
        if raw is None:
            return None
        try:
            # at most PHANTOM_PREDICT_MAX_BODY_BYTES, and only JSON (ops/bodies.py); orjson
            # parses a 1,000-row body ~5x faster than json (and refuses NaN literals)
            body = orjson.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise BadUserInput('The body must be JSON: {"rows": [{"column": value}]}.') from None
        if not isinstance(body, dict) or "rows" not in body:
            raise BadUserInput('The body must be JSON: {"rows": [{"column": value}]}.')
        result = await predictions.predict(
            principal,
            body["rows"],
            "rest",
            version_id=version_id,
            model_name=model_name,
            explain=explain_flag(_query(scope, "explain")),
        )
    except PhantomError as failure:
        if principal is not None and failure.code != ErrorCode.RATE_LIMITED:
            await _record_refusal(principal, scope, failure.code)
        return error_response(failure)
    except Exception:
        log.exception("predict failed")
        if principal is not None:
            await _record_refusal(principal, scope, ErrorCode.INTERNAL)
        return error_response(PhantomError("The prediction failed; see the server log."))
    if result.forecasts is not None:  # FORECASTING: the steps, not per-row predictions
        return orjson.dumps(
            {
                "modelVersionId": str(result.model_version_id),
                "predictionIds": result.prediction_ids,
                "forecasts": result.forecasts,
                "intervalLevel": result.interval_level,
                "target": result.target,
            }
        )
    answer: dict[str, object] = {
        "modelVersionId": str(result.model_version_id),
        "predictionIds": result.prediction_ids,
        "predictions": result.predictions,
    }
    if result.probabilities is not None:
        answer["probabilities"] = result.probabilities
    if result.scores is not None:
        answer["scores"] = result.scores
    answer["target"] = result.target
    answer["positiveClass"] = result.positive_class
    answer["warnings"] = result.warnings
    if result.explanations is not None:
        answer["explanations"] = result.explanations
    return orjson.dumps(answer)


async def _record_refusal(principal: Principal, scope: Scope, code: ErrorCode) -> None:
    """As GraphQL's safety net records a refused ``predict`` (audit/safety_net.py): the
    same action, outcome and error code, in the caller's tenant, with the channel. A
    rate limit is not recorded on either channel (it refuses before the operation runs).
    Only refusals pay for this: the success path records nothing here."""
    outcome = refusal_outcome(code)
    if outcome is None:
        return
    try:
        uuid.UUID(scope["path"][len(PREFIX) : -len(SUFFIX)])
        named = "model_version_id"
    except ValueError:
        named = "model_name"
    details = {"error_code": code.value, "channel": "rest"}
    await record_operation(principal, "predict", outcome, details, ("explain", "rows", named))


async def predict_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI app for ``PREDICT_PATH``: POST only (the method is checked before the
    body's media type and size), then ``_post`` behind the body limit."""
    if scope["method"] != "POST":
        response = error_response(
            PhantomError("Use POST to predict.", code=ErrorCode.METHOD_NOT_ALLOWED)
        )
        response.headers["allow"] = "POST"
        await response(scope, receive, send)
        return
    await _limited_post(scope, receive, send)


async def _post(scope: Scope, receive: Receive, send: Send) -> None:
    """Anything unexpected is logged and answered 500 in the same JSON shape as every
    other error. A success is sent as two bare ASGI messages (a ``Response`` object per
    call showed in the profile)."""
    try:
        answer = await predict(scope, receive)
    except Exception:
        log.exception("predict failed")
        answer = error_response(PhantomError("The prediction failed; see the server log."))
    if answer is None:
        return
    if isinstance(answer, Response):
        await answer(scope, receive, send)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*JSON_HEADERS, (b"content-length", str(len(answer)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": answer})


_limited_post = BodyLimit(_post)
