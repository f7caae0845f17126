from __future__ import annotations

from redis.asyncio import Redis

from phantom.config import settings
from phantom.kit.loops import PerLoop


def _client() -> Redis:
    if not settings.REDIS_URL:
        raise RuntimeError("PHANTOM_REDIS_URL is not set")
    return Redis.from_url(settings.REDIS_URL, decode_responses=True, health_check_interval=30)


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
