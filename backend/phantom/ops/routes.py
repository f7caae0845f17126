"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from phantom.config import settings
from phantom.db import get_engine
from phantom.kit import crypto
from phantom.kit.redis import get_redis

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 2.0


async def healthz(request: Request) -> Response:
    """The process is up and serving; says nothing about its dependencies."""
    return JSONResponse({"status": "ok"})


async def _database() -> None:
    async with get_engine().connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _redis() -> str:
    redis = get_redis()
    if redis is None:
        return "embedded"  # standalone: in-process queue and events
    await redis.ping()
    return "ok"


async def _database_ok() -> str:
    await _database()
    return "ok"


async def _kms() -> str:
    """The master key that seals can be had now: past its cache lifetime that is a KMS
    Decrypt, so an unreachable, denied or disabled KMS key makes the process unready."""
    await asyncio.to_thread(crypto.current_key_id)
    return "ok"


async def readyz(request: Request) -> Response:
    """Ready to take traffic: the database, (when configured) Redis, and (with
    ``PHANTOM_KEY_PROVIDER=aws-kms``) the master key through KMS answer."""
    checks = {}
    probes = [("database", _database_ok), ("redis", _redis)]
    if settings.KEY_PROVIDER == "aws-kms":
        probes.append(("kms", _kms))
    for name, check in probes:
        try:
            checks[name] = await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except Exception as error:
            log.warning("readiness check failed", extra={"check": name, "error": repr(error)})
            checks[name] = "unavailable"
    ready = "unavailable" not in checks.values()
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
