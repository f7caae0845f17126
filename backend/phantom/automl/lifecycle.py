"""What every side of a training job shares: the progress topic and its payload, the
organization's limits, sending the job to a worker, and the hard bound. The user's side
(``service``) and the worker's side (``runs``, ``supervisor``) import this module, never
each other, so the modules form a line: service, runs, supervisor, runner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.automl.models import TrainingJob
from phantom.config import settings
from phantom.identity.tenants import TrainingQuota, training_quota
from phantom.kit.events import publish_on_commit
from phantom.kit.jobs import enqueue_job
from phantom.kit.rows import utcnow

PROGRESS_TOPIC = "automl.training.progress"


@dataclass(frozen=True, slots=True)
class Limits:
    min_budget_seconds: int
    max_budget_seconds: int
    max_concurrent_jobs: int


def limits_of(quota: TrainingQuota) -> Limits:
    """The organization's own limits where it has them, else the deployment's."""
    return Limits(
        min_budget_seconds=settings.TRAINING_MIN_BUDGET_SECONDS,
        max_budget_seconds=quota.max_budget_seconds or settings.TRAINING_MAX_BUDGET_SECONDS,
        max_concurrent_jobs=quota.max_concurrent_jobs or settings.TRAINING_MAX_CONCURRENT_JOBS,
    )


async def tenant_limits(
    session: AsyncSession, tenant_id: uuid.UUID, *, lock: bool = False
) -> Limits:
    """``lock`` holds the organization's row until the caller commits, so claims and
    dispatches of one organization take turns and its concurrency limit holds."""
    return limits_of(await training_quota(session, tenant_id, lock=lock))


HARD_BOUND_FIXED_SECONDS = 30


def hard_bound_seconds(budget: float) -> float:
    """Every job ends by this, whatever the engine does: 1.25 x budget + 30 s. The fixed
    part covers what does not shrink with the budget (the child's start-up, the baseline,
    choosing what serves, saving), 15 to 25 s on a busy 2-core host: with 15 s, jobs of
    15 and 20 s budgets that were nearly done were killed on a loaded CI host."""
    return 1.25 * budget + HARD_BOUND_FIXED_SECONDS


def progress_payload(job: TrainingJob, model_version_id: uuid.UUID | None = None) -> dict[str, Any]:
    """One shape for the live event and the snapshot a late subscriber gets first."""
    return {
        "jobId": str(job.id),
        "sequence": job.event_seq,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "leaderboard": job.leaderboard,
        "modelVersionId": str(model_version_id) if model_version_id else None,
        "occurredAt": utcnow().isoformat(),
    }


def publish_after_commit(
    session: AsyncSession, job: TrainingJob, model_version_id: uuid.UUID | None = None
) -> None:
    publish_on_commit(
        session, job.tenant_id, PROGRESS_TOPIC, progress_payload(job, model_version_id)
    )


def send_training(session: AsyncSession, job: TrainingJob) -> None:
    """The message goes after commit and carries only ids; Dramatiq's time limit is set
    from the job's own hard bound (its default of 10 minutes is wrong both ways)."""
    limit_ms = int((hard_bound_seconds(job.time_budget_seconds) + 120) * 1000)
    enqueue_job(
        session,
        "automl.train",
        options={"time_limit": limit_ms, "max_retries": 0},
        tenant_id=job.tenant_id,
        job_id=job.id,
    )
