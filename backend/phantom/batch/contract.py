"""The contract of ``batch/routes.py`` (a batch prediction's output), for
``phantom/openapi.py``."""

from __future__ import annotations

from phantom.kit.openapi import (
    Contract,
    answer,
    path_parameter,
    query_parameter,
    responses,
    security,
    uuid_schema,
)

DOWNLOAD_HEADERS = {
    "Content-Disposition": {
        "description": 'attachment; filename="predictions-<dataset>-<job>.<format>"',
        "schema": {"type": "string"},
    }
}
contract = Contract(
    paths={
        "/api/v1/batch-predictions/{jobId}/download": {
            "get": {
                "operationId": "downloadBatchPrediction",
                "tags": ["batch"],
                "summary": "Download a SUCCEEDED batch prediction's output",
                "description": "Streamed: the stored Parquet as it is, or CSV converted a "
                "chunk at a time (text that a spreadsheet would run as a formula is "
                "prefixed with '). Needs predictions:export.",
                "security": security(writes=False),
                "parameters": [
                    path_parameter(
                        "jobId",
                        uuid_schema("The batch prediction's id."),
                        "The batch prediction's id.",
                    ),
                    query_parameter(
                        "format",
                        {"enum": ["parquet", "csv"], "default": "parquet"},
                        "The file's format.",
                    ),
                ],
                "responses": responses(
                    {
                        "200": answer(
                            "The output file.",
                            {
                                "application/vnd.apache.parquet": {
                                    "type": "string",
                                    "contentMediaType": "application/vnd.apache.parquet",
                                },
                                "text/csv": {"type": "string"},
                            },
                            DOWNLOAD_HEADERS,
                        )
                    },
                    _400="format is neither csv nor parquet.",
                    _404="No such batch prediction in your organization.",
                    _409="The job has not SUCCEEDED, or its output was deleted with its dataset.",
                ),
            }
        }
    }
)
