"""Identity housekeeping: thin actors over the service."""

from __future__ import annotations

import uuid
from datetime import timedelta

from phantom.db import transaction
from phantom.identity.sessions import user_sessions
from phantom.identity.tenants import tenants
from phantom.identity.tokens import tokens
from phantom.kit import idempotency
from phantom.kit.events import get_event_bus
from phantom.kit.jobs import actor, send_job

SESSION_RETENTION = timedelta(days=7)


@actor("identity.schedule_housekeeping", time_limit=60_000)
async def schedule_housekeeping() -> None:
    """Fan out one housekeeping job per tenant, so tenants are processed independently."""
    async with transaction(None) as session:
        tenant_ids = await tenants.ids(session)
    for tenant_id in tenant_ids:
        send_job("identity.housekeeping", tenant_id=tenant_id)


@actor("identity.housekeeping", time_limit=60_000)
async def housekeeping(tenant_id: str) -> None:
    """Purge the tenant's ended sessions and idempotency keys past their 24 h, and report
    what it found to the tenant."""
    tenant = uuid.UUID(tenant_id)
    async with transaction(tenant) as session:
        report = {
            "sessionsPurged": await user_sessions.purge_ended(session, SESSION_RETENTION),
            "expiredTokens": await tokens.count_expired(session),
            "idempotencyKeysPurged": await idempotency.purge_expired(session, tenant),
        }
    await get_event_bus().publish(tenant, "housekeeping.completed", report)
