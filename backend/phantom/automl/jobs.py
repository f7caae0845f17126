"""Training actors: thin, over ``runs`` and ``supervisor``. ``automl.train`` runs on the
``training`` queue, which ``phantom worker`` serves with one thread per training slot, so
a host never runs more fits than it has slots for."""

from __future__ import annotations

import logging
import uuid

from phantom.automl import runs
from phantom.automl.supervisor import supervise
from phantom.kit.jobs import actor

log = logging.getLogger(__name__)


# not interrupted at a worker's stop: the supervisor stops the fit and hands the job back
@actor("automl.train", queue_name="training", max_retries=0, notify_shutdown=False)
async def train(tenant_id: str, job_id: str) -> None:
    """Idempotent: a duplicate or late message finds the job claimed or ended and stops."""
    claim = await runs.claim(uuid.UUID(tenant_id), uuid.UUID(job_id))
    if claim is None:
        return
    await supervise(claim)


@actor("automl.dispatch", max_retries=3)
async def dispatch(tenant_id: str) -> None:
    await runs.dispatch(uuid.UUID(tenant_id))


@actor("automl.reconcile", max_retries=0, time_limit=120_000)
async def reconcile() -> None:
    outcome = await runs.reconcile()
    if any(outcome.values()):
        log.info("training reconciled", extra=outcome)
