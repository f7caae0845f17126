"""The contract of ``serving/routes.py`` (REST predict), for ``phantom/openapi.py``: a
description only; the route never reads it."""

from __future__ import annotations

from phantom.kit.openapi import (
    Contract,
    Schema,
    answer,
    path_parameter,
    query_parameter,
    ref,
    responses,
    security,
)

_NUMBER_MAP: Schema = {"type": "object", "additionalProperties": {"type": ["number", "null"]}}
PREDICTION: Schema = {
    "type": "object",
    "required": [
        "modelVersionId",
        "predictionIds",
        "predictions",
        "target",
        "positiveClass",
        "warnings",
    ],
    "properties": {
        "modelVersionId": {"type": "string", "format": "uuid", "description": "It scored."},
        "predictionIds": {
            "type": "array",
            "items": {"type": "string"},
            "description": "One per row, in order: name it when recording the outcome.",
        },
        "predictions": {
            "type": "array",
            "items": {"type": ["string", "number", "integer", "boolean", "null"]},
            "description": "Per row: the class, the number, or (anomaly detection) true/false.",
        },
        "probabilities": {
            "type": "array",
            "items": _NUMBER_MAP,
            "description": "Classification: per row, each class's probability.",
        },
        "scores": {
            "type": "array",
            "items": {"type": ["number", "null"]},
            "description": "Anomaly detection: per row, how unusual (higher: more).",
        },
        "target": {"type": ["string", "null"], "description": "What the model predicts."},
        "positiveClass": {
            "type": ["string", "null"],
            "description": "Binary: the class probabilities and log-odds are of.",
        },
        "warnings": {
            "type": "array",
            "description": "Inputs unlike the training data; the rows were still scored.",
            "items": {
                "type": "object",
                "required": ["row", "feature", "kind", "message"],
                "properties": {
                    "row": {"type": "integer", "minimum": 0},
                    "feature": {"type": "string"},
                    "kind": {"enum": ["OUT_OF_RANGE", "UNSEEN_CATEGORY", "MISSING"]},
                    "message": {"type": "string"},
                },
            },
        },
        "explanations": {
            "type": "array",
            "description": "With ?explain=true: per row, baseValue + sum(contributions) = output.",
            "items": {
                "type": "object",
                "required": ["baseValue", "output", "explained", "method", "contributions"],
                "properties": {
                    "baseValue": {"type": "number"},
                    "output": {"type": "number"},
                    "explained": {"type": "string"},
                    "method": {"enum": ["tree", "kernel"]},
                    "contributions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["feature", "value", "contribution"],
                            "properties": {
                                "feature": {"type": "string"},
                                "value": {},
                                "contribution": {"type": "number"},
                            },
                        },
                    },
                },
            },
        },
    },
}
FORECAST: Schema = {
    "type": "object",
    "description": "A FORECASTING version's answer: horizon steps per series, with the "
    "interval at intervalLevel percent.",
    "required": ["modelVersionId", "predictionIds", "forecasts", "intervalLevel", "target"],
    "properties": {
        "modelVersionId": {"type": "string", "format": "uuid", "description": "It forecast."},
        "predictionIds": {
            "type": "array",
            "items": {"type": "string"},
            "description": "One per forecast step, in order.",
        },
        "forecasts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["series", "time", "mean", "lower", "upper"],
                "properties": {
                    "series": {
                        "type": ["string", "null"],
                        "description": "The series id; null for a single series.",
                    },
                    "time": {"type": "string", "description": "ISO 8601."},
                    "mean": {"type": "number"},
                    "lower": {"type": "number"},
                    "upper": {"type": "number"},
                },
            },
        },
        "intervalLevel": {"type": "integer", "enum": [80, 95]},
        "target": {"type": ["string", "null"], "description": "What is forecast."},
    },
}
PREDICT_BODY: Schema = {
    "type": "object",
    "required": ["rows"],
    "properties": {
        "rows": {
            "type": "array",
            "description": "At most PHANTOM_PREDICT_MAX_ROWS rows (default 1000); each an "
            "object of feature: value. A missing feature is a missing value; an unknown "
            "column is refused (400). A FORECASTING version takes rows of recent history "
            "(time, series id, target) or none: it then forecasts after its training data; "
            "other versions refuse an empty list (400).",
            "items": {"type": "object"},
        }
    },
}
contract = Contract(
    paths={
        "/api/v1/models/{model}/predict": {
            "post": {
                "operationId": "predict",
                "tags": ["serving"],
                "summary": "Score rows with a model version, or a model's PRODUCTION version",
                "description": "The REST fast path: the same service, permission "
                "(predictions:run), limits, prediction log and audit of refusals as GraphQL's "
                "predict. The body is at most PHANTOM_PREDICT_MAX_BODY_BYTES (default 5 MiB).",
                "security": security(writes=True),
                "parameters": [
                    path_parameter(
                        "model",
                        {"type": "string", "minLength": 1},
                        "A model version's id (a UUID), or a model's name: then its PRODUCTION "
                        "version scores, so one URL survives promotions. Percent-encode a / "
                        "in a name as %2F.",
                    ),
                    query_parameter(
                        "explain",
                        {
                            "type": "string",
                            "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?$",
                        },
                        "true: explain each row (SHAP contributions). Case-insensitive.",
                    ),
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("PredictRequest")}},
                },
                "responses": responses(
                    {
                        "200": answer(
                            "The predictions (a FORECASTING version: the forecasts).",
                            {"application/json": {"oneOf": [ref("Prediction"), ref("Forecast")]}},
                        )
                    },
                    _400="The body is not JSON of that shape, or a row is refused (unknown "
                    "column, a value of the wrong type, too many rows), or explain is neither "
                    "true nor false.",
                    _404="No such model version or model in your organization (another "
                    "organization's looks the same).",
                    _409="The model has no version in PRODUCTION (scoring by name).",
                    _413="The body is over PHANTOM_PREDICT_MAX_BODY_BYTES, declared or streamed.",
                    _415="Not Content-Type: application/json.",
                    _503="Overloaded or timed out (the model did not answer in time, or the "
                    "prediction log cannot keep up): retry later.",
                ),
            }
        }
    },
    schemas={"PredictRequest": PREDICT_BODY, "Prediction": PREDICTION, "Forecast": FORECAST},
)
