"""Pagination counts only the caller's tenant by the ORM filter alone (no RLS here: the
owner role connects as a superuser, as SQLite has none either)."""

from __future__ import annotations

import os

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from phantom.identity.models import ApiToken, Membership
from phantom.identity.repository import ApiTokenRepository, MembershipRepository
from phantom.kit.pagination import page_request, paginate
from tests.support.fixtures import TenantFixture


async def test_counts_and_pages_stay_in_the_tenant_without_rls(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    engine = create_async_engine(os.environ["PHANTOM_MIGRATION_DATABASE_URL"])
    try:
        maker = async_sessionmaker(engine)
        async with maker(info={"tenant_id": tenant.id}) as session:
            listed = MembershipRepository(session).listing(None, None)
            members = await paginate(session, listed, Membership, page_request(100, None))
            listed_tokens = ApiTokenRepository(session).listing(True)
            tokens = await paginate(session, listed_tokens, ApiToken, page_request(100, None))
    finally:
        await engine.dispose()
    assert {m.tenant_id for m in members.items} == {tenant.id}
    assert members.total_count == len(members.items) == 1
    assert {t.tenant_id for t in tokens.items} == {tenant.id}
    assert tokens.total_count == len(tokens.items) == 1
