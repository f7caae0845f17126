"""What both sides of a batch job share: the progress topic and its payload, and sending
the job to a worker. ``service`` (the user's side) and ``runs`` (the worker's side) import
this module, never each other."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.batch.models import BatchPredictionJob
from phantom.config import settings
from phantom.kit.events import publish_on_commit
from phantom.kit.jobs import TRAINING_QUEUE, enqueue_job
from phantom.kit.rows import utcnow

PROGRESS_TOPIC = "batch.prediction.progress"
SCORE_JOB = "batch.score"
QUEUE = TRAINING_QUEUE  # CPU-heavy like a fit: it takes one of the host's training slots


def progress_payload(job: BatchPredictionJob) -> dict[str, Any]:
    """One shape for the live event and the snapshot a late subscriber gets first."""
    return {
        "jobId": str(job.id),
        "sequence": job.event_seq,
        "status": job.status,
        "progress": job.progress,
        "rowsScored": job.rows_scored,
        "rowsTotal": job.rows_total,
        "message": job.message,
        "error": job.error,
        "occurredAt": utcnow().isoformat(),
    }


def publish_after_commit(session: AsyncSession, job: BatchPredictionJob) -> None:
    publish_on_commit(session, job.tenant_id, PROGRESS_TOPIC, progress_payload(job))


def send_scoring(session: AsyncSession, job: BatchPredictionJob) -> None:
    """After commit; ids only. Dramatiq's time limit is the deployment's bound on a job."""
    job.enqueued_at = utcnow()
    enqueue_job(
        session,
        SCORE_JOB,
        options={"time_limit": settings.BATCH_TIME_LIMIT_SECONDS * 1000, "max_retries": 0},
        tenant_id=job.tenant_id,
        job_id=job.id,
    )
