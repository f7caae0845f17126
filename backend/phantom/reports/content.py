"""Everything a model report says, gathered in ONE place (``gather``).

Each section's data comes in the shape its owner stores (docs/governance.md); a section
whose data is absent is None and the report says "not available for this version".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.approvals.service import approvals as approvals_service
from phantom.automl.service import training
from phantom.automl.tasks import METRICS
from phantom.datasets.service import profile_summary
from phantom.identity.members import members
from phantom.identity.principal import Principal
from phantom.kit.errors import Forbidden
from phantom.monitoring.service import drift_summary
from phantom.registry.service import registry

if TYPE_CHECKING:  # the registry's row type, read through its service
    from phantom.registry.models import ModelVersion


@dataclass(frozen=True, slots=True)
class ReportData:
    """What ``render`` turns into HTML: plain data only (JSON-like), never rows."""

    report_id: str
    generated_at: datetime
    generated_by: str
    organization: str
    model: dict[str, Any]
    documentation: dict[str, str | None]
    lineage: dict[str, Any]
    metrics: dict[str, float]
    feature_importance: list[dict[str, Any]] = field(default_factory=list)
    reproducibility: dict[str, Any] | None = None  # shapes: `reproducibility`
    insights: dict[str, Any] | None = None  # shapes: `insights`
    explanation_summary: dict[str, Any] | None = None  # shapes: `explanation_summary`
    fairness: list[dict[str, Any]] | None = None  # shapes: `fairness`
    drift: dict[str, Any] | None = None  # monitoring.service.drift_summary
    approvals: list[dict[str, Any]] | None = None  # rows of `promotion_requests`, see below


async def gather(
    session: AsyncSession,
    principal: Principal,
    version: ModelVersion,
    model_name: str,
    *,
    report_id: str,
    generated_at: datetime,
    generated_by: str,
    organization: str,
) -> ReportData:
    """The report's data for one version, read in the generator's transaction (tenant
    scoped). The caller has checked the permission to generate."""
    job = (
        await training.training_record(session, version.training_job_id)
        if version.training_job_id
        else None
    )
    profile = await profile_summary(session, version.dataset_id) if version.dataset_id else None
    metric = METRICS.get(version.metric)
    governance = await registry.governance_record(session, version.id)
    return ReportData(
        report_id=report_id,
        generated_at=generated_at,
        generated_by=generated_by,
        organization=organization,
        model={
            "name": model_name,
            "version": version.version,
            "id": str(version.id),
            "stage": version.stage,
            "engine": version.engine,
            "task_type": version.task_type,
            "target": version.target,
            "metric": version.metric,
            "higher_is_better": metric.higher_is_better if metric else None,
            "best_model": version.best_model_name,
            "serving_model": version.serving_model,
            "serving_reason": version.serving_reason,
            "classes": [str(c) for c in version.classes] if version.classes else None,
            "features": [dict(f) for f in version.features],
            "created_at": version.created_at.isoformat(),
            "artifact_hash": version.artifact_hash,
        },
        documentation={
            "intended_use": version.intended_use,
            "owner": version.owner,
            "limitations": version.limitations,
        },
        lineage={
            "dataset_name": version.dataset_name,
            "content_hash": version.dataset_content_hash,
            "profile": profile,
            "dropped_columns": job["dropped_columns"] if job else None,
            "excluded_columns": job["excluded_columns"] if job else None,
        },
        metrics=dict(version.metrics),
        feature_importance=job["feature_importance"] if job else [],
        reproducibility=governance["reproducibility"],
        insights=governance["insights"],
        explanation_summary=governance["explanation_summary"],
        fairness=governance["fairness"],
        drift=await drift_summary(session, version.id),
        approvals=await approval_history(session, principal, version.id),
    )


async def approval_history(
    session: AsyncSession, principal: Principal, version_id: Any
) -> list[dict[str, Any]]:
    """The version's promotion requests, oldest first, with people by display name (as
    far as the generator may see names; erased people stay unnamed)."""
    found = await approvals_service.of_versions(session, principal, {version_id})
    requests = sorted(found.get(version_id, []), key=lambda r: r.requested_at)
    people = {r.requested_by for r in requests} | {r.decided_by for r in requests if r.decided_by}
    try:
        names = await members.display_names(session, principal, people) if people else {}
    except Forbidden:
        names = {}
    return [
        {
            "stage": r.stage,
            "justification": r.justification,
            "status": r.status,
            "requested_by": names.get(r.requested_by),
            "requested_at": r.requested_at.isoformat(timespec="seconds"),
            "decided_by": names.get(r.decided_by) if r.decided_by else None,
            "decided_at": r.decided_at.isoformat(timespec="seconds") if r.decided_at else None,
            "comment": r.comment,
            "report_id": str(r.report_id) if r.report_id else None,
            "report_sha256": r.report_sha256,
        }
        for r in requests
    ]
