"""Profiling of large uploads: a thin actor over the service."""

from __future__ import annotations

import logging
import uuid

from phantom.datasets.service import datasets, resend_lost_profiling
from phantom.db import transaction
from phantom.kit.events import get_event_bus
from phantom.kit.jobs import actor

log = logging.getLogger(__name__)


@actor("datasets.profile", time_limit=600_000)
async def profile(tenant_id: str, dataset_id: str) -> None:
    """Profile a dataset uploaded with status PROFILING; a second delivery does nothing."""
    tenant, dataset = uuid.UUID(tenant_id), uuid.UUID(dataset_id)
    async with transaction(tenant) as session:
        status = await datasets.profile_pending(session, dataset)
    if status is None:
        return
    await get_event_bus().publish(
        tenant, "datasets.dataset.profiled", {"datasetId": dataset_id, "status": status}
    )


@actor("datasets.reconcile", max_retries=0, time_limit=120_000)
async def reconcile() -> None:
    resent = await resend_lost_profiling()
    if resent:
        log.info("dataset profiling resent", extra={"datasets": resent})
