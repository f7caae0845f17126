"""Tenant-scoped publish/subscribe for progress, job state and alerts.

A subscriber names its tenant and only ever receives that tenant's events: with Redis
each tenant has its own channel (``phantom:events:<tenant_id>``) and every message is
checked again on arrival; in memory, subscribers are kept per tenant.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from phantom.kit.loops import PerLoop
from phantom.kit.redis import require_redis

log = logging.getLogger(__name__)
T = TypeVar("T")
SUBSCRIBE_TIMEOUT = 5.0
QUEUE_SIZE = 1000  # a subscriber this far behind loses the oldest events, never blocks


@dataclass(frozen=True, slots=True)
class Event:
    tenant_id: uuid.UUID
    topic: str
    payload: dict[str, Any]
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_json(self) -> str:
        return json.dumps(
            {
                "tenant_id": str(self.tenant_id),
                "topic": self.topic,
                "payload": self.payload,
                "occurred_at": self.occurred_at.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, raw: str) -> Event:
        data = json.loads(raw)
        return cls(
            tenant_id=uuid.UUID(data["tenant_id"]),
            topic=data["topic"],
            payload=data["payload"],
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
        )


class EventBus(Protocol):
    async def publish(self, tenant_id: uuid.UUID, topic: str, payload: dict[str, Any]) -> None: ...

    def subscribe(
        self, tenant_id: uuid.UUID, topics: Collection[str] | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """Once entered, the subscription is live: nothing published later is missed."""
        ...


def _wanted(event: Event, tenant_id: uuid.UUID, topics: Collection[str] | None) -> bool:
    return event.tenant_id == tenant_id and (not topics or event.topic in topics)


class _LocalQueue:
    """A bounded queue fed from any thread (the standalone worker runs its own loop)."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)

    def put_threadsafe(self, event: Event) -> None:
        self.loop.call_soon_threadsafe(self.put, event)

    def put(self, event: Event) -> None:
        """From the queue's own loop."""
        if self.queue.full():
            self.queue.get_nowait()
            log.warning("event subscriber too slow; dropped the oldest event")
        self.queue.put_nowait(event)


class InMemoryEventBus:
    """One process: ``phantom standalone`` and unit tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: defaultdict[uuid.UUID, set[_LocalQueue]] = defaultdict(set)

    async def publish(self, tenant_id: uuid.UUID, topic: str, payload: dict[str, Any]) -> None:
        event = Event(tenant_id=tenant_id, topic=topic, payload=payload)
        with self._lock:
            targets = list(self._subscribers.get(tenant_id, ()))
        for target in targets:
            target.put_threadsafe(event)

    @asynccontextmanager
    async def subscribe(
        self, tenant_id: uuid.UUID, topics: Collection[str] | None = None
    ) -> AsyncIterator[AsyncIterator[Event]]:
        local = _LocalQueue()
        with self._lock:
            self._subscribers[tenant_id].add(local)
        try:
            yield _drain(local, tenant_id, topics)
        finally:
            with self._lock:
                self._subscribers[tenant_id].discard(local)
                if not self._subscribers[tenant_id]:
                    del self._subscribers[tenant_id]


async def _drain(
    local: _LocalQueue, tenant_id: uuid.UUID, topics: Collection[str] | None
) -> AsyncIterator[Event]:
    while True:
        event = await local.queue.get()
        if _wanted(event, tenant_id, topics):
            yield event


def channel(tenant_id: uuid.UUID) -> str:
    return f"phantom:events:{tenant_id}"


class _RedisHub:
    """One Redis connection per process (per event loop) carries every subscription of
    that process: a tenant's channel is subscribed while at least one local subscriber
    wants it, and each message is fanned out to that tenant's local queues only."""

    def __init__(self) -> None:
        self.pubsub: PubSub = require_redis().pubsub()
        self.local: defaultdict[uuid.UUID, set[_LocalQueue]] = defaultdict(set)
        self.confirmations: dict[str, asyncio.Event] = {}
        self.lock = asyncio.Lock()
        self.listener: asyncio.Task[None] | None = None

    async def add(self, tenant_id: uuid.UUID, local: _LocalQueue) -> None:
        async with self.lock:
            self.local[tenant_id].add(local)
            if len(self.local[tenant_id]) > 1:
                return
            name = channel(tenant_id)
            confirmed = self.confirmations[name] = asyncio.Event()
            await self.pubsub.subscribe(name)
            if self.listener is None or self.listener.done():
                self.listener = asyncio.create_task(self._listen(), name="phantom-events")
            try:
                await asyncio.wait_for(confirmed.wait(), SUBSCRIBE_TIMEOUT)
            except TimeoutError:
                raise TimeoutError("Redis did not confirm the event subscription") from None
            finally:
                self.confirmations.pop(name, None)

    async def remove(self, tenant_id: uuid.UUID, local: _LocalQueue) -> None:
        async with self.lock:
            self.local[tenant_id].discard(local)
            if not self.local[tenant_id]:
                del self.local[tenant_id]
                try:
                    await self.pubsub.unsubscribe(channel(tenant_id))
                except (OSError, RedisError) as error:  # re-subscription skips it anyway
                    log.warning("could not unsubscribe from events: %r", error)

    async def _listen(self) -> None:
        task = asyncio.current_task()
        while True:
            if task is not None and task.cancelling():
                # a cancellation a read turned into an error (or swallowed) still ends
                # this loop: a loop closing at shutdown must not wait for it forever
                raise asyncio.CancelledError
            try:
                message = await self.pubsub.get_message(timeout=1.0)
            except (ConnectionError, OSError, RedisError) as error:
                # redis-py reconnects and re-subscribes on the next read; events published
                # meanwhile are lost (pub/sub keeps nothing), as for any subscriber
                log.warning("event subscription connection lost: %r", error)
                await asyncio.sleep(1.0)
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind, name = message.get("type"), message.get("channel")
        if kind == "subscribe" and name in self.confirmations:
            self.confirmations[name].set()
        if kind != "message":
            return
        try:
            event = Event.from_json(message["data"])
        except (ValueError, KeyError, TypeError):
            log.warning("malformed event on %s ignored", name)
            return
        if name != channel(event.tenant_id):
            log.warning("event for another tenant on %s dropped", name)
            return
        for local in self.local.get(event.tenant_id, ()):
            local.put(event)


