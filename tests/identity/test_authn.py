"""The credential cache: warm requests skip the database, concurrent misses share one
lookup, and revocation is honoured."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from phantom.identity.authn import Authenticator
from phantom.identity.tokens import tokens
from phantom.kit.errors import Unauthenticated
from tests.support.fixtures import TenantFixture


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts real token lookups (the real function still runs)."""
    calls: list[str] = []
    real = tokens.principal_for

    async def counted(session: Any, secret: str) -> Any:
        calls.append(secret)
        return await real(session, secret)

    monkeypatch.setattr(tokens, "principal_for", counted)
    return calls


async def test_concurrent_requests_share_one_lookup_then_hit_the_cache(
    tenant: TenantFixture, lookups: list[str]
) -> None:
    authenticator = Authenticator(ttl=60)
    principals = await asyncio.gather(*(authenticator.from_bearer(tenant.token) for _ in range(20)))
    assert {p.tenant_id for p in principals} == {tenant.id}
    assert len(lookups) == 1
    await authenticator.from_bearer(tenant.token)
    assert len(lookups) == 1, "warm: no database round trip"


async def test_failures_are_not_cached(tenant: TenantFixture, lookups: list[str]) -> None:
    authenticator = Authenticator(ttl=60)
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            await authenticator.from_bearer("phm_" + "x" * 43)
    assert len(lookups) == 2


async def test_forgetting_a_credential_forces_a_fresh_check(
    tenant: TenantFixture, lookups: list[str]
) -> None:
    authenticator = Authenticator(ttl=60)
    principal = await authenticator.from_bearer(tenant.token)
    authenticator.on_forget(
        {"kind": "identity.forget", "credential_id": str(principal.credential_id)}
    )
    await authenticator.from_bearer(tenant.token)
    assert len(lookups) == 2


async def test_forgetting_a_member_forces_a_fresh_check(
    tenant: TenantFixture, lookups: list[str]
) -> None:
    authenticator = Authenticator(ttl=60)
    principal = await authenticator.from_bearer(tenant.token)
    await authenticator.from_bearer(tenant.token)
    assert len(lookups) == 1
    authenticator.on_forget(
        {
            "kind": "identity.forget",
            "tenant_id": str(principal.tenant_id),
            "user_id": str(principal.user_id),
        }
    )
    await authenticator.from_bearer(tenant.token)
    assert len(lookups) == 2


async def test_a_token_that_expires_while_cached_is_refused(tenant: TenantFixture) -> None:
    """The cache keeps a principal for its TTL; a token's own expiry ends that sooner."""
    from datetime import timedelta

    from sqlalchemy import update

    from phantom.db import transaction
    from phantom.identity.models import ApiToken
    from phantom.kit.rows import utcnow

    authenticator = Authenticator(ttl=60)
    principal = await authenticator.from_bearer(tenant.token)
    expires = utcnow() + timedelta(seconds=1)
    async with transaction(tenant.id) as session:
        await session.execute(
            update(ApiToken)
            .where(ApiToken.id == principal.credential_id)
            .values(expires_at=expires)
        )
    authenticator.on_forget(
        {"kind": "identity.forget", "credential_id": str(principal.credential_id)}
    )
    cached = await authenticator.from_bearer(tenant.token)  # cached again, with its expiry
    assert cached.expires_at == expires
    while utcnow() <= expires:
        await asyncio.sleep(0.05)
    with pytest.raises(Unauthenticated):
        await authenticator.from_bearer(tenant.token)
