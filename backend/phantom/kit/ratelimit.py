"""Rate limits: failures in a fixed window (sign-ins) and requests per minute (GCRA).
Redis when configured (shared by every API process), else this process's memory
(standalone has one process)."""

from __future__ import annotations

import asyncio
import math
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, NamedTuple

from phantom.kit.redis import get_redis, unavailable_without_redis


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
            with unavailable_without_redis():
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
            with unavailable_without_redis():
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
            with unavailable_without_redis():
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
-- the tightest key after this call: its index, the requests it still allows at once,
-- and the ms until it is full again (the RateLimit-* headers)
local tightest, left, full = 1, nil, 0
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 2 + 1])
  local window = tonumber(ARGV[i * 2 + 2])
  local tat = tats and tats[i] or math.max(tonumber(redis.call('GET', KEYS[i]) or now), now)
  local n = math.floor((window - (tat - now)) / interval)
  if left == nil or n < left then tightest, left, full = i, n, tat - now end
end
if not tats then
  return {0, math.ceil(wait), tightest, 0, math.ceil(full)}
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], tats[i], 'PX', math.ceil(tats[i] - now) + 1000)
end
return {granted, 0, tightest, math.max(left, 0), math.ceil(full)}
"""
LEASE_MAX = 50
LEASE_SECONDS = 1.0


class Quota(NamedTuple):
    """One charge's outcome, as the IETF RateLimit header fields describe it: of the
    tightest limit (credential or tenant), ``limit`` requests may come at once and refill
    over ``window`` seconds; ``remaining`` may come now; it is full again in ``reset``
    seconds. ``wait`` > 0: refused, retry after that many seconds."""

    wait: float
    limit: int
    remaining: int
    reset: int
    window: int


# The quota of the request being answered (set by ``identity.authn.throttle``), which
# ``ops.middleware.RequestContext`` returns as headers on every answer.
current_quota: ContextVar[Quota | None] = ContextVar("phantom_rate_quota", default=None)


@dataclass(slots=True)
class _Lease:
    remaining: int  # requests reserved in Redis, not yet served (counted down in place)
    until: float
    tightest: int  # which limit was tightest when reserved, and what it allowed besides
    left: int
    full_at: float  # monotonic: when that limit was full again


class RequestLimiter:
    """Requests per minute per key, with a burst of a tenth of a minute's allowance.

    With Redis, each process reserves a quarter of the burst at a time (at most
    ``LEASE_MAX``) and serves it locally for up to ``LEASE_SECONDS``: one round trip per
    thirty requests at the default limit instead of one per request (a Redis call costs
    more CPU than the rest of a cached ``viewer`` request; docs/benchmarks.md). The error
    is conservative: unused reservations expire, so a client may be refused a little
    early, never served more than its limit. So is the quota reported with a lease: what
    Redis allowed when it was reserved plus what is left of it, not refilled meanwhile."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._memory: dict[str, float] = {}
        self._leases: dict[str, _Lease] = {}
        # leases whose reservation is in flight: concurrent requests wait for it
        self._reserving: dict[str, asyncio.Future[Quota | None]] = {}
        self._script: Any = None
        self._script_client: Any = None  # the client the script is registered on

    async def charge(self, limits: list[tuple[str, int]]) -> Quota:
        """Charge one request to every ``(key, per_minute)``; nothing when refused."""
        redis = get_redis()
        if redis is None:
            return self._local(time.time() * 1000, limits)
        lease_key = "|".join(key for key, _ in limits)
        while True:
            lease = self._leases.get(lease_key)
            now = time.monotonic()
            if lease is not None and lease.remaining > 0 and lease.until > now:
                lease.remaining -= 1
                return _quota(
                    0.0, limits[lease.tightest], lease.left + lease.remaining, lease.full_at - now
                )
            pending = self._reserving.get(lease_key)
            if pending is None:
                break  # this request renews the lease
            # One Redis call at a time per lease, however many requests: those that arrive
            # meanwhile wait for it and share its lease, and those it does not cover wait
            # for the next, which the first of them makes (each charging itself cost a
            # call per 7 requests at 64 connections, and a burst of them emptied the
            # connection pool: finding W9-1). Each renewal serves at least its own request,
            # so every waiter is reached. A refusal is shared (the same keys at the same
            # moment are refused alike), and so is a Redis error.
            refused = await asyncio.shield(pending)
            if refused is not None:
                return refused
        if self._script is None or self._script_client is not redis:
            # a script object calls through the client it was registered on: a new client
            # (another event loop, or a new Redis) gets its own
            self._script, self._script_client = redis.register_script(_GCRA), redis
        cost = min(LEASE_MAX, *(max(per_minute // 40, 1) for _, per_minute in limits))
        keys = [f"{self.namespace}:{key}" for key, _ in limits]
        args = [time.time() * 1000, cost, *(value for pair in _params(limits) for value in pair)]
        renewal: asyncio.Future[Quota | None] = asyncio.get_running_loop().create_future()
        self._reserving[lease_key] = renewal
        try:
            granted, wait, tightest, left, full_ms = await self._script(keys=keys, args=args)
        except Exception as error:
            self._reserving.pop(lease_key)
            renewal.set_exception(error)
            renewal.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        except BaseException:  # cancelled: a waiter renews instead
            self._reserving.pop(lease_key)
            renewal.set_result(None)
            raise
        now = time.monotonic()
        limit = limits[int(tightest) - 1]
        self._reserving.pop(lease_key)
        if not granted:
            refusal = _quota(float(wait) / 1000, limit, 0, full_ms / 1000)
            renewal.set_result(refusal)
            return refusal
        renewal.set_result(None)  # the waiters run after the lease is stored below
        if int(granted) > 1:
            if len(self._leases) > 100_000:
                self._leases = {k: v for k, v in self._leases.items() if v.until > now}
            self._leases[lease_key] = _Lease(
                int(granted) - 1,
                now + LEASE_SECONDS,
                int(tightest) - 1,
                int(left),
                now + full_ms / 1000,
            )
        return _quota(0.0, limit, int(left) + int(granted) - 1, full_ms / 1000)

    def _local(self, now: float, limits: list[tuple[str, int]]) -> Quota:
        """This process's memory (standalone): exact."""
        keys = [key for key, _ in limits]
        params = _params(limits)
        new_tats = []
        for key, limit, (interval, window) in zip(keys, limits, params, strict=True):
            tat = max(self._memory.get(key, now), now)
            if tat + interval - now > window:
                wait = (tat + interval - now - window) / 1000
                return _quota(wait, limit, 0, (tat - now) / 1000)
            new_tats.append(tat + interval)
        self._memory.update(zip(keys, new_tats, strict=True))
        if len(self._memory) > 100_000:
            self._memory = {k: t for k, t in self._memory.items() if t > now}
        left = [
            (int((window - (tat - now)) // interval), i)
            for i, (tat, (interval, window)) in enumerate(zip(new_tats, params, strict=True))
        ]
        remaining, tightest = min(left)
        return _quota(0.0, limits[tightest], remaining, (new_tats[tightest] - now) / 1000)


def _params(limits: list[tuple[str, int]]) -> list[tuple[float, float]]:
    """GCRA's emission interval and burst window (ms) per limit: a tenth of a minute's
    allowance may come at once."""
    return [
        (60_000 / per_minute, 60_000 / per_minute * _burst(per_minute)) for _, per_minute in limits
    ]


def _burst(per_minute: int) -> int:
    return max(per_minute // 10, 1)


def _quota(wait: float, limit: tuple[str, int], remaining: int, reset: float) -> Quota:
    per_minute = limit[1]
    burst = _burst(per_minute)
    return Quota(
        wait,
        burst,
        max(min(remaining, burst), 0),
        max(math.ceil(reset), 0),
        math.ceil(burst * 60 / per_minute),
    )


def rate_limit_headers(quota: Quota) -> list[tuple[bytes, bytes]]:
    """The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers), as GitHub sends
    its own: the burst, what is left of it, seconds until it is full, and the policy."""
    return [
        (b"ratelimit-limit", b"%d" % quota.limit),
        (b"ratelimit-remaining", b"%d" % quota.remaining),
        (b"ratelimit-reset", b"%d" % quota.reset),
        (b"ratelimit-policy", b"%d;w=%d" % (quota.limit, quota.window)),
    ]