class RedisEventBus:
    """Across processes: the worker publishes, any API process delivers."""

    def __init__(self) -> None:
        self._hubs: PerLoop[_RedisHub] = PerLoop(_RedisHub)

    async def publish(self, tenant_id: uuid.UUID, topic: str, payload: dict[str, Any]) -> None:
        event = Event(tenant_id=tenant_id, topic=topic, payload=payload)
        await require_redis().publish(channel(tenant_id), event.to_json())

    @asynccontextmanager
    async def subscribe(
        self, tenant_id: uuid.UUID, topics: Collection[str] | None = None
    ) -> AsyncIterator[AsyncIterator[Event]]:
        hub = self._hubs.get()
        local = _LocalQueue()
        await hub.add(tenant_id, local)
        try:
            yield _drain(local, tenant_id, topics)
        finally:
            await asyncio.shield(hub.remove(tenant_id, local))


_in_memory = InMemoryEventBus()
_redis_bus = RedisEventBus()


def get_event_bus() -> EventBus:
    from phantom.config import settings

    return _redis_bus if settings.REDIS_URL else _in_memory


async def checked_every(
    stream: AsyncIterator[T], interval: float, check: Callable[[], Awaitable[None]]
) -> AsyncIterator[T]:
    """Relay ``stream`` until it ends, awaiting ``check`` every ``interval`` seconds
    whether or not items flow (a busy stream must not escape the check); ``check``
    raises to end the stream. The pending read is never cancelled mid-way, which would
    close the underlying generator."""
    loop = asyncio.get_running_loop()
    pending: asyncio.Future[T] = asyncio.ensure_future(anext(stream))
    next_check = loop.time() + interval
    try:
        while True:
            done, _ = await asyncio.wait({pending}, timeout=max(next_check - loop.time(), 0))
            if loop.time() >= next_check:
                await check()  # before relaying: nothing is sent past a failed check
                next_check = loop.time() + interval
            if not done:
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                return
            pending = asyncio.ensure_future(anext(stream))
            yield event
    finally:
        pending.cancel()


_in_flight: set[asyncio.Task[None]] = set()


def publish_on_commit(
    session: Any, tenant_id: uuid.UUID, topic: str, payload: dict[str, Any]
) -> None:
    """Publish once the session's transaction commits (never for a rolled-back change).
    Delivery is best effort, like every event: state lives in the database."""
    from phantom.kit.transactions import on_commit

    def publish() -> None:
        task = asyncio.get_running_loop().create_task(
            get_event_bus().publish(tenant_id, topic, payload)
        )
        _in_flight.add(task)
        task.add_done_callback(_published)

    on_commit(session, publish)


def _published(task: asyncio.Task[None]) -> None:
    """Best effort: an event lost to a Redis restart is a warning, not an error."""
    _in_flight.discard(task)
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("event not published: %s", error)
