"""All of monitoring's SQL: one repository per table."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from phantom.kit.repository import Repository
from phantom.monitoring.models import (
    MonitoringSettings,
    MonitoringWindow,
    PredictionBatch,
    PredictionLogRetention,
    PredictionOutcome,
)

MAX_OUTCOMES_SCORED = 100_000  # per window: realized metrics from at most this many


class WindowRepository(Repository[MonitoringWindow]):
    model = MonitoringWindow
    noun = "Monitoring window"

    async def for_update(self, version_id: uuid.UUID, start: datetime) -> MonitoringWindow | None:
        return await self.session.scalar(
            select(MonitoringWindow)
            .where(MonitoringWindow.model_version_id == version_id, MonitoringWindow.start == start)
            .with_for_update()
        )

    async def insert_or_lock(self, window: MonitoringWindow) -> MonitoringWindow:
        """Insert the hour's row; when another flush inserted it first, lock theirs.
        SQLite (standalone: one process, one writer at a time) needs no savepoint, and
        pysqlite's SAVEPOINT outside an explicit transaction would commit on release."""
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.add(window)
            await self.session.flush()
            return window
        try:
            async with self.session.begin_nested():
                self.session.add(window)
        except IntegrityError:
            found = await self.for_update(window.model_version_id, window.start)
            if found is None:
                raise
            return found
        return window

    async def between(
        self, version_id: uuid.UUID, since: datetime, until: datetime | None = None
    ) -> list[MonitoringWindow]:
        statement = select(MonitoringWindow).where(
            MonitoringWindow.model_version_id == version_id, MonitoringWindow.start >= since
        )
        if until is not None:
            statement = statement.where(MonitoringWindow.start < until)
        return list((await self.session.scalars(statement.order_by(MonitoringWindow.start))).all())


class SystemWindowRepository:
    """Across tenants, for the periodic refresh only."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def active_versions(self, since: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(tenant, version) of every version with traffic since ``since``."""
        rows = await self.session.execute(
            select(MonitoringWindow.tenant_id, MonitoringWindow.model_version_id)
            .where(MonitoringWindow.start >= since)
            .distinct()
            .execution_options(all_tenants=True)  # tenant-scope: the scheduler visits each
        )
        return [(row[0], row[1]) for row in rows]


class OutcomeRepository(Repository[PredictionOutcome]):
    model = PredictionOutcome
    noun = "Outcome"

    async def existing(
        self, version_id: uuid.UUID, prediction_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, PredictionOutcome]:
        if not prediction_ids:
            return {}
        rows = await self.session.scalars(
            select(PredictionOutcome)
            .where(
                PredictionOutcome.model_version_id == version_id,
                PredictionOutcome.prediction_id.in_(prediction_ids),
            )
            .with_for_update()
        )
        return {row.prediction_id: row for row in rows}

    async def in_windows(
        self, version_id: uuid.UUID, since: datetime, until: datetime | None = None
    ) -> list[PredictionOutcome]:
        statement = select(PredictionOutcome).where(
            PredictionOutcome.model_version_id == version_id,
            PredictionOutcome.window_start >= since,
        )
        if until is not None:
            statement = statement.where(PredictionOutcome.window_start < until)
        statement = statement.order_by(PredictionOutcome.window_start).limit(MAX_OUTCOMES_SCORED)
        return list((await self.session.scalars(statement)).all())

    async def of_versions_since(
        self, version_ids: set[uuid.UUID], since: datetime
    ) -> list[PredictionOutcome]:
        """The outcomes of several versions in one query, bounded like ``in_windows`` per
        version on average."""
        if not version_ids:
            return []
        statement = (
            select(PredictionOutcome)
            .where(
                PredictionOutcome.model_version_id.in_(version_ids),
                PredictionOutcome.window_start >= since,
            )
            .order_by(PredictionOutcome.window_start)
            .limit(MAX_OUTCOMES_SCORED * len(version_ids))
        )
        return list((await self.session.scalars(statement)).all())


class SettingsRepository(Repository[MonitoringSettings]):
    model = MonitoringSettings
    noun = "Monitoring settings"

    async def current(self, *, for_update: bool = False) -> MonitoringSettings | None:
        statement = select(MonitoringSettings)
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)


class RetentionRepository(Repository[PredictionLogRetention]):
    model = PredictionLogRetention
    noun = "Prediction log retention"

    async def current(self, *, for_update: bool = False) -> PredictionLogRetention | None:
        statement = select(PredictionLogRetention)
        if for_update:
            statement = statement.with_for_update(key_share=True)
        return await self.session.scalar(statement)


async def logged_rows_per_version(
    session: Any, version_ids: set[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, int]:
    """Real-time rows of these versions whose batch's first call is in [since, until)."""
    if not version_ids:
        return {}
    rows = await session.execute(
        select(PredictionBatch.model_version_id, func.sum(PredictionBatch.rows))
        .where(
            PredictionBatch.model_version_id.in_(version_ids),
            PredictionBatch.first_at >= since,
            PredictionBatch.first_at < until,
        )
        .group_by(PredictionBatch.model_version_id)
    )
    return {row[0]: int(row[1] or 0) for row in rows}


async def logged_rows_per_day(session: Any, since: datetime, until: datetime) -> dict[date, int]:
    """Real-time rows from the prediction log's batches whose first call is in
    [since, until), by UTC day (a batch spans seconds, so its first call dates it)."""
    day = func.date(PredictionBatch.first_at)
    rows = await session.execute(
        select(day, func.sum(PredictionBatch.rows))
        .where(PredictionBatch.first_at >= since, PredictionBatch.first_at < until)
        .group_by(day)
    )
    return {
        (row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))): int(row[1] or 0)
        for row in rows
    }
