"""Webhook jobs: one delivery attempt, and the sweep that re-sends lost messages."""

from __future__ import annotations

import uuid

from phantom.kit.jobs import actor
from phantom.webhooks import service


@actor(service.DELIVER_JOB, max_retries=0, time_limit=120_000)
async def deliver(tenant_id: str, delivery_id: str) -> None:
    """Retries are the delivery row's (backoff, bounded attempts), not Dramatiq's."""
    await service.deliver(uuid.UUID(tenant_id), uuid.UUID(delivery_id))


@actor("webhooks.sweep", max_retries=0)
async def sweep() -> None:
    await service.sweep()
