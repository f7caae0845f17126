"""Builders for the REST contract (OpenAPI 3.1). Each domain declares its operations in
its ``routes.py`` beside the routes themselves (``contract``), with these helpers, so a
route and its description change together; ``phantom/openapi.py`` assembles them into
the document served at ``/api/v1/openapi.json`` and checked in as ``openapi.json``.

Only plain data in, plain data out: the document must be byte-for-byte the same on
every machine and in every environment, so nothing here reads the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from phantom.kit.errors import ErrorCode

Schema = dict[str, Any]
PathItem = dict[str, Any]


@dataclass(frozen=True)
class Contract:
    """A domain's part of the document: its paths, and the named schemas they refer to
    (``ref(name)``), which become ``components.schemas``."""

    paths: dict[str, PathItem]
    schemas: dict[str, Schema] = field(default_factory=dict)


def ref(schema_name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{schema_name}"}


ERROR_REF = ref("Error")
REQUEST_ID_HEADER: Schema = {
    "description": "The request's id: yours if you sent a sane X-Request-ID (8 to 64 of "
    "A-Z a-z 0-9 . _ -), else a new one. Quote it to support.",
    "schema": {"type": "string"},
}
REQUEST_ID_REF: Schema = {"$ref": "#/components/headers/RequestId"}
RETRY_AFTER_HEADER: Schema = {
    "description": "Seconds to wait before retrying (equal to error.retryAfter).",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}

# On every answer to a charged request (docs/api.md "Rate-limit headers"): not on a 401,
# nor on a refusal before the credential was known, hence never required.
RATE_LIMIT_HEADERS: dict[str, Schema] = {
    "RateLimitLimit": {
        "description": "Requests that may come at once: the burst of the tightest limit "
        "(credential or organization).",
        "schema": {"type": "integer", "minimum": 1},
    },
    "RateLimitRemaining": {
        "description": "Of them, left now (an estimate that errs low with several API processes).",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimitReset": {
        "description": "Seconds until the whole burst is available again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimitPolicy": {
        "description": "The burst and the seconds it refills over: '<limit>;w=<seconds>'.",
        "schema": {"type": "string", "pattern": "^[0-9]+;w=[0-9]+$"},
    },
}
_RATE_LIMIT_REFS: dict[str, Schema] = {
    "RateLimit-" + name.removeprefix("RateLimit"): {"$ref": f"#/components/headers/{name}"}
    for name in RATE_LIMIT_HEADERS
}

ERROR_SCHEMA: Schema = {
    "type": "object",
    "description": "Every refusal under /api/, with the code GraphQL puts in "
    "extensions.code (docs/api.md#errors).",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "requestId"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "enum": [code.value for code in ErrorCode]},
                "message": {"type": "string", "description": "What to fix, for a person."},
                "requestId": {
                    "type": "string",
                    "description": "Equal to the answer's X-Request-ID header.",
                },
                "retryAfter": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Only on RATE_LIMITED: seconds, equal to Retry-After.",
                },
            },
        }
    },
}

# The refusals every authenticated route answers, whatever it does.
_COMMON: dict[str, str] = {
    "401": "No credential, or a bad one (unknown, expired or revoked token; ended session).",
    "403": "The credential's role lacks the permission (or, on a POST with the session "
    "cookie, no valid X-CSRF-Token header).",
    "429": "Too many requests for this credential or organization (RATE_LIMITED): wait "
    "Retry-After seconds.",
    "500": "A bug on our side (INTERNAL); quote requestId to support.",
}


def uuid_schema(description: str) -> Schema:
    return {"type": "string", "format": "uuid", "description": description}


def path_parameter(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def query_parameter(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


IDEMPOTENCY_KEY: Schema = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "1 to 255 printable ASCII characters (a UUID is a good choice): the same "
    "request sent again with the same key within 24 h answers the first result without "
    "doing the work again; the same key with another request is 409 CONFLICT "
    "(docs/api.md#idempotency).",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[!-~]([ -~]*[!-~])?$",
    },
}
IDEMPOTENCY_CONFLICT = (
    "The Idempotency-Key was used with a different request in the last 24 h, or its first "
    "request is still in progress (retry in a few seconds)."
)


def refusal(status: int, description: str) -> Schema:
    """An error answer in the one REST dialect (``kit/responses.py``)."""
    headers: dict[str, Schema] = {"X-Request-ID": REQUEST_ID_REF}
    if status != 401:
        headers.update(_RATE_LIMIT_REFS)
    if status == 429:
        headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def answer(description: str, content: dict[str, Schema], headers: Schema | None = None) -> Schema:
    """A success: ``content`` maps each media type to its schema."""
    return {
        "description": description,
        "headers": {"X-Request-ID": REQUEST_ID_REF, **_RATE_LIMIT_REFS, **(headers or {})},
        "content": {media: {"schema": schema} for media, schema in content.items()},
    }


def responses(success: dict[str, Schema], **refusals: str) -> dict[str, Schema]:
    """The success answers, the route's own refusals (``_400="why"``), then the ones every
    authenticated route has; sorted by status so the document is stable."""
    found: dict[str, Schema] = dict(success)
    for key, why in {**_COMMON, **{k.lstrip("_"): v for k, v in refusals.items()}}.items():
        found[key] = refusal(int(key), why)
    return dict(sorted(found.items()))


def security(*, writes: bool) -> list[dict[str, list[str]]]:
    """A bearer API token, or the session cookie; a cookie request that changes something
    must also echo the CSRF cookie in ``X-CSRF-Token`` (identity/authn.py)."""
    cookie: dict[str, list[str]] = {"sessionCookie": []}
    if writes:
        cookie["csrfHeader"] = []
    return [{"bearerToken": []}, cookie]
