"""The contract of ``reports/routes.py`` (model reports, PDF and HTML), for
``phantom/openapi.py``."""

from __future__ import annotations

from phantom.kit.openapi import (
    IDEMPOTENCY_CONFLICT,
    IDEMPOTENCY_KEY,
    Contract,
    PathItem,
    Schema,
    answer,
    path_parameter,
    query_parameter,
    responses,
    security,
    uuid_schema,
)

VERSION = path_parameter(
    "modelVersionId", uuid_schema("The model version's id."), "The model version's id."
)
HEADERS: Schema = {
    "Content-Disposition": {"schema": {"type": "string"}},
    "X-Report-Id": {"description": "The report's id.", "schema": {"type": "string"}},
    "X-Report-SHA256": {
        "description": "The file's SHA-256, as the audit log recorded it.",
        "schema": {"type": "string"},
    },
}


def _report(kind: str, media: str) -> PathItem:
    name = kind.upper() if kind == "pdf" else kind.capitalize()
    content = {media: {"type": "string"}}
    return {
        "get": {
            "operationId": f"downloadModelReport{name}",
            "tags": ["reports"],
            "summary": f"Download a model version's report ({kind})",
            "description": "The latest report, or the one named by id: exactly the bytes "
            "whose SHA-256 the audit log recorded. Needs models:read.",
            "security": security(writes=False),
            "parameters": [
                VERSION,
                query_parameter(
                    "id", uuid_schema("An earlier report's id."), "An earlier report's id."
                ),
            ],
            "responses": responses(
                {"200": answer("The report, as an attachment.", content, HEADERS)},
                _404="No such version or report in your organization, or no report "
                "generated yet (POST this URL to generate one).",
            ),
        },
        "post": {
            "operationId": f"generateModelReport{name}",
            "tags": ["reports"],
            "summary": f"Generate a new report of a model version, and download it ({kind})",
            "description": "As GraphQL's generateModelReport, then the new file. Needs "
            "models:promote. Takes no body.",
            "security": security(writes=True),
            "parameters": [VERSION, IDEMPOTENCY_KEY],
            "responses": responses(
                {"201": answer("The new report, as an attachment.", content, HEADERS)},
                _400="The version's documentation cannot be reported as it is, or a "
                "malformed Idempotency-Key.",
                _404="No such version in your organization.",
                _409=IDEMPOTENCY_CONFLICT,
                _413="A request body: this route takes none.",
                _415="A Content-Type: this route takes no body.",
            ),
        },
    }


contract = Contract(
    paths={
        "/api/v1/model-versions/{modelVersionId}/report.pdf": _report("pdf", "application/pdf"),
        "/api/v1/model-versions/{modelVersionId}/report.html": _report("html", "text/html"),
    }
)
