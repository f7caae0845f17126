"""Monitoring's periodic work: the prediction log's retention, one job per tenant."""

from __future__ import annotations

import uuid

from phantom.db import transaction
from phantom.identity.tenants import tenants
from phantom.kit.jobs import actor, send_job
from phantom.monitoring import predictionlog


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
