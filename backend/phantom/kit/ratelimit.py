"""Counting failures in a fixed window: Redis when configured (shared by every API
process), else this process's memory (standalone has one process)."""

from __future__ import annotations

import time

from phantom.kit.redis import get_redis


class FailureCounter:
    def __init__(self, namespace: str, limit: int, window_seconds: int) -> None:
        self.namespace = namespace
        self.limit = limit
        self.window = window_seconds
        self._memory: dict[str, tuple[int, float]] = {}

    async def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when under the limit."""
        redis = get_redis()
        if redis is not None:
            name = f"{self.namespace}:{key}"
            count, ttl = await redis.get(name), await redis.ttl(name)
            return max(int(ttl), 1) if int(count or 0) >= self.limit else 0
        failures, expires = self._memory.get(key, (0, 0.0))
        remaining = expires - time.monotonic()
        return max(int(remaining), 1) if failures >= self.limit and remaining > 0 else 0

    async def fail(self, key: str) -> None:
        redis = get_redis()
        if redis is not None:
            name = f"{self.namespace}:{key}"
            async with redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, self.window, nx=True)
                await pipe.execute()
            return
        count, expires = self._memory.get(key, (0, 0.0))
        now = time.monotonic()
        if expires <= now:
            count, expires = 0, now + self.window
        self._memory[key] = (count + 1, expires)
        if len(self._memory) > 100_000:  # bound memory under a spray of keys
            self._memory = {k: v for k, v in self._memory.items() if v[1] > now}

    async def reset(self, key: str) -> None:
        redis = get_redis()
        if redis is not None:
            await redis.delete(f"{self.namespace}:{key}")
        else:
            self._memory.pop(key, None)
