"""The composition root of jobs: every domain's actors, and the schedules that name them.

Domains declare actors with ``phantom.kit.jobs.actor`` and send jobs by name; only this
module imports their ``jobs`` modules, so no domain imports the worker and jobs form no
import loop. ``phantom worker`` runs ``dramatiq phantom.actors``; the app (``phantom api``
and ``phantom standalone``) and the CLI import it so that every name they send is known.
It also loads ``phantom.models``: a worker process maps every table, as the API does.
"""

from __future__ import annotations

from types import ModuleType

import phantom.models  # noqa: F401 - every table mapped: a domain's rows name others' (tenants)
from phantom.approvals import jobs as approvals_jobs
from phantom.audit import jobs as audit_jobs
from phantom.automl import jobs as automl_jobs
from phantom.batch import jobs as batch_jobs
from phantom.config import settings
from phantom.datasets import jobs as datasets_jobs
from phantom.identity import jobs as identity_jobs
from phantom.kit.jobs import HOUSEKEEPING_SCHEDULE, PeriodicScheduler, Schedule, broker
from phantom.monitoring import jobs as monitoring_jobs
from phantom.ops import jobs as ops_jobs
from phantom.webhooks import jobs as webhooks_jobs

JOB_MODULES: tuple[ModuleType, ...] = (
    approvals_jobs,
    audit_jobs,
    automl_jobs,
    batch_jobs,
    datasets_jobs,
    identity_jobs,
    monitoring_jobs,
    ops_jobs,
    webhooks_jobs,
)

SCHEDULES = [
    Schedule(
        HOUSEKEEPING_SCHEDULE,
        settings.HOUSEKEEPING_INTERVAL_SECONDS,
        (
            "identity.schedule_housekeeping",
            "audit.schedule_maintenance",
            "monitoring.schedule_log_retention",
            "approvals.schedule_expiry",
        ),
    ),
    Schedule(
        "training-reconcile",
        settings.TRAINING_RECONCILE_SECONDS,
        ("automl.reconcile", "batch.reconcile"),  # batch jobs share training's leases
    ),
    Schedule("webhooks-sweep", 60, ("webhooks.sweep",)),  # deliveries whose message was lost
    Schedule("datasets-reconcile", 60, ("datasets.reconcile",)),  # profiling messages lost
    Schedule("storage-sweep", 60, ("ops.sweep_deletions",)),  # objects the store refused
    Schedule(
        "monitoring-refresh", settings.MONITORING_REFRESH_SECONDS, ("monitoring.refresh_health",)
    ),
]

broker.add_middleware(PeriodicScheduler(SCHEDULES))
