"""The process's Redis client: a burst past its connections waits for one (bounded by
``PHANTOM_REDIS_POOL_TIMEOUT_SECONDS``) instead of failing at once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from phantom.kit import redis as kit_redis


@asynccontextmanager
async def both_connections_busy(
    monkeypatch: pytest.MonkeyPatch, timeout: float, busy_seconds: float
) -> AsyncIterator[Redis]:
    """The process's client with a pool of 2, both held by BLPOPs on an empty list."""
    patched = kit_redis.settings.model_copy(
        update={"REDIS_MAX_CONNECTIONS": 2, "REDIS_POOL_TIMEOUT_SECONDS": timeout}
    )
    monkeypatch.setattr(kit_redis, "settings", patched)
    client = kit_redis._client()
    empty = f"phantom:test-pool:{uuid.uuid4().hex}"
    busy = [asyncio.create_task(client.blpop([empty], timeout=busy_seconds)) for _ in range(2)]
    try:
        await asyncio.sleep(0.1)
        yield client
        assert await asyncio.gather(*busy) == [None, None]
    finally:
        await client.aclose()


async def test_a_call_past_the_pool_waits_for_a_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with both_connections_busy(monkeypatch, timeout=5, busy_seconds=0.5) as client:
        started = time.monotonic()
        assert await client.ping() is True  # served once a BLPOP gave its connection back
        assert time.monotonic() - started >= 0.2


async def test_a_call_gives_up_after_the_pool_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    async with both_connections_busy(monkeypatch, timeout=0.3, busy_seconds=1) as client:
        started = time.monotonic()
        with pytest.raises(RedisConnectionError, match="No connection available"):
            await client.ping()
        assert 0.25 <= time.monotonic() - started < 1.5
