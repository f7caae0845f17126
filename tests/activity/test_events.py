"""Tenant-scoped events: systematic isolation over both backends."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict
from typing import Any

import pytest

from phantom.kit.events import Event, EventBus, InMemoryEventBus, RedisEventBus, channel


@pytest.fixture(params=["memory", "redis"])
def bus(request: pytest.FixtureRequest) -> EventBus:
    return InMemoryEventBus() if request.param == "memory" else RedisEventBus()


async def collect(
    bus: EventBus,
    tenant_id: uuid.UUID,
    ready: asyncio.Event,
    sink: list[Event],
    topics: set[str] | None = None,
) -> None:
    async with bus.subscribe(tenant_id, topics) as stream:
        ready.set()
        async for event in stream:
            sink.append(event)


async def test_events_never_cross_tenants(bus: EventBus) -> None:
    # given: several tenants, each with two subscribers
    tenants = [uuid.uuid4() for _ in range(5)]
    received: dict[tuple[uuid.UUID, int], list[Event]] = defaultdict(list)
    tasks, readies = [], []
    for tenant in tenants:
        for n in range(2):
            ready = asyncio.Event()
            readies.append(ready)
            tasks.append(asyncio.create_task(collect(bus, tenant, ready, received[tenant, n])))
    await asyncio.gather(*(r.wait() for r in readies))
    # when: a random interleaving of events for every tenant
    rng = random.Random(7)
    sent: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for i in range(100):
        tenant = rng.choice(tenants)
        payload = {"i": i, "owner": str(tenant)}
        sent[tenant].append(payload)
        await bus.publish(tenant, "test.event", payload)

    # then: each subscriber gets exactly its tenant's events, in order
    async def settled() -> None:
        while sum(len(v) for v in received.values()) < 2 * 100:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(settled(), 10)
    for (tenant, _), events in received.items():
        assert [e.payload for e in events] == sent[tenant]
        assert all(e.tenant_id == tenant for e in events)
    for task in tasks:
        task.cancel()


async def test_topic_filter(bus: EventBus) -> None:
    tenant = uuid.uuid4()
    ready, sink = asyncio.Event(), []
    task = asyncio.create_task(collect(bus, tenant, ready, sink, {"job.progress"}))
    await ready.wait()
    await bus.publish(tenant, "other.topic", {"n": 1})
    await bus.publish(tenant, "job.progress", {"n": 2})
    await bus.publish(tenant, "job.progress", {"n": 3})
    # one channel, in order: once 3 is here, anything sent before it has been delivered
    await asyncio.wait_for(_until(lambda: len(sink) >= 2), 5)
    assert [e.payload for e in sink] == [{"n": 2}, {"n": 3}]
    task.cancel()


async def test_redis_drops_forged_messages_on_the_tenant_channel() -> None:
    """A message on tenant A's channel that claims tenant B (or is garbage) is dropped."""
    from phantom.kit.redis import get_redis

    bus, tenant, intruder = RedisEventBus(), uuid.uuid4(), uuid.uuid4()
    ready, sink = asyncio.Event(), []
    task = asyncio.create_task(collect(bus, tenant, ready, sink))
    await ready.wait()
    redis = get_redis()
    assert redis is not None
    forged = Event(tenant_id=intruder, topic="x", payload={"forged": True}).to_json()
    await redis.publish(channel(tenant), forged)
    await redis.publish(channel(tenant), "{not json")
    await bus.publish(tenant, "x", {"real": True})
    await asyncio.wait_for(_until(lambda: len(sink) == 1), 5)
    assert [e.payload for e in sink] == [{"real": True}]
    task.cancel()


async def test_in_memory_bus_delivers_across_threads() -> None:
    """The standalone worker publishes from its own event loop thread."""
    bus, tenant = InMemoryEventBus(), uuid.uuid4()
    ready, sink = asyncio.Event(), []
    task = asyncio.create_task(collect(bus, tenant, ready, sink))
    await ready.wait()
    await asyncio.to_thread(lambda: asyncio.run(bus.publish(tenant, "x", {"from": "thread"})))
    await asyncio.wait_for(_until(lambda: len(sink) == 1), 5)
    assert sink[0].payload == {"from": "thread"}
    task.cancel()


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.01)


async def test_one_redis_subscription_per_tenant_per_process() -> None:
    from phantom.kit.redis import get_redis

    bus, tenants = RedisEventBus(), [uuid.uuid4() for _ in range(3)]
    redis = get_redis()
    assert redis is not None
    tasks, readies = [], []
    for tenant in tenants:
        for _ in range(4):
            ready = asyncio.Event()
            readies.append(ready)
            tasks.append(asyncio.create_task(collect(bus, tenant, ready, [])))
    await asyncio.gather(*(r.wait() for r in readies))
    counts = await redis.pubsub_numsub(*(channel(t) for t in tenants))
    assert [n for _, n in counts] == [1, 1, 1], "twelve subscribers, three subscriptions"
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    async def subscriptions() -> list[int]:
        return [n for _, n in await redis.pubsub_numsub(*(channel(t) for t in tenants))]

    deadline = asyncio.get_running_loop().time() + 10
    while (counts := await subscriptions()) != [0, 0, 0]:
        assert asyncio.get_running_loop().time() < deadline, (
            f"still subscribed after the last one left: {counts}"
        )
        await asyncio.sleep(0.05)


async def test_subscribers_survive_a_dropped_redis_connection() -> None:
    from phantom.kit.redis import get_redis

    bus, tenant = RedisEventBus(), uuid.uuid4()
    redis = get_redis()
    assert redis is not None
    ready, sink = asyncio.Event(), []
    task = asyncio.create_task(collect(bus, tenant, ready, sink))
    await ready.wait()
    await redis.client_kill_filter(_type="pubsub")  # as if the network or Redis blinked
    for _ in range(50):  # pub/sub keeps nothing while reconnecting: publish until heard
        await bus.publish(tenant, "after.reconnect", {})
        if sink:
            break
        await asyncio.sleep(0.2)
    assert sink, "the subscription came back"
    assert sink[0].topic == "after.reconnect"
    task.cancel()
