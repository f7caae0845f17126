"""Rate limits: failures in a fixed window (sign-ins) and requests per minute (GCRA).
Redis when configured (shared by every API process), else this process's memory
(standalone has one process)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

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

    async def fail(self, key: str) -> int:
        """Count one failure; returns the failures of ``key`` in the current window."""
        redis = get_redis()
        if redis is not None:
            name = f"{self.namespace}:{key}"
            async with redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, self.window, nx=True)
                counted, _ = await pipe.execute()
            return int(counted)
        count, expires = self._memory.get(key, (0, 0.0))
        now = time.monotonic()
        if expires <= now:
            count, expires = 0, now + self.window
        self._memory[key] = (count + 1, expires)
        if len(self._memory) > 100_000:  # bound memory under a spray of keys
            self._memory = {k: v for k, v in self._memory.items() if v[1] > now}
        return count + 1

    async def reset(self, key: str) -> None:
        redis = get_redis()
        if redis is not None:
            await redis.delete(f"{self.namespace}:{key}")
        else:
            self._memory.pop(key, None)


# GCRA (the generic cell rate algorithm, as in Redis-cell and Stripe's limiter): each key
# stores a "theoretical arrival time"; a request is allowed while it stays within the
# burst window. All keys (credential and tenant) are checked and charged in one atomic
# script. A call may reserve ``cost`` requests at once (a lease the process then serves
# locally), falling back to one; nothing is charged when a key refuses.
_GCRA = """
local now = tonumber(ARGV[1])
local function try(n)
  local tats = {}
  for i = 1, #KEYS do
    local interval = tonumber(ARGV[i * 2 + 1])
    local window = tonumber(ARGV[i * 2 + 2])
    local tat = tonumber(redis.call('GET', KEYS[i]) or now)
    if tat < now then tat = now end
    local new_tat = tat + interval * n
    if new_tat - now > window then
      return nil, new_tat - now - window
    end
    tats[i] = new_tat
  end
  return tats, 0
end
local granted = tonumber(ARGV[2])
local tats, wait = try(granted)
if not tats and granted > 1 then
  granted = 1
  tats, wait = try(1)
end
if not tats then
  return {0, math.ceil(wait)}
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], tats[i], 'PX', math.ceil(tats[i] - now) + 1000)
end
return {granted, 0}
"""
LEASE_MAX = 50
LEASE_SECONDS = 1.0


class RequestLimiter:
    """Requests per minute per key, with a burst of a tenth of a minute's allowance.

    With Redis, each process reserves a quarter of the burst at a time (at most
    ``LEASE_MAX``) and serves it locally for up to ``LEASE_SECONDS``: one round trip per
    thirty requests at the default limit instead of one per request (a Redis call costs
    more CPU than the rest of a cached ``viewer`` request; docs/benchmarks.md). The error
    is conservative: unused reservations expire, so a client may be refused a little
    early, never served more than its limit."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._memory: dict[str, float] = {}
        self._leases: dict[str, tuple[int, float]] = {}
        # leases whose reservation is in flight: concurrent requests wait for it
        self._reserving: dict[str, asyncio.Future[None]] = {}
        self._script: Any = None

    async def retry_after(self, limits: list[tuple[str, int]]) -> float:
        """Charge one request to every ``(key, per_minute)``; 0 when allowed, else the
        seconds to wait."""
        redis = get_redis()
        if redis is None:
            return self._local(time.time() * 1000, [key for key, _ in limits], _params(limits))
        lease = "|".join(key for key, _ in limits)
        for attempt in range(2):
            remaining, until = self._leases.get(lease, (0, 0.0))
            now = time.monotonic()
            if remaining > 0 and until > now:
                self._leases[lease] = (remaining - 1, until)
                return 0.0
            pending = self._reserving.get(lease)
            if pending is None or attempt:
                break
            # One reservation at a time per lease, and the requests that arrive meanwhile
            # wait for it and share it: with 16 concurrent clients, each charging itself
            # while a lease was renewed cost 16 Redis calls per renewal instead of one.
            # If it brings nothing to share (the limit is near), they charge themselves.
            with contextlib.suppress(Exception):
                await asyncio.shield(pending)
        if self._script is None:
            self._script = redis.register_script(_GCRA)
        reserving = lease not in self._reserving
        cost = min(LEASE_MAX, *(max(per_minute // 40, 1) for _, per_minute in limits))
        keys = [f"{self.namespace}:{key}" for key, _ in limits]
        args = [
            time.time() * 1000,
            cost if reserving else 1,
            *(value for pair in _params(limits) for value in pair),
        ]
        if reserving:
            self._reserving[lease] = asyncio.get_running_loop().create_future()
        try:
            granted, wait = await self._script(keys=keys, args=args)
        finally:
            if reserving:
                self._reserving.pop(lease).set_result(None)
        if not granted:
            return float(wait) / 1000
        if int(granted) > 1:
            if len(self._leases) > 100_000:
                self._leases = {k: v for k, v in self._leases.items() if v[1] > now}
            self._leases[lease] = (int(granted) - 1, now + LEASE_SECONDS)
        return 0.0

    def _local(self, now: float, keys: list[str], params: list[tuple[float, float]]) -> float:
        new_tats = []
        for key, (interval, window) in zip(keys, params, strict=True):
            new_tat = max(self._memory.get(key, now), now) + interval
            if new_tat - now > window:
                return (new_tat - now - window) / 1000
            new_tats.append(new_tat)
        self._memory.update(zip(keys, new_tats, strict=True))
        if len(self._memory) > 100_000:
            self._memory = {k: t for k, t in self._memory.items() if t > now}
        return 0.0


def _params(limits: list[tuple[str, int]]) -> list[tuple[float, float]]:
    """GCRA's emission interval and burst window (ms) per limit: a tenth of a minute's
    allowance may come at once."""
    return [
        (60_000 / per_minute, 60_000 / per_minute * max(per_minute // 10, 1))
        for _, per_minute in limits
    ]
