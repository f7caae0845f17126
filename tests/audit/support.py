"""Audit test helpers: events written through the real recording API, and SQL run as the
database superuser, the way an attacker with database access would tamper."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from phantom import audit
from phantom.audit.chain import checkpoint
from phantom.audit.proof import Result
from phantom.audit.verify import verify_tenant_chain
from phantom.db import transaction
from tests.conftest import PG_ADMIN_URL, TEST_DB
from tests.support.fixtures import PASSWORD, TenantFixture


async def superuser_sql(sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{TEST_DB}")
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def head_seq(tenant_id: uuid.UUID) -> int:
    """The tenant's chain length now: creating a tenant, its members and its tokens are
    audited too, so a test's own events start after these."""
    rows = await superuser_sql(
        "SELECT last_seq FROM audit_chain_heads WHERE tenant_id = $1", tenant_id
    )
    return rows[0]["last_seq"] if rows else 0


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


async def set_retention(tenant: TenantFixture, days: int | None) -> None:
    """Through the service, as the tenant's owner: the policy is an event in the chain."""
    from phantom.audit.service import audit_service
    from phantom.identity.tokens import tokens

    async with transaction(tenant.id) as session:
        owner = await tokens.principal_for(session, tenant.token)
    async with transaction(tenant.id) as session:
        await audit_service.set_retention(session, owner, days)


async def verify(tenant_id: uuid.UUID) -> Result:
    return await verify_tenant_chain(tenant_id)


async def no_limit(account: str) -> None:
    """The route's per-account sign-in limit, for direct service calls: none."""


async def add_member(tenant: TenantFixture, roles: list[str]) -> Member:
    """A member with the given roles, through the real invitation flow, and a token."""
    from phantom.identity.members import members
    from phantom.identity.tokens import tokens

    async with transaction(tenant.id) as session:
        owner = await tokens.principal_for(session, tenant.token)
    email = f"{roles[0].replace('_', '-')}-{secrets.token_hex(3)}@{tenant.slug}.example.com"
    async with transaction(tenant.id) as session:
        new = await members.invite(session, owner, email=email, display_name=None, roles=roles)
    assert new.secret is not None
    async with transaction(None) as session:
        await members.accept_invitation(
            session,
            secret=new.secret,
            password=PASSWORD,
            ip=None,
            user_agent=None,
            throttle=no_limit,
        )
    async with transaction(tenant.id) as session:
        secret, _ = await tokens.create(session, tenant_id=tenant.id, email=email, name="tests")
    return Member(new.member.user.id, email, secret)


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    email: str
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}
