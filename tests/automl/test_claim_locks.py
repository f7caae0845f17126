"""A claim holds its organization's row so that one organization's claims take turns
(its concurrency limit holds). It must not block work that only references the
organization: a cancel locks its job, then audits (a row whose foreign key names the
organization). With ``FOR UPDATE`` on the organization, a claim waiting for that job's
row and the cancel waiting for the organization deadlocked, and PostgreSQL aborted the
cancel (INTERNAL, seen in CI)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.support.fixtures import TenantFixture


async def test_a_claim_s_lock_on_its_organization_lets_others_write_its_rows(
    tenant: TenantFixture,
) -> None:
    from phantom import audit
    from phantom.automl.lifecycle import tenant_limits
    from phantom.db import transaction

    async def cancel_audits() -> None:
        async with transaction(tenant.id) as session:
            await audit.record(
                session,
                actor=audit.Actor.system("tests"),
                action="automl.training.cancel_requested",
                resource=("training_job", uuid.uuid4()),
            )

    async with transaction(tenant.id) as claiming:
        await tenant_limits(claiming, tenant.id, lock=True)
        # a deadline, not a measurement: blocked, it would wait for the claim forever
        await asyncio.wait_for(cancel_audits(), timeout=30)


async def test_claims_of_one_organization_still_take_turns(tenant: TenantFixture) -> None:
    from phantom.automl.lifecycle import tenant_limits
    from phantom.db import transaction

    async with transaction(tenant.id) as claiming:
        await tenant_limits(claiming, tenant.id, lock=True)
        with pytest.raises(DBAPIError, match="could not obtain lock"):
            async with transaction(tenant.id) as second:
                await second.execute(
                    text("SELECT 1 FROM tenants WHERE id = :id FOR NO KEY UPDATE NOWAIT"),
                    {"id": tenant.id},
                )
