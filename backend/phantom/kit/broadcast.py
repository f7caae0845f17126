"""Process-wide invalidation messages: "the policy changed", "forget this credential".

Every API and worker process listens on one Redis channel in a daemon thread, so a change
made by one process reaches the caches of all of them within milliseconds. Callbacks run
on that thread: they must only flip flags or replace references (thread-safe under the
GIL), never touch an event loop's objects. After a reconnect every callback is called
with ``{"kind": "*"}``, because messages sent while disconnected are lost.

Without Redis (standalone: one process) ``publish`` only calls the local callbacks.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.exceptions import RedisError

from phantom.config import settings

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 1.0

Message = dict[str, Any]
Callback = Callable[[Message], None]


def channel_name(redis_url: str) -> str:
    """Redis pub/sub ignores the database number, so the channel carries it: deployments
    (and test runs) sharing one Redis server on different databases never hear each
    other's invalidations."""
    database = urlsplit(redis_url).path.strip("/") or "0"
    return f"phantom:broadcast:{database}"


class Broadcast:
    def __init__(self) -> None:
        self._callbacks: dict[str, list[Callback]] = defaultdict(list)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._client: redis.Redis | None = None
        self._lock = threading.Lock()
        self._origin = uuid.uuid4().hex  # our own messages come back: already handled

    def on(self, kind: str, callback: Callback) -> None:
        """Call ``callback`` for every message of ``kind`` (and after reconnects)."""
        self._callbacks[kind].append(callback)

    def publish(self, message: Message) -> None:
        """Deliver to this process at once, and to every other process through Redis."""
        self._dispatch(message)
        if not settings.REDIS_URL:
            return
        try:
            self._sync_client().publish(
                channel_name(str(settings.REDIS_URL)),
                json.dumps({**message, "origin": self._origin}),
            )
        except RedisError:
            # the periodic reload is the backstop; the change itself is committed
            log.exception("could not broadcast %s", message.get("kind"))

    def start(self) -> None:
        """Start listening (idempotent). No-op without Redis."""
        with self._lock:
            if not settings.REDIS_URL or (self._thread and self._thread.is_alive()):
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._listen, name="phantom-broadcast")
            self._thread.daemon = True
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _sync_client(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(
                str(settings.REDIS_URL), socket_timeout=2, socket_connect_timeout=2
            )
        return self._client

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                client = redis.Redis.from_url(str(settings.REDIS_URL), socket_connect_timeout=2)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(channel_name(str(settings.REDIS_URL)))
                self._dispatch({"kind": "*"})  # anything sent before now may be missed
                while not self._stop.is_set():
                    raw = pubsub.get_message(timeout=1.0)
                    if raw is not None and raw.get("type") == "message":
                        message = json.loads(raw["data"])
                        if message.get("origin") != self._origin:
                            self._dispatch(message)
                pubsub.close()
                client.close()
            except (RedisError, OSError, ValueError):
                log.warning("broadcast listener reconnecting", exc_info=True)
                time.sleep(RECONNECT_SECONDS)

    def _dispatch(self, message: Message) -> None:
        kind = message.get("kind")
        kinds = list(self._callbacks) if kind == "*" else [str(kind)]
        for name in kinds:
            for callback in self._callbacks.get(name, []):
                try:
                    callback(message)
                except Exception:
                    log.exception("broadcast callback failed for %s", name)


broadcast = Broadcast()
