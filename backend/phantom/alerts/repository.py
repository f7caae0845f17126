"""All alert SQL."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.alerts.models import ACTIVE, Alert, AlertRule, AlertStreak
from phantom.kit.repository import Repository


async def _insert_unless_present(
    session: AsyncSession,
    model: Any,
    values: dict[str, Any],
    conflict: list[str],
    where: Any = None,
) -> uuid.UUID | None:
    """``INSERT ... ON CONFLICT DO NOTHING``: the new row's id, or None when a concurrent
    transaction holds the same key (no savepoint needed: SQLite's driver mishandles them)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(model)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(index_elements=conflict, index_where=where)
        .returning(model.id)
    )
    inserted: uuid.UUID | None = await session.scalar(statement)
    return inserted


class RuleRepository(Repository[AlertRule]):
    model = AlertRule
    noun = "Alert rule"

    async def of_version(self, version_id: uuid.UUID) -> list[AlertRule]:
        statement = (
            select(AlertRule)
            .where(AlertRule.model_version_id == version_id)
            .order_by(AlertRule.kind, AlertRule.feature, AlertRule.severity)
        )
        return list((await self.session.scalars(statement)).all())

    async def replace(self, version_id: uuid.UUID, rules: list[AlertRule]) -> None:
        await self.session.execute(
            delete(AlertRule).where(AlertRule.model_version_id == version_id)
        )
        self.session.add_all(rules)
        await self.session.flush()


class AlertRepository(Repository[Alert]):
    model = Alert
    noun = "Alert"

    def listing(self, status: str | None, version_id: uuid.UUID | None) -> Select[Alert]:
        statement = select(Alert)
        if status is not None:
            statement = statement.where(Alert.status == status)
        if version_id is not None:
            statement = statement.where(Alert.model_version_id == version_id)
        return statement

    async def active(self, version_id: uuid.UUID, kind: str, subject: str) -> Alert | None:
        """The open or acknowledged alert of this version, kind and subject, row-locked."""
        return await self.session.scalar(
            select(Alert)
            .where(
                Alert.model_version_id == version_id,
                Alert.kind == kind,
                Alert.subject == subject,
                Alert.status.in_(ACTIVE),
            )
            .with_for_update(key_share=True)
        )

    async def open_new(self, values: dict[str, Any]) -> Alert | None:
        """A new OPEN alert, or None when another transaction opened the same one."""
        new_id = await _insert_unless_present(
            self.session,
            Alert,
            values,
            ["model_version_id", "kind", "subject"],
            text("status IN ('OPEN', 'ACKNOWLEDGED')"),
        )
        return await self.get(new_id) if new_id is not None else None


class StreakRepository(Repository[AlertStreak]):
    model = AlertStreak
    noun = "Alert streak"

    async def of_version(self, version_id: uuid.UUID) -> list[AlertStreak]:
        """Every streak of the version, row-locked in one order (two refreshes of the
        same version take turns instead of deadlocking)."""
        statement = (
            select(AlertStreak)
            .where(AlertStreak.model_version_id == version_id)
            .order_by(AlertStreak.id)
            .with_for_update(key_share=True)
        )
        return list((await self.session.scalars(statement)).all())

    async def of(
        self, version_id: uuid.UUID, kind: str, subject: str, severity: str, window: str
    ) -> AlertStreak | None:
        return await self.session.scalar(
            select(AlertStreak)
            .where(
                AlertStreak.model_version_id == version_id,
                AlertStreak.kind == kind,
                AlertStreak.subject == subject,
                AlertStreak.severity == severity,
                AlertStreak.window == window,
            )
            .with_for_update(key_share=True)
        )

    async def start(self, values: dict[str, Any]) -> AlertStreak | None:
        """A new streak row, or None when another transaction made the same one."""
        new_id = await _insert_unless_present(
            self.session,
            AlertStreak,
            values,
            ["model_version_id", "kind", "subject", "severity", "window"],
        )
        return await self.get(new_id) if new_id is not None else None


async def active_by_severity(session: AsyncSession) -> dict[str, int]:
    """Open or acknowledged (not yet resolved) alerts, counted by severity."""
    rows = await session.execute(
        select(Alert.severity, func.count())
        .where(Alert.status.in_(ACTIVE))
        .group_by(Alert.severity)
    )
    return {row[0]: int(row[1]) for row in rows}


async def active_versions_of_kinds(session: AsyncSession, kinds: set[str]) -> set[uuid.UUID]:
    rows = await session.scalars(
        select(Alert.model_version_id)
        .where(Alert.status.in_(ACTIVE), Alert.kind.in_(kinds))
        .distinct()
    )
    return set(rows.all())
