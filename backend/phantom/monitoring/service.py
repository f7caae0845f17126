"""Monitoring's operations: read a version's health, refresh it (and hand its signals to
alerts), and set the tenant's drift thresholds. Outcomes: ``outcomes.py``.

Permissions: reading health is ``models:read`` (whoever sees a model sees how it does);
refreshing is ``models:promote`` (it fires alerts and webhooks, so it belongs to those
who operate models, not to every reader); thresholds are ``models:promote`` too.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.compliance.hooks import IdentifierSource, register_identifier_source
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput
from phantom.monitoring import drift as d
from phantom.monitoring import erasure
from phantom.monitoring import health as h
from phantom.monitoring import repository as monitoring_rows
from phantom.monitoring.models import MonitoringSettings, PredictionLogRetention
from phantom.monitoring.predictionlog import retention_days
from phantom.monitoring.repository import (
    OutcomeRepository,
    RetentionRepository,
    SettingsRepository,
)

MAX_MIN_ROWS = 1_000_000
MAX_PSI = 10.0
MAX_RETENTION_DAYS = 3650  # ten years: what a bank's record-keeping may ask for


class MonitoringService:
    @requires(P.MODELS_READ)
    async def health(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        window: h.HealthWindow,
        since: datetime | None,
    ) -> h.Health:
        return await h.compute(session, version_id, window, since)

    @requires(P.MODELS_PROMOTE)
    async def refresh(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> h.Health:
        """Compute now and let the alert rules judge the latest window."""
        health = await refresh_version(session, principal.tenant_id, version_id)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="monitoring.health.refreshed",
            resource=("model_version", version_id),
            details={"status": health.status.value, "predictions": health.predictions},
        )
        return health

    @requires(P.MODELS_READ)
    async def thresholds(self, session: AsyncSession, principal: Principal) -> d.Thresholds:
        return await h.thresholds_of(session)

    @requires(P.MODELS_PROMOTE)
    async def set_thresholds(
        self,
        session: AsyncSession,
        principal: Principal,
        psi_warn: float,
        psi_alert: float,
        min_rows: int,
    ) -> d.Thresholds:
        if not (0 < psi_warn < psi_alert <= MAX_PSI):
            raise BadUserInput(
                f"Thresholds need 0 < psiWarn < psiAlert <= {MAX_PSI}; got warn {psi_warn}, "
                f"alert {psi_alert}."
            )
        if not (1 <= min_rows <= MAX_MIN_ROWS):
            raise BadUserInput(f"minRows must be between 1 and {MAX_MIN_ROWS}; got {min_rows}.")
        repo = SettingsRepository(session)
        row = await repo.current(for_update=True)
        if row is None:
            row = await repo.add(
                MonitoringSettings(psi_warn=psi_warn, psi_alert=psi_alert, min_rows=min_rows)
            )
        else:
            row.psi_warn, row.psi_alert, row.min_rows = psi_warn, psi_alert, min_rows
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="monitoring.thresholds.set",
            resource=("tenant", principal.tenant_id),
            details={"psi_warn": psi_warn, "psi_alert": psi_alert, "min_rows": min_rows},
        )
        return d.Thresholds(psi_warn=psi_warn, psi_alert=psi_alert, min_rows=min_rows)


class PredictionLogRetentionService:
    """How long the tenant keeps raw scored rows (inputs may be personal data): a
    compliance decision, under ``retention:manage`` like the audit log's."""

    @requires(P.RETENTION_MANAGE)
    async def days(self, session: AsyncSession, principal: Principal) -> int:
        return await retention_days(session)

    @requires(P.RETENTION_MANAGE)
    async def set_days(self, session: AsyncSession, principal: Principal, days: int | None) -> int:
        """``None`` returns to the deployment's default."""
        if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
            raise BadUserInput(
                f"Keep the prediction log 1 to {MAX_RETENTION_DAYS} days; got {days}."
            )
        repo = RetentionRepository(session)
        row = await repo.current(for_update=True)
        previous = row.days if row is not None else None
        if days is None and row is not None:
            await repo.delete(row)
        elif days is not None and row is None:
            await repo.add(PredictionLogRetention(days=days))
        elif days is not None and row is not None:
            row.days = days
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="monitoring.prediction_log_retention.set",
            resource=("tenant", principal.tenant_id),
            details={"days": days, "previous_days": previous},
        )
        return await retention_days(session)


prediction_log_retention = PredictionLogRetentionService()


async def realized_outcomes(
    session: AsyncSession, version_id: uuid.UUID, since: datetime
) -> list[tuple[datetime, str, Any]]:
    """(window start, actual as stored text, what was predicted) of the version's outcomes
    predicted since then, oldest first, bounded like realized performance; for the value
    domain, which checks its own permission."""
    rows = await OutcomeRepository(session).in_windows(version_id, since)
    return [(row.window_start, row.actual, row.predicted) for row in rows]


async def realized_outcomes_of(
    session: AsyncSession, version_ids: set[uuid.UUID], since: datetime
) -> dict[uuid.UUID, list[tuple[datetime, str, Any]]]:
    """``realized_outcomes`` of several versions in one query (the executive overview)."""
    found: dict[uuid.UUID, list[tuple[datetime, str, Any]]] = {v: [] for v in version_ids}
    for row in await OutcomeRepository(session).of_versions_since(version_ids, since):
        found[row.model_version_id].append((row.window_start, row.actual, row.predicted))
    return found


async def drift_summary(session: AsyncSession, version_id: uuid.UUID) -> dict[str, Any] | None:
    """``modelHealth``'s latest window (daily) as plain data, for documents (reports/);
    None when the version has served nothing yet. Callers check their own permission."""
    health = await h.compute(session, version_id, h.HealthWindow.DAY, None)
    latest = health.latest
    if latest is None:
        return None
    return {
        "status": health.status.value,
        "window_start": latest.start.isoformat(),
        "window_end": latest.end.isoformat(),
        "predictions": latest.predictions,
        "features": [
            {"feature": f.feature, "psi": f.psi, "status": f.status.value} for f in latest.drift
        ],
    }


async def refresh_version(
    session: AsyncSession, tenant_id: uuid.UUID, version_id: uuid.UUID
) -> h.Health:
    """The hour view of the last day, its latest window judged by the alert rules (the
    periodic job and ``refreshModelHealth``)."""
    health = await h.compute(session, version_id, h.HealthWindow.HOUR, None)
    await h.evaluate_alerts(session, tenant_id, version_id, health)
    return health


monitoring = MonitoringService()


# --- for the overviews (phantom.overview), which check their own permission first ---


async def logged_rows_per_version(
    session: AsyncSession, version_ids: set[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, int]:
    """Real-time predictions of these versions in [since, until)."""
    return await monitoring_rows.logged_rows_per_version(session, version_ids, since, until)


async def logged_rows_per_day(
    session: AsyncSession, since: datetime, until: datetime
) -> dict[date, int]:
    """Real-time predictions (the prediction log's ``prediction_batches``) by UTC day."""
    return await monitoring_rows.logged_rows_per_day(session, since, until)


register_identifier_source(
    "prediction_log", IdentifierSource(find=erasure.find, erase=erasure.erase)
)
