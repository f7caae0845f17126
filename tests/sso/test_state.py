"""The server-side OIDC state works once, in Redis (API processes) and in memory
(standalone, no Redis)."""

from __future__ import annotations

import secrets

import pytest

from phantom.identity.sso import client as sso_client
from phantom.identity.sso.client import OneTimeStateCache


@pytest.fixture(params=["redis", "memory"])
def cache(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> OneTimeStateCache:
    if request.param == "memory":
        monkeypatch.setattr(sso_client, "get_redis", lambda: None)  # standalone's adapter
    return OneTimeStateCache()


async def test_a_state_is_consumed_by_the_first_read(cache: OneTimeStateCache) -> None:
    key = f"_state_sso-test_{secrets.token_hex(8)}"
    await cache.set(key, '{"data": {"nonce": "n"}}', 600)
    assert await cache.get(key) == '{"data": {"nonce": "n"}}'
    assert await cache.get(key) is None  # a replayed callback finds nothing


async def test_a_state_can_be_dropped(cache: OneTimeStateCache) -> None:
    key = f"_state_sso-test_{secrets.token_hex(8)}"
    await cache.set(key, "y", 600)
    await cache.delete(key)
    assert await cache.get(key) is None


async def test_states_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    from phantom.kit.redis import get_redis

    key = f"_state_sso-test_{secrets.token_hex(8)}"
    await OneTimeStateCache().set(key, "x", 600)
    redis = get_redis()
    assert redis is not None
    assert 590 <= await redis.ttl(OneTimeStateCache.PREFIX + key) <= 600
    monkeypatch.setattr(sso_client, "get_redis", lambda: None)
    memory = OneTimeStateCache()
    await memory.set(key, "x", 0)
    assert await memory.get(key) is None
