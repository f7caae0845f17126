"""What a serving process knows of the versions it scores with: read once, then trusted
for ``PHANTOM_SERVING_CACHE_SECONDS``, so a warm call costs no database round trip.

Entries are per tenant (the key starts with the tenant id, and the lookup runs in that
tenant's transaction), so one organization's cache can never answer another's call. A
promotion clears the tenant's entries at once in every process (a broadcast over Redis);
the TTL is the backstop when that notice is lost."""

from __future__ import annotations

import time
import uuid
from typing import Any

from phantom.config import settings
from phantom.db import transaction
from phantom.kit.broadcast import broadcast
from phantom.registry.service import STAGE_CHANGED, ServableVersion, registry

MAX_ENTRIES = 10_000
Key = tuple[uuid.UUID, str]


class ServableVersions:
    def __init__(self) -> None:
        self._entries: dict[Key, tuple[ServableVersion, float]] = {}

    async def by_id(self, tenant_id: uuid.UUID, version_id: uuid.UUID) -> ServableVersion:
        key = (tenant_id, f"id:{version_id}")
        found = self._fresh(key)
        if found is None:
            async with transaction(tenant_id) as session:
                found = await registry.servable(session, version_id)
            self._keep(key, found)
        return found

    async def by_name(self, tenant_id: uuid.UUID, model_name: str) -> ServableVersion:
        key = (tenant_id, f"name:{model_name}")
        found = self._fresh(key)
        if found is None:
            async with transaction(tenant_id) as session:
                found = await registry.serving_version(session, model_name)
            self._keep(key, found)
        return found

    def forget(self, message: dict[str, Any]) -> None:
        """A broadcast (any thread): drop the tenant's entries, or all of them."""
        tenant = message.get("tenant_id")
        if message.get("kind") == "*" or tenant is None:
            self._entries = {}
            return
        tenant_id = uuid.UUID(str(tenant))
        self._entries = {k: v for k, v in list(self._entries.items()) if k[0] != tenant_id}

    def _fresh(self, key: Key) -> ServableVersion | None:
        entry = self._entries.get(key)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def _keep(self, key: Key, version: ServableVersion) -> None:
        if settings.SERVING_CACHE_SECONDS <= 0:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries = {}
        self._entries[key] = (version, time.monotonic() + settings.SERVING_CACHE_SECONDS)


servable_versions = ServableVersions()
broadcast.on(STAGE_CHANGED, servable_versions.forget)
