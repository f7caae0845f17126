"""The serving process keeps at most ``PHANTOM_MODEL_CACHE_SIZE`` models loaded and
evicts the least recently used one; real models, loaded from the real store."""

from __future__ import annotations

import gc
import uuid
import weakref
from typing import Any

import httpx
import pytest

from phantom.config import settings
from phantom.db import transaction
from phantom.registry.service import registry
from phantom.serving.cache import ModelCache, Served, models
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.models import train_version, upload_payments

pytestmark = pytest.mark.slow  # each model version is a real fit in a child process


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, list[str]]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await upload_payments(client, tenant)
        versions = [await train_version(client, tenant, dataset, f"M{i}") for i in range(3)]
    return tenant, [str(v["id"]) for v in versions]


async def load(cache: ModelCache, tenant: TenantFixture, version_id: str) -> Served:
    async with transaction(tenant.id) as session:
        version = await registry.servable(session, uuid.UUID(version_id))
        return await cache.get(version)


def test_the_serving_cache_is_sized_by_the_setting() -> None:
    assert models.size == settings.MODEL_CACHE_SIZE


async def test_the_cache_evicts_the_least_recently_used_model_at_its_size(
    trained: tuple[TenantFixture, list[str]],
) -> None:
    tenant, (a, b, c) = trained
    cache = ModelCache(2)
    # given: A and B loaded, then A used again (B is now the least recently used)
    first_a = await load(cache, tenant, a)
    first_b = await load(cache, tenant, b)
    assert await load(cache, tenant, a) is first_a, "a hit serves the loaded model"
    # when: a third model is loaded into a cache of two
    first_c = await load(cache, tenant, c)
    # then: B was evicted (loaded afresh), A and C were kept
    assert await load(cache, tenant, a) is first_a
    assert await load(cache, tenant, c) is first_c
    again_b = await load(cache, tenant, b)
    assert again_b is not first_b, "B was still loaded: the cache holds more than its size"
    # and loading B again evicted A, now the least recently used
    assert await load(cache, tenant, c) is first_c
    assert await load(cache, tenant, a) is not first_a


def _collectable(thing: object) -> bool:
    """Whether the collector's passes walk ``thing`` (frozen objects are not listed)."""
    return any(o is thing for o in gc.get_objects())


async def test_a_loaded_model_is_kept_out_of_the_collectors_passes(
    trained: tuple[TenantFixture, list[str]],
) -> None:
    """Full collections walked every loaded model's objects: 55-160 ms pauses under load.
    A load freezes them; an eviction thaws and collects once, so an evicted model's
    cycles are freed, then freezes again."""
    tenant, (a, b, _) = trained
    cache = ModelCache(1)
    try:
        served = await load(cache, tenant, a)
        assert not _collectable(served.model)
        evicted = weakref.ref(served.model)
        del served
        other = await load(cache, tenant, b)  # evicts A
        assert not _collectable(other.model)
        assert evicted() is None, "the evicted model is still in memory"
    finally:
        gc.unfreeze()  # leave the test process as it was
