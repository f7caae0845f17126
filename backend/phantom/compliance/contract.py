"""The contract of ``compliance/routes.py`` (data subject request reports), for
``phantom/openapi.py``."""

from __future__ import annotations

from phantom.kit.openapi import (
    Contract,
    PathItem,
    Schema,
    answer,
    path_parameter,
    responses,
    security,
    uuid_schema,
)


def _report(kind: str, media: str, schema: Schema) -> PathItem:
    return {
        "get": {
            "operationId": f"downloadDataSubjectReport{kind.capitalize()}",
            "tags": ["compliance"],
            "summary": f"Download an executed data subject request's report ({kind})",
            "description": "Needs privacy:request. Each download is an audit event with the "
            "file's SHA-256 (also in X-Report-SHA256).",
            "security": security(writes=False),
            "parameters": [
                path_parameter(
                    "dataSubjectRequestId",
                    uuid_schema("The data subject request's id."),
                    "The data subject request's id.",
                )
            ],
            "responses": responses(
                {
                    "200": answer(
                        "The report, as an attachment.",
                        {media: schema},
                        {
                            "Content-Disposition": {"schema": {"type": "string"}},
                            "X-Report-SHA256": {
                                "description": "The file's SHA-256, as the audit log has it.",
                                "schema": {"type": "string"},
                            },
                        },
                    )
                },
                _404="No such request in your organization, or it has not been executed yet.",
            ),
        }
    }


contract = Contract(
    paths={
        "/api/v1/data-subject-requests/{dataSubjectRequestId}/report.json": _report(
            "json", "application/json", {"type": "object"}
        ),
        "/api/v1/data-subject-requests/{dataSubjectRequestId}/report.csv": _report(
            "csv", "text/csv", {"type": "string"}
        ),
    }
)
