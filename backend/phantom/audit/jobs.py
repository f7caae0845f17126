"""Audit maintenance: retention, then a checkpoint of every tenant's head. The scheduler
fires every ``PHANTOM_HOUSEKEEPING_INTERVAL_SECONDS`` (default 15 min), so a quiet
tenant's last events are signed within that; an active tenant's appends also sign the
head whenever the last checkpoint is over an hour old (``chain.CHECKPOINT_INTERVAL``)."""

from __future__ import annotations

import uuid

from phantom.audit.chain import checkpoint
from phantom.audit.errors import AuditChainUnverified
from phantom.audit.service import audit_service
from phantom.db import transaction
from phantom.identity.tenants import tenants
from phantom.kit.jobs import actor, send_job


@actor("audit.schedule_maintenance", time_limit=60_000)
async def schedule_maintenance() -> None:
    """One job per tenant, so a slow or failing tenant holds up no other."""
    async with transaction(None) as session:
        tenant_ids = await tenants.ids(session)
    for tenant_id in tenant_ids:
        send_job("audit.maintain", tenant_id=tenant_id)


@actor("audit.maintain", time_limit=300_000)
async def maintain(tenant_id: str) -> None:
    """Idempotent: purges only what the policy allows and is not yet purged, and signs
    only a head that moved. The purge event is signed by the same run. Both verify the
    chain since the last checkpoint first, and do nothing on a chain that fails."""
    tenant = uuid.UUID(tenant_id)
    async with transaction(tenant) as session:
        await audit_service.apply_retention(session)
    async with transaction(tenant) as session:
        try:
            await checkpoint(session)
        except AuditChainUnverified:
            return  # logged and counted (an alert); a retry cannot make it verify
