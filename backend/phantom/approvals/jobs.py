"""Approvals' periodic work: expiring undecided promotion requests, per tenant (a thin
actor over the service, fanned out like identity's housekeeping)."""

from __future__ import annotations

import logging
import uuid

from phantom.approvals.service import approvals
from phantom.db import transaction
from phantom.identity.tenants import tenants
from phantom.kit.jobs import actor, send_job

log = logging.getLogger(__name__)


@actor("approvals.schedule_expiry", time_limit=60_000)
async def schedule_expiry() -> None:
    async with transaction(None) as session:
        tenant_ids = await tenants.ids(session)
    for tenant_id in tenant_ids:
        send_job("approvals.expire_requests", tenant_id=tenant_id)


async def expire_in(tenant_id: uuid.UUID) -> int:
    """Idempotent: a request already decided or expired is left alone."""
    async with transaction(tenant_id) as session:
        return await approvals.expire_due(session)


@actor("approvals.expire_requests", time_limit=120_000)
async def expire_requests(tenant_id: str) -> None:
    expired = await expire_in(uuid.UUID(tenant_id))
    if expired:
        log.info("promotion requests expired", extra={"tenant_id": tenant_id, "count": expired})
