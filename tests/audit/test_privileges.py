"""The application's database role: append-only on the audit log, and row-level security
keeps a tenant's transaction to its own chain even through raw SQL."""

from __future__ import annotations

import os

import asyncpg
import pytest
from sqlalchemy import text

from phantom.db import transaction
from tests.audit.support import record_events
from tests.support.fixtures import TenantFixture


async def _as_application(sql: str) -> None:
    url = os.environ["PHANTOM_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            await connection.execute("SELECT set_config('app.system', 'on', true)")
            await connection.execute(sql)
    finally:
        await connection.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET outcome = 'denied'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "UPDATE audit_checkpoints SET seq = seq + 1",
        "DELETE FROM audit_checkpoints",
    ],
)
async def test_the_application_role_cannot_change_or_delete_events(
    tenant: TenantFixture, sql: str
) -> None:
    await record_events(tenant.id, 1)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await _as_application(sql)


async def test_raw_sql_in_a_tenant_transaction_sees_only_that_tenant(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    await record_events(tenant.id, 2)
    await record_events(other_tenant.id, 3)
    async with transaction(other_tenant.id) as session:
        tenants = (await session.execute(text("SELECT DISTINCT tenant_id FROM audit_events"))).all()
        keys = (await session.execute(text("SELECT DISTINCT tenant_id FROM audit_keys"))).all()
        heads = (await session.execute(text("SELECT tenant_id FROM audit_chain_heads"))).all()
    assert {row[0] for row in tenants} == {other_tenant.id}
    assert {row[0] for row in keys} == {other_tenant.id}
    assert {row[0] for row in heads} == {other_tenant.id}
