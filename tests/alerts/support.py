"""Signals as monitoring sends them, a real HTTP receiver on 127.0.0.1 for webhooks, and
an alert opened the way production opens one (``alerts.service.evaluate``)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from phantom.alerts.service import evaluate
from phantom.db import transaction
from phantom.monitoring.types import Signal, SignalKind

START = datetime(2026, 12, 1, tzinfo=UTC)


def signal(
    kind: SignalKind,
    value: float,
    hour: int = 0,
    *,
    feature: str | None = None,
    metric: str | None = None,
    reference: float | None = None,
    window: str = "HOUR",
) -> Signal:
    return Signal(
        kind=kind,
        value=value,
        window_start=START + timedelta(hours=hour),
        window=window,
        feature=feature,
        metric=metric,
        reference=reference,
    )


async def judge(tenant_id: uuid.UUID, version_id: uuid.UUID, signals: list[Signal]) -> None:
    """What monitoring does after a refresh: evaluate in its own transaction."""
    async with transaction(tenant_id) as session:
        await evaluate(session, tenant_id, version_id, signals)


async def open_drift_alert(tenant_id: uuid.UUID, version_id: uuid.UUID, feature: str) -> None:
    await judge(tenant_id, version_id, [signal(SignalKind.FEATURE_DRIFT, 0.6, feature=feature)])


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook receiver: answers its first ``failures`` requests with ``failure``
    (500, or a redirect to ``location``), then 200; ``delay`` seconds before answering."""

    failures: int = 0
    failure: int = 500
    location: str | None = None
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@contextmanager
def receiver(
    failures: int = 0, failure: int = 500, location: str | None = None, delay: float = 0.0
) -> Iterator[Receiver]:
    state = Receiver(failures=failures, failure=failure, location=location, delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            state.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if state.delay:
                time.sleep(state.delay)
            status = state.failure if len(state.received) <= state.failures else 200
            try:
                self.send_response(status)
                if status != 200 and state.location:
                    self.send_header("location", state.location)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def gql_ascii(
    client: Any, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    """A GraphQL call whose JSON escapes everything non-ASCII (``\\ud800``: a lone
    surrogate, which httpx's own encoder cannot send)."""
    import json

    response = await client.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables}).encode(),
        headers={**headers, "Content-Type": "application/json"},
    )
    body: dict[str, Any] = response.json()
    return body
