"""The contract of ``monitoring/routes.py`` (outcomes in bulk), for ``phantom/openapi.py``."""

from __future__ import annotations

from phantom.kit.openapi import (
    IDEMPOTENCY_CONFLICT,
    IDEMPOTENCY_KEY,
    Contract,
    Schema,
    answer,
    path_parameter,
    ref,
    responses,
    security,
    uuid_schema,
)

OUTCOMES_BODY: Schema = {
    "type": "object",
    "required": ["outcomes"],
    "properties": {
        "outcomes": {
            "type": "array",
            "minItems": 1,
            "description": "At most PHANTOM_OUTCOMES_MAX_ROWS (default 10,000).",
            "items": {
                "description": "An object of predictionId and actual. Any other row is "
                "not refused: it is reported in errors, and the others are recorded.",
                "properties": {
                    "predictionId": {
                        "description": "A prediction id (a UUID) as predict answered it, "
                        "in predictionIds.",
                        "examples": ["0190a2c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"],
                    },
                    "actual": {
                        "description": "What really happened: a class, a number, or "
                        "(anomaly detection) true/false.",
                    },
                },
            },
        }
    },
}
OUTCOMES_CSV: Schema = {
    "type": "string",
    "pattern": "^\ufeff?[ \t]*predictionId[ \t]*,[ \t]*actual[ \t]*(\r?\n|$)",
    "description": "UTF-8 CSV whose first line is the header predictionId,actual; then "
    "one outcome per line.",
}
RECORDED: Schema = {
    "type": "object",
    "required": ["recorded", "replaced", "unknown", "unknownCount", "errors", "errorCount"],
    "properties": {
        "recorded": {"type": "integer", "minimum": 0, "description": "New outcomes."},
        "replaced": {
            "type": "integer",
            "minimum": 0,
            "description": "Outcomes that replaced an earlier one (the latest wins).",
        },
        "unknown": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Prediction ids this version never answered (the first few).",
        },
        "unknownCount": {"type": "integer", "minimum": 0},
        "errors": {
            "type": "array",
            "description": "Rows refused, and why (the first few).",
            "items": {
                "type": "object",
                "required": ["row", "predictionId", "message"],
                "properties": {
                    "row": {"type": "integer", "minimum": 1, "description": "From 1."},
                    "predictionId": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
        "errorCount": {"type": "integer", "minimum": 0},
    },
}
contract = Contract(
    paths={
        "/api/v1/models/{modelVersionId}/outcomes": {
            "post": {
                "operationId": "recordOutcomes",
                "tags": ["monitoring"],
                "summary": "Record what really happened to earlier predictions, in bulk",
                "description": "The same service as GraphQL's recordOutcomes "
                "(predictions:run). The body is at most PHANTOM_OUTCOMES_MAX_BODY_BYTES "
                "(default 2 MiB): JSON, or a CSV upload.",
                "security": security(writes=True),
                "parameters": [
                    path_parameter(
                        "modelVersionId",
                        uuid_schema("The model version that made the predictions."),
                        "The model version that made the predictions.",
                    ),
                    IDEMPOTENCY_KEY,
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": ref("OutcomesRequest")},
                        "text/csv": {"schema": OUTCOMES_CSV},
                    },
                },
                "responses": responses(
                    {"200": answer("What was recorded.", {"application/json": ref("Outcomes")})},
                    _400="The body is not JSON or CSV of that shape, or has too many rows; "
                    "or a malformed Idempotency-Key.",
                    _404="No such model version in your organization.",
                    _409="Outcomes for the same predictions were recorded at the same moment "
                    "by another call: send this one again. Or: " + IDEMPOTENCY_CONFLICT,
                    _413="The body is over PHANTOM_OUTCOMES_MAX_BODY_BYTES.",
                    _415="Neither application/json nor text/csv.",
                ),
            }
        }
    },
    schemas={"OutcomesRequest": OUTCOMES_BODY, "Outcomes": RECORDED},
)
