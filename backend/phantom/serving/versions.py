"""What a serving process knows of the versions it scores with: read once, then trusted
for ``PHANTOM_SERVING_CACHE_SECONDS``, so a warm call costs no database round trip (and
under steady traffic never waits for one: entries are re-read before they expire).

Entries are per tenant (the key starts with the tenant id, and the lookup runs in that
tenant's transaction), so one organization's cache can never answer another's call. A
promotion clears the tenant's entries at once in every process (a broadcast over Redis);
the TTL is the backstop when that notice is lost."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.config import settings
from phantom.db import transaction
from phantom.kit.broadcast import broadcast
from phantom.registry.service import STAGE_CHANGED, ServableVersion, registry

MAX_ENTRIES = 10_000
Key = tuple[uuid.UUID, str]


REFRESH_AHEAD = 0.25  # of the TTL: in its last quarter, an entry is re-read in background
Load = Callable[[AsyncSession], Awaitable[ServableVersion]]


class ServableVersions:
    """Under load, an entry is re-read before it expires (one lookup in the background
    while callers keep the cached answer), and a missing one is looked up once however
    many calls want it: every key expiring at once stalled every call on the database
    (serving's p99, docs/benchmarks.md)."""

    def __init__(self) -> None:
        # key -> (version, expires at, refresh from), monotonic seconds
        self._entries: dict[Key, tuple[ServableVersion, float, float]] = {}
        self._inflight: dict[Key, asyncio.Future[ServableVersion]] = {}
        self._generation = 0  # bumped by ``forget``: a lookup that overlapped it is not kept

    async def by_id(self, tenant_id: uuid.UUID, version_id: uuid.UUID) -> ServableVersion:
        return await self._get(
            (tenant_id, f"id:{version_id}"),
            lambda session: registry.servable(session, version_id),
        )

    async def by_name(self, tenant_id: uuid.UUID, model_name: str) -> ServableVersion:
        return await self._get(
            (tenant_id, f"name:{model_name}"),
            lambda session: registry.serving_version(session, model_name),
        )

    def forget(self, message: dict[str, Any]) -> None:
        """A broadcast (any thread): drop the tenant's entries and lookups in flight, or
        all of them."""
        self._generation += 1
        tenant = message.get("tenant_id")
        if message.get("kind") == "*" or tenant is None:
            self._entries = {}
            self._inflight = {}  # a call from now on must not join a lookup from before
            return
        tenant_id = uuid.UUID(str(tenant))
        self._entries = {k: v for k, v in list(self._entries.items()) if k[0] != tenant_id}
        self._inflight = {k: v for k, v in list(self._inflight.items()) if k[0] != tenant_id}

    async def _get(self, key: Key, load: Load) -> ServableVersion:
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[1] > now:
            if entry[2] <= now and key not in self._inflight:
                self._lookup(key, load).add_done_callback(_ignore_failure)
            return entry[0]
        return await asyncio.shield(self._lookup(key, load))

    def _lookup(self, key: Key, load: Load) -> asyncio.Future[ServableVersion]:
        """The one lookup in flight for ``key``, started if there is none."""
        pending = self._inflight.get(key)
        if pending is None or pending.get_loop() is not asyncio.get_running_loop():
            pending = self._inflight[key] = asyncio.ensure_future(self._read(key, load))
            pending.add_done_callback(lambda done: self._settled(key, done))
        return pending

    def _settled(self, key: Key, done: asyncio.Future[ServableVersion]) -> None:
        """A lookup ended: no longer in flight, unless ``forget`` already put a newer one
        in its place."""
        if self._inflight.get(key) is done:
            self._inflight.pop(key, None)

    async def _read(self, key: Key, load: Load) -> ServableVersion:
        generation = self._generation
        async with transaction(key[0]) as session:
            found = await load(session)
        if generation == self._generation:
            self._keep(key, found)
        return found

    def _keep(self, key: Key, version: ServableVersion) -> None:
        ttl = settings.SERVING_CACHE_SECONDS
        if ttl <= 0:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries = {}
        now = time.monotonic()
        self._entries[key] = (version, now + ttl, now + ttl * (1 - REFRESH_AHEAD))


def _ignore_failure(done: asyncio.Future[ServableVersion]) -> None:
    """A background re-read that failed (the database is down): the entry expires and the
    next call looks it up itself, and gets the error."""
    if not done.cancelled():
        done.exception()


servable_versions = ServableVersions()
broadcast.on(STAGE_CHANGED, servable_versions.forget)
