"""Batch scoring actors: thin, over ``runs`` and ``scoring``. ``batch.score`` runs on the
training queue: scoring a large dataset is as CPU-heavy as a fit, and takes a slot."""

from __future__ import annotations

import logging
import uuid

from phantom.batch import runs
from phantom.batch.lifecycle import QUEUE, SCORE_JOB
from phantom.batch.scoring import run
from phantom.kit.jobs import actor

log = logging.getLogger(__name__)


# not interrupted at a worker's stop: scoring hands the job back between chunks
@actor(SCORE_JOB, queue_name=QUEUE, max_retries=0, notify_shutdown=False)
async def score(tenant_id: str, job_id: str) -> None:
    """Idempotent: a duplicate or late message finds the job claimed or ended and stops."""
    claim = await runs.claim(uuid.UUID(tenant_id), uuid.UUID(job_id))
    if claim is None:
        return
    await run(claim)


@actor("batch.reconcile", max_retries=0, time_limit=120_000)
async def reconcile() -> None:
    outcome = await runs.reconcile()
    if any(outcome.values()):
        log.info("batch predictions reconciled", extra=outcome)
