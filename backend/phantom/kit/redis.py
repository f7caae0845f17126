from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from phantom.config import settings
from phantom.kit.errors import Unavailable
from phantom.kit.loops import PerLoop

log = logging.getLogger(__name__)

# connecting, and waiting for an answer: a Redis that accepts and never answers (a
# failover's old address, a partition) fails a call within this, not never (finding
# W10-1); the product's commands are short, none blocks on the server
SOCKET_TIMEOUT_SECONDS = 2.0


def _client() -> Redis:
    """A bounded pool that waits: a burst of Redis calls past
    ``PHANTOM_REDIS_MAX_CONNECTIONS`` queues for a connection for up to
    ``PHANTOM_REDIS_POOL_TIMEOUT_SECONDS`` (then ``redis.ConnectionError``). redis-py's
    default pool raises at once past 100, failing every Redis user of the process while
    a burst lasts (300 credentials' first requests at once did)."""
    if not settings.REDIS_URL:
        raise RuntimeError("PHANTOM_REDIS_URL is not set")
    pool = BlockingConnectionPool.from_url(
        settings.REDIS_URL,
        max_connections=settings.REDIS_MAX_CONNECTIONS,
        timeout=settings.REDIS_POOL_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        decode_responses=True,
        health_check_interval=30,
    )
    return Redis.from_pool(pool)  # closing the client closes its pool


_clients: PerLoop[Redis] = PerLoop(_client)


def get_redis() -> Redis | None:
    """The loop's client, or None in embedded mode (no ``PHANTOM_REDIS_URL``)."""
    return _clients.get() if settings.REDIS_URL else None


def require_redis() -> Redis:
    """For components that only exist with Redis (the Redis event bus)."""
    return _clients.get()


async def close_redis() -> None:
    client = _clients.pop() if settings.REDIS_URL else None
    if client is not None:
        await client.aclose()


@contextmanager
def unavailable_without_redis(
    message: str = "Limits cannot be checked right now; retry in a few seconds.",
) -> Iterator[None]:
    """What needs Redis and cannot reach it (unreachable, silent past its socket timeout,
    or no pool connection free in time) refuses the request 503 UNAVAILABLE, to retry:
    never served unchecked, never a 500."""
    try:
        yield
    except RedisError as error:
        log.warning("redis unavailable: %r", error)
        raise Unavailable(message) from None
