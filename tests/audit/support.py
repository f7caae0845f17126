"""Audit test helpers: events written through the real recording API, and SQL run as the
database superuser, the way an attacker with database access would tamper."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from phantom import audit
from phantom.audit.chain import checkpoint
from phantom.audit.proof import Result
from phantom.audit.verify import verify_tenant_chain
from phantom.db import transaction
from tests.conftest import PG_ADMIN_URL, TEST_DB


async def superuser_sql(sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{TEST_DB}")
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def record_events(tenant_id: uuid.UUID, count: int, **extra: Any) -> None:
    for i in range(count):
        async with transaction(tenant_id) as session:
            await audit.record(
                session,
                actor=audit.Actor.system("tests"),
                action="tests.event.recorded",
                resource=("test", i),
                details={"i": i},
                **extra,
            )


async def sign_head(tenant_id: uuid.UUID) -> None:
    async with transaction(tenant_id) as session:
        await checkpoint(session)


async def verify(tenant_id: uuid.UUID) -> Result:
    return await verify_tenant_chain(tenant_id)
