"""Monitoring's periodic work, thin actors over the services: the health refresh of
every version with recent traffic, and the prediction log's retention per tenant."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from phantom.db import transaction
from phantom.identity.tenants import tenants
from phantom.kit.errors import NotFound
from phantom.kit.jobs import actor, send_job
from phantom.monitoring import predictionlog
from phantom.monitoring.repository import SystemWindowRepository
from phantom.monitoring.service import refresh_version

log = logging.getLogger(__name__)
ACTIVE_HOURS = 2  # versions with traffic in the current or the previous hour


async def refresh_all(now: datetime | None = None) -> int:
    """Refresh every version with recent traffic, each in its tenant's own transaction
    (one failing version does not stop the others)."""
    now = now or datetime.now(UTC)
    since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=ACTIVE_HOURS - 1)
    async with transaction(None) as session:
        active = await SystemWindowRepository(session).active_versions(since)
    refreshed = 0
    for tenant_id, version_id in active:
        try:
            async with transaction(tenant_id) as session:
                await refresh_version(session, tenant_id, version_id)
            refreshed += 1
        except NotFound:
            continue  # deleted meanwhile
        except Exception:
            log.exception("health refresh failed", extra={"model_version_id": str(version_id)})
    return refreshed


@actor("monitoring.refresh_health", max_retries=0, time_limit=600_000)
async def refresh_health() -> None:
    count = await refresh_all()
    if count:
        log.info("model health refreshed", extra={"versions": count})


@actor("monitoring.schedule_log_retention", time_limit=60_000)
async def schedule_log_retention() -> None:
    async with transaction(None) as session:
        tenant_ids = await tenants.ids(session)
    for tenant_id in tenant_ids:
        send_job("monitoring.expire_prediction_logs", tenant_id=tenant_id)


@actor("monitoring.expire_prediction_logs", time_limit=600_000)
async def expire_prediction_logs(tenant_id: str) -> None:
    """Idempotent; deletes at most 10,000 batches per run (the next run goes on)."""
    async with transaction(uuid.UUID(tenant_id)) as session:
        await predictionlog.expire(session)
