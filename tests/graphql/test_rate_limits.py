"""Request rate limits per credential and per tenant, shared through Redis."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from phantom.identity import authn
from phantom.kit import redis as kit_redis
from phantom.kit.loops import PerLoop
from phantom.kit.ratelimit import RequestLimiter
from tests.support.clock import FrozenClock
from tests.support.fixtures import TenantFixture

VIEWER = {"query": "{ viewer { email } }"}
CREATE_TOKEN = {"query": 'mutation { createApiToken(input: {name: "second"}) { token } }'}


def limits(monkeypatch: pytest.MonkeyPatch, per_credential: int, per_tenant: int) -> None:
    patched = authn.settings.model_copy(
        update={"RATE_LIMIT_PER_CREDENTIAL": per_credential, "RATE_LIMIT_PER_TENANT": per_tenant}
    )
    monkeypatch.setattr(authn, "settings", patched)
    # leases reserved under the old limits (by earlier requests, up to a second ago) would
    # serve the next requests without charging Redis under the new ones: the counts below
    # assume every request is charged under the limits just set
    monkeypatch.setattr(authn._requests, "_leases", {})


async def test_a_credential_over_its_limit_gets_rate_limited_with_a_retry_hint(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = (await client.post("/graphql", json=CREATE_TOKEN, headers=tenant.bearer)).json()
    other_token = {"Authorization": f"Bearer {second['data']['createApiToken']['token']}"}
    limits(monkeypatch, per_credential=3, per_tenant=10_000)
    assert (await client.post("/graphql", json=VIEWER, headers=other_token)).status_code == 200
    refused = await client.post("/graphql", json=VIEWER, headers=other_token)
    assert refused.status_code == 429
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 20
    assert refused.headers["retry-after"] == str(error["extensions"]["retryAfter"])
    assert "retry after" in error["message"]
    # back at the usual limit, the exhausted credential still waits; another is not affected
    limits(monkeypatch, per_credential=1200, per_tenant=10_000)
    assert (await client.post("/graphql", json=VIEWER, headers=other_token)).status_code == 429
    assert (await client.post("/graphql", json=VIEWER, headers=tenant.bearer)).status_code == 200


async def test_a_tenant_over_its_limit_is_limited_across_credentials_only_for_itself(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    second = (await client.post("/graphql", json=CREATE_TOKEN, headers=tenant.bearer)).json()
    other_token = {"Authorization": f"Bearer {second['data']['createApiToken']['token']}"}
    limits(monkeypatch, per_credential=10_000, per_tenant=3)
    await client.post("/graphql", json=VIEWER, headers=tenant.bearer)  # uses the allowance
    assert (await client.post("/graphql", json=VIEWER, headers=other_token)).status_code == 429
    limits(monkeypatch, per_credential=10_000, per_tenant=60)
    theirs = await client.post("/graphql", json=VIEWER, headers=other_tenant.bearer)
    assert theirs.status_code == 200


def test_the_embedded_limiter_allows_a_burst_then_refuses_without_charging() -> None:
    limiter = RequestLimiter("test")
    limit = [("k", 600)]  # 600/min: a burst of 60
    quotas = [limiter._local(1_000_000.0, limit) for _ in range(61)]
    assert [q.wait == 0 for q in quotas].count(True) == 60
    assert quotas[-1].wait > 0
    # what the RateLimit-* headers say: a burst of 60 refilled over 6 s, counting down
    assert [q.remaining for q in quotas[:3]] == [59, 58, 57]
    assert quotas[59].remaining == 0
    assert quotas[59].reset == 6
    assert {(q.limit, q.window) for q in quotas} == {(60, 6)}
    wait = limiter._local(1_000_000.0, limit).wait
    assert 0 < wait <= 0.1  # one interval at 600/min
    assert limiter._local(1_000_000.0 + 100, limit).wait == 0  # refused calls cost nothing


async def test_processes_share_the_budget_through_redis_with_leases(
    frozen_clock: FrozenClock,
) -> None:
    """Two limiters (two API processes) on one key: together never more than the burst,
    though each serves most requests from its local lease."""
    first, second = RequestLimiter("phantom:test-rate"), RequestLimiter("phantom:test-rate")
    key = [(f"c:{uuid.uuid4()}", 600)]  # a burst of 60
    served = 0
    for _ in range(40):
        served += (await first.charge(key)).wait == 0
        served += (await second.charge(key)).wait == 0
    assert served == 60
    wait = (await first.charge(key)).wait
    assert 0 < wait <= 0.2


async def test_concurrent_first_requests_are_all_served_within_the_burst(
    frozen_clock: FrozenClock,
) -> None:
    """Concurrent requests of one credential in one process reserve one lease between
    them: before, each took a lease of its own and the fifth of five was refused."""
    limiter = RequestLimiter("phantom:test-rate")
    key = [(f"c:{uuid.uuid4()}", 1200)]  # a burst of 120, leases of 30
    quotas = await asyncio.gather(*(limiter.charge(key) for _ in range(40)))
    assert [q.wait for q in quotas] == [0.0] * 40
    served = sum([(await limiter.charge(key)).wait == 0 for _ in range(200)])
    assert 40 + served == 120  # the whole burst, never more (the clock is frozen)


async def test_the_quota_counts_down_exactly_across_leases(frozen_clock: FrozenClock) -> None:
    """What RateLimit-Remaining says through Redis: Redis's count when the lease was
    reserved plus what is left of the lease, so one client sees 119, 118, ... across
    lease renewals (leases of 30 here), then 0 and a refusal."""
    limiter = RequestLimiter("phantom:test-rate")
    key = [(f"c:{uuid.uuid4()}", 1200)]  # a burst of 120 over 6 s
    quotas = [await limiter.charge(key) for _ in range(121)]
    assert [q.remaining for q in quotas[:120]] == list(range(119, -1, -1))
    assert all(q.wait == 0 and q.limit == 120 and q.window == 6 for q in quotas[:120])
    assert quotas[120].wait > 0
    assert quotas[120].remaining == 0
    assert quotas[120].reset == 6  # full again when the whole burst has refilled


def test_the_tightest_limit_is_the_one_reported() -> None:
    limiter = RequestLimiter("test")
    limits = [("credential", 6000), ("tenant", 600)]  # bursts of 600 and 60
    quota = limiter._local(1_000_000.0, limits)
    assert (quota.limit, quota.remaining) == (60, 59)
    for _ in range(30):
        limiter._local(1_000_000.0, [("credential", 6000)])
    quota = limiter._local(1_000_000.0, limits)
    assert (quota.limit, quota.remaining) == (60, 58)  # the tenant's 58 < credential's 568


async def test_concurrent_requests_share_one_lease_renewal_in_redis() -> None:
    """The lease is renewed by one Redis call, however many requests arrive meanwhile;
    they wait for it and take from it (before: each charged itself, one call each)."""
    limiter = RequestLimiter(f"phantom:test-lease:{uuid.uuid4().hex}")
    keys = [(f"c:{uuid.uuid4()}", 100_000), (f"t:{uuid.uuid4()}", 100_000)]
    calls = 0
    await limiter.charge(keys)  # loads the script, takes the first lease
    real = limiter._script

    async def counted(**kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return await real(**kwargs)

    limiter._script = counted
    limiter._leases.clear()  # the lease is used up: the next request renews it
    quotas = await asyncio.gather(*(limiter.charge(keys) for _ in range(40)))
    assert [q.wait for q in quotas] == [0.0] * 40
    assert calls == 1, f"{calls} Redis calls for 40 concurrent requests (lease of 50)"


async def test_more_concurrent_requests_than_a_lease_renew_it_in_turn() -> None:
    """130 concurrent requests and leases of 50: three Redis calls, each renewal shared by
    the requests still waiting (before: those the first lease did not cover each charged
    itself, 80 calls; under 64 connections, one Redis call per 7 requests)."""
    limiter = RequestLimiter(f"phantom:test-lease:{uuid.uuid4().hex}")
    keys = [(f"c:{uuid.uuid4()}", 100_000), (f"t:{uuid.uuid4()}", 100_000)]
    await limiter.charge(keys)  # loads the script, takes the first lease
    real, calls = limiter._script, 0

    async def counted(**kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return await real(**kwargs)

    limiter._script = counted
    limiter._leases.clear()
    quotas = await asyncio.gather(*(limiter.charge(keys) for _ in range(130)))
    assert [q.wait for q in quotas] == [0.0] * 130
    assert calls == 3, f"{calls} Redis calls for 130 concurrent requests (leases of 50)"


async def test_concurrent_requests_past_a_lease_are_served_the_whole_remaining_burst(
    frozen_clock: FrozenClock,
) -> None:
    """Renewals taken in turn waste nothing: after a lost lease (30 reserved, unused),
    100 concurrent requests are served exactly the 90 the burst has left, then refused
    (before: 61, as the requests a renewal did not cover charged themselves one by one
    while the renewal's own lease went unused)."""
    limiter = RequestLimiter("phantom:test-rate")
    key = [(f"c:{uuid.uuid4()}", 1200)]  # a burst of 120, leases of 30
    assert (await limiter.charge(key)).wait == 0  # reserves a lease of 30
    limiter._leases.clear()  # lost: Redis has 90 left
    quotas = await asyncio.gather(*(limiter.charge(key) for _ in range(100)))
    assert sum(q.wait == 0 for q in quotas) == 90


async def test_every_charged_answer_says_what_is_left_of_the_limit(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RateLimit-* headers (the IETF draft's, as GitHub sends its own) on successes and on
    the 429; none on an anonymous answer, which charges nothing."""
    second = (await client.post("/graphql", json=CREATE_TOKEN, headers=tenant.bearer)).json()
    token = {"Authorization": f"Bearer {second['data']['createApiToken']['token']}"}
    limits(monkeypatch, per_credential=30, per_tenant=10_000)  # a burst of 3 over 6 s
    answers = [await client.post("/graphql", json=VIEWER, headers=token) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    for answer in answers:
        assert answer.headers["ratelimit-limit"] == "3"
        assert answer.headers["ratelimit-policy"] == "3;w=6"
        assert 0 < int(answer.headers["ratelimit-reset"]) <= 6
    anonymous = await client.post("/graphql", json=VIEWER)
    assert "ratelimit-limit" not in anonymous.headers


async def test_graphql_reports_the_quota_in_extensions_only_when_asked(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits(monkeypatch, per_credential=600, per_tenant=10_000)
    plain = (await client.post("/graphql", json=VIEWER, headers=tenant.bearer)).json()
    assert "extensions" not in plain
    asked = {**VIEWER, "extensions": {"rateLimit": True}}
    answer = await client.post("/graphql", json=asked, headers=tenant.bearer)
    report = answer.json()["extensions"]["rateLimit"]
    assert report["limit"] == 60
    assert report["windowSeconds"] == 6
    assert str(report["remaining"]) == answer.headers["ratelimit-remaining"]
    assert str(report["resetSeconds"]) == answer.headers["ratelimit-reset"]
    for not_asked in ({"rateLimit": "yes"}, {"rateLimit": False}, ["rateLimit"], "rateLimit"):
        body = {**VIEWER, "extensions": not_asked}
        answer = await client.post("/graphql", json=body, headers=tenant.bearer)
        assert "rateLimit" not in (answer.json().get("extensions") or {}), not_asked


async def test_a_burst_of_many_credentials_waits_for_redis_connections_not_fails() -> None:
    """300 credentials' first requests at once: 300 Redis calls in flight, three times
    the process's connections (``PHANTOM_REDIS_MAX_CONNECTIONS``, 100). They wait for a
    connection and are all served (before: redis-py's default pool raised
    ``MaxConnectionsError`` past 100, a 500 for each of them and for every other Redis
    user of the process meanwhile)."""
    limiter = RequestLimiter(f"phantom:test-pool:{uuid.uuid4().hex}")
    credentials = [[(f"c:{uuid.uuid4()}", 1200), ("t:many", 1_000_000)] for _ in range(300)]
    quotas = await asyncio.gather(*(limiter.charge(keys) for keys in credentials))
    assert [q.wait for q in quotas] == [0.0] * 300


async def test_an_unreachable_redis_is_a_503_to_retry_never_an_unmetered_answer(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the process's Redis is a port nothing listens on
    closed = kit_redis.settings.model_copy(update={"REDIS_URL": "redis://127.0.0.1:1/0"})
    monkeypatch.setattr(kit_redis, "settings", closed)
    monkeypatch.setattr(kit_redis, "_clients", PerLoop(kit_redis._client))
    # and no lease reserved earlier (the fixture's own requests) serves these locally
    monkeypatch.setattr(authn._requests, "_leases", {})
    # when: a GraphQL query and a REST prediction arrive
    viewer = await client.post("/graphql", json=VIEWER, headers=tenant.bearer)
    predict = await client.post(
        "/api/v1/models/Any%20model/predict", json={"rows": [{"x": 1}]}, headers=tenant.bearer
    )
    # then: each is refused 503 UNAVAILABLE with a message to retry, not run nor a 500
    assert viewer.status_code == 503, viewer.text
    assert viewer.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert "data" not in viewer.json() or viewer.json()["data"] is None
    assert predict.status_code == 503, predict.text
    assert predict.json()["error"]["code"] == "UNAVAILABLE"
    assert "retry" in predict.json()["error"]["message"]
