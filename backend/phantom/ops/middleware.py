"""Pure ASGI middleware: request ids, access metrics, security headers (body limits:
``ops/bodies.py``)."""

from __future__ import annotations

import itertools
import re
import secrets
import time
from functools import lru_cache
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phantom.kit.logging import client_ip_var, request_id_var, tenant_id_var
from phantom.kit.ratelimit import current_quota, rate_limit_headers

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
KNOWN_PREFIXES = ("/graphql", "/auth", "/api", "/healthz", "/readyz", "/metrics")

HTTP_REQUESTS = Counter(
    "phantom_http_requests_total", "HTTP requests", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "phantom_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)


@lru_cache(maxsize=1024)
def _children(method: str, route: str, status: int) -> tuple[Any, Any]:
    """Label lookups cost more than the increments; bounded label sets make this safe."""
    return HTTP_REQUESTS.labels(method, route, str(status)), HTTP_LATENCY.labels(method, route)


def _count(method: str, route: str, status: int, seconds: float) -> None:
    counter, histogram = _children(method, route, status)
    counter.inc()
    histogram.observe(seconds)


def route_label(path: str) -> str:
    """Bounded label values: a path's first segment, never ids."""
    return next((p for p in KNOWN_PREFIXES if path.startswith(p)), "/spa")


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def raw_header(scope: Scope, name: bytes) -> str | None:
    """One header from the raw ASGI list (cheaper than building a ``Headers``)."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


_ID_PREFIX = secrets.token_hex(8)  # per process
_ID_COUNTER = itertools.count()


def new_request_id() -> str:
    """32 hex digits, unique per process and across processes (a random prefix, then a
    counter): request ids need uniqueness, not secrecy, and a system call per request
    (``secrets.token_hex``) was 3 % of a warm predict call."""
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFFFFFFFFFF:016x}"


class RequestContext:
    """Assigns a request id (honouring a sane ``X-Request-ID``), returns it with the
    security headers and, once the request was charged to a rate limit, the
    ``RateLimit-*`` headers (``kit/ratelimit.py``), and records the request's count and
    latency. One middleware for all of it: each layer costs on every request."""

    def __init__(self, app: ASGIApp, route: str | None = None) -> None:
        """``route``: the metrics label of every request this app sees (the hot paths
        have one), else chosen per request from its path."""
        self.app = app
        self.route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = raw_header(scope, b"x-request-id") or ""
        request_id = given if REQUEST_ID_RE.fullmatch(given) else new_request_id()
        extra_headers = [(b"x-request-id", request_id.encode()), *SECURITY_HEADERS]
        request_id_var.set(request_id)
        tenant_id_var.set(None)
        current_quota.set(None)
        client = scope.get("client")
        client_ip_var.set(client[0] if client else None)
        method = scope.get("method", "WS")
        route = self.route or route_label(scope["path"])
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra_headers]
                quota = current_quota.get()
                if quota is not None:  # a charged request: what is left of its limit
                    message["headers"].extend(rate_limit_headers(quota))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if scope["type"] == "http":
                _count(method, route, status, time.perf_counter() - started)
