"""Clients that send a large body the way an attacker does, and measure what the server
took: a raw socket (chunked or with any ``Content-Length``) that stops sending as soon
as the server answers, and an ASGI call whose ``receive`` counts the bytes consumed."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message

JSON_HEAD = b'{"query": "{ __typename }", "variables": {"x": "'
JSON_TAIL = b'"}}'


def json_body(total: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """A valid GraphQL-over-JSON document of about ``total`` bytes, in chunks, never
    held whole in memory."""
    yield JSON_HEAD
    filler = b"a" * chunk
    for _ in range(max(0, total // chunk)):
        yield filler
    yield JSON_TAIL


@dataclass
class Streamed:
    status: int | None  # None: the server closed without answering
    sent: int  # body bytes the client managed to hand to the kernel
    finished: bool  # True: the whole body went out before any answer
    head: bytes = b""


def stream_post(
    url: str,
    path: str,
    headers: dict[str, str],
    body: Iterator[bytes],
    content_length: int | None = None,
    timeout: float = 60,
) -> Streamed:
    """POST ``body`` chunked (or with the given, possibly false, ``Content-Length``),
    checking before every chunk whether the server has already answered."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    framing = (
        "Transfer-Encoding: chunked"
        if content_length is None
        else f"Content-Length: {content_length}"
    )
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", framing, "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    sock = socket.create_connection((host, port), timeout=timeout)
    sent, finished = 0, False
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        sock.setblocking(False)
        pending = b""
        chunks = iter(body)
        while True:
            readable, writable, _ = select.select([sock], [sock], [], timeout)
            if readable:
                break
            if not writable:
                raise TimeoutError("the server neither read nor answered")
            if not pending:
                data = next(chunks, None)
                if data is None:
                    finished = True
                    pending = b"0\r\n\r\n" if content_length is None else b""
                    _send_all(sock, pending, timeout)
                    break
                sent += len(data)
                pending = data if content_length is not None else _frame(data)
            try:
                pending = pending[sock.send(pending) :]
            except (BrokenPipeError, ConnectionResetError):
                break
        return _answer(sock, sent, finished, timeout)
    finally:
        sock.close()


def _frame(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _send_all(sock: socket.socket, data: bytes, timeout: float) -> None:
    while data:
        select.select([], [sock], [], timeout)
        try:
            data = data[sock.send(data) :]
        except (BrokenPipeError, ConnectionResetError):
            return


def _answer(sock: socket.socket, sent: int, finished: bool, timeout: float) -> Streamed:
    sock.setblocking(True)
    sock.settimeout(timeout)
    head = b""
    try:
        while b"\r\n\r\n" not in head:
            data = sock.recv(65536)
            if not data:
                break
            head += data
    except (ConnectionResetError, TimeoutError):
        pass
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else None
    return Streamed(status, sent, finished, head)


def peak_rss_bytes(pid: int) -> int:
    """The process's resident-memory high-water mark (Linux ``VmHWM``)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM")


@dataclass
class AsgiAnswer:
    status: int
    body: bytes
    consumed: int  # body bytes the application pulled through ``receive``
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


async def asgi_post(
    app: ASGIApp,
    path: str,
    headers: dict[str, str],
    body: Iterator[bytes],
    method: str = "POST",
) -> AsgiAnswer:
    """One request straight into the ASGI app, its body pulled chunk by chunk: the
    count says how much the app read before it answered."""
    consumed = 0
    chunks = iter(body)
    pending = next(chunks, None)
    messages: list[Message] = []

    async def receive() -> Message:
        nonlocal consumed, pending
        if pending is None:
            return {"type": "http.disconnect"}
        data, pending = pending, next(chunks, None)
        consumed += len(data)
        return {"type": "http.request", "body": data, "more_body": pending is not None}

    async def send(message: Message) -> None:
        messages.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return AsgiAnswer(start["status"], content, consumed, list(start.get("headers", [])))
