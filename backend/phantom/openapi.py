"""The REST contract: one OpenAPI 3.1 document for every route under ``/api/``, assembled
from each domain's ``contract.py`` (as ``graphql/schema.py`` merges the domains' roots).
Served at ``GET /api/v1/openapi.json``, checked in as ``openapi.json`` (``phantom
openapi export``), and tested against the live routes (tests/ops/test_openapi.py)."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from phantom.batch.contract import contract as batch
from phantom.compliance.contract import contract as compliance
from phantom.config import Settings
from phantom.kit.openapi import (
    ERROR_SCHEMA,
    RATE_LIMIT_HEADERS,
    REQUEST_ID_HEADER,
    REQUEST_ID_REF,
    RETRY_AFTER_HEADER,
    Contract,
    PathItem,
    Schema,
)
from phantom.monitoring.contract import contract as monitoring
from phantom.reports.contract import contract as reports
from phantom.serving.contract import contract as serving

OPENAPI_PATH = "/api/v1/openapi.json"
CONTRACTS: tuple[Contract, ...] = (serving, monitoring, batch, reports, compliance)
CACHE_SECONDS = 300
DESCRIPTION = """\
The REST routes of Phantom ML Studio. Most of the API is GraphQL (`POST /graphql`; its \
schema is `schema.graphql`): this document covers the routes under `/api/`, built for \
integrators (the predict fast path, bulk outcomes) and for downloads.

- **Authentication**: `Authorization: Bearer <API token>` (`phantom token create`, or \
`createApiToken`), or the web app's session cookie; a cookie request that changes \
something (POST) must echo the `phantom_csrf` cookie in `X-CSRF-Token`.
- **Errors**: every refusal is `{"error": {"code", "message", "requestId", \
"retryAfter"}}`, with the codes of GraphQL's `extensions.code`. A path with no route is \
404, a route's other method 405 with `Allow`, both in that shape.
- **Tenancy**: a credential acts in its own organization only. Another organization's \
ids answer 404, exactly like unknown ones.
- **Bodies**: a route that takes none refuses one (413, or 415 with a Content-Type).
- **Request ids**: every answer carries `X-Request-ID` (yours when sane).
"""


def _cookie_name() -> str:
    """The default, not this deployment's value: the document is the same everywhere."""
    return str(Settings.model_fields["SESSION_COOKIE"].default)


def _own_path() -> dict[str, PathItem]:
    return {
        OPENAPI_PATH: {
            "get": {
                "operationId": "openapi",
                "tags": ["contract"],
                "summary": "This document",
                "description": "No credential needed. Cached for "
                f"{CACHE_SECONDS} s; send If-None-Match with the ETag to revalidate.",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.1 document, as checked in at openapi.json.",
                        "headers": {
                            "X-Request-ID": REQUEST_ID_REF,
                            "ETag": {"schema": {"type": "string"}},
                            "Cache-Control": {"schema": {"type": "string"}},
                        },
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "304": {"description": "Not modified since the ETag sent."},
                },
            }
        }
    }


def document() -> dict[str, Any]:
    """The whole document, from the domains' contracts (a path or schema declared twice
    is a programming error, caught here rather than silently overwritten)."""
    paths: dict[str, PathItem] = _own_path()
    schemas: dict[str, Schema] = {"Error": ERROR_SCHEMA}
    for contract in CONTRACTS:
        for name in [*contract.paths, *contract.schemas]:
            if name in paths or name in schemas:
                raise ValueError(f"{name} is declared twice in the REST contract")
        paths.update(contract.paths)
        schemas.update(contract.schemas)
    tags = sorted({tag for item in paths.values() for op in item.values() for tag in op["tags"]})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Phantom ML Studio REST API",
            "version": "v1",
            "description": DESCRIPTION,
        },
        "tags": [{"name": tag} for tag in tags],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "headers": {
                "RequestId": REQUEST_ID_HEADER,
                "RetryAfter": RETRY_AFTER_HEADER,
                **RATE_LIMIT_HEADERS,
            },
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "phm_…",
                    "description": "An API token of one organization.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": _cookie_name(),
                    "description": "The web app's session (PHANTOM_SESSION_COOKIE).",
                },
                "csrfHeader": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRF-Token",
                    "description": "The phantom_csrf cookie's value, with the session "
                    "cookie on requests that change something.",
                },
            },
        },
    }


@functools.cache
def rendered() -> bytes:
    """The document as served and checked in: stable key order, one trailing newline."""
    return (json.dumps(document(), indent=2, ensure_ascii=False) + "\n").encode()


@functools.cache
def _etag() -> str:
    return '"' + hashlib.sha256(rendered()).hexdigest()[:32] + '"'


async def openapi(request: Request) -> Response:
    headers = {
        "ETag": _etag(),
        "Cache-Control": f"public, max-age={CACHE_SECONDS}",
    }
    wanted = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if _etag() in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return Response(rendered(), media_type="application/json", headers=headers)


routes = [Route(OPENAPI_PATH, openapi, methods=["GET"])]
