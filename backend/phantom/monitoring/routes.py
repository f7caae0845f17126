"""``POST /api/v1/models/<modelVersionId>/outcomes``: outcomes in bulk, as JSON
(``{"outcomes": [{"predictionId", "actual"}]}``) or a CSV upload (``text/csv``, header
``predictionId,actual``). Authenticated and throttled like REST predict; the same
service as GraphQL's ``recordOutcomes``. The body is at most
``PHANTOM_OUTCOMES_MAX_BODY_BYTES`` (``ops/bodies.py``), the rows at most
``PHANTOM_OUTCOMES_MAX_ROWS``. An ``Idempotency-Key`` header makes a retry answer the
first summary (``kit/idempotency.py``; the same rows as JSON or CSV are the same
request, and GraphQL's ``idempotencyKey`` shares the key space)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from phantom.audit.safety_net import replays_recorded
from phantom.config import settings
from phantom.db import transaction
from phantom.identity.authn import authenticate, throttle
from phantom.kit import idempotency
from phantom.kit.errors import BadUserInput, NotFound, PhantomError, Unauthenticated
from phantom.kit.responses import error_response
from phantom.monitoring.outcomes import OutcomeIn, RecordedOutcomes, outcomes

JSON_SHAPE = 'The body must be JSON: {"outcomes": [{"predictionId": "...", "actual": "..."}]}.'
CSV_HEADER = ("predictionId", "actual")


def from_json(raw: bytes) -> list[OutcomeIn]:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: too deep
        raise BadUserInput(JSON_SHAPE) from None
    if not isinstance(body, dict) or not isinstance(body.get("outcomes"), list):
        raise BadUserInput(JSON_SHAPE)
    rows = body["outcomes"]
    _bounded(len(rows))
    parsed = []
    for row in rows:
        if not isinstance(row, dict):
            parsed.append(OutcomeIn(prediction_id=None, actual=None))  # reported per row
            continue
        parsed.append(OutcomeIn(prediction_id=row.get("predictionId"), actual=row.get("actual")))
    return parsed


def from_csv(raw: bytes) -> list[OutcomeIn]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadUserInput("The CSV must be UTF-8 text.") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
            raise BadUserInput("The CSV's first line must be the header: predictionId,actual")
        parsed: list[OutcomeIn] = []
        for row in reader:
            if not row:
                continue  # blank line
            _bounded(len(parsed) + 1)
            if len(row) != 2:
                parsed.append(OutcomeIn(prediction_id=row[0] if row else None, actual=None))
                continue
            parsed.append(OutcomeIn(prediction_id=row[0].strip(), actual=row[1]))
    except csv.Error as problem:
        raise BadUserInput(f"The CSV is malformed at line {reader.line_num}: {problem}") from None
    return parsed


def _bounded(count: int) -> None:
    if count > settings.OUTCOMES_MAX_ROWS:
        raise BadUserInput(
            f"At most {settings.OUTCOMES_MAX_ROWS} outcomes per call; split the upload."
        )


def answer(result: RecordedOutcomes) -> dict[str, Any]:
    return {
        "recorded": result.recorded,
        "replaced": result.replaced,
        "unknown": result.unknown,
        "unknownCount": result.unknown_count,
        "errors": [
            {"row": e.row, "predictionId": e.prediction_id, "message": e.message}
            for e in result.errors
        ],
        "errorCount": result.error_count,
    }


async def record_outcomes(request: Request) -> Response:
    try:
        principal, error = await authenticate(request, request.headers.get("authorization"), True)
        if principal is None:
            raise error or Unauthenticated("Sign in, or send 'Authorization: Bearer <API token>'.")
        await throttle(principal)
        key = idempotency.header_key(request.headers)
        try:
            version_id = uuid.UUID(request.path_params["version_id"])
        except ValueError:
            raise NotFound("Model version") from None
        raw = await request.body()  # bounded and typed by ops/bodies.py
        media = request.headers.get("content-type", "").split(";", 1)[0].strip()
        rows = from_csv(raw) if media == "text/csv" else from_json(raw)
        async with (
            replays_recorded(principal, "record_outcomes"),
            transaction(principal.tenant_id) as session,
        ):
            result = await outcomes.record_once(session, principal, key, version_id, rows)
    except PhantomError as failure:
        return error_response(failure)
    return JSONResponse(answer(result))


routes = [Route("/api/v1/models/{version_id}/outcomes", record_outcomes, methods=["POST"])]
