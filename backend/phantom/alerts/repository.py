"""All alert SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, delete, select

from phantom.alerts.models import ACTIVE, Alert, AlertRule, AlertStreak
from phantom.kit.repository import Repository


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

    def listing(self, status: str | None) -> Select[Alert]:
        statement = select(Alert)
        if status is not None:
            statement = statement.where(Alert.status == status)
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


class StreakRepository(Repository[AlertStreak]):
    model = AlertStreak
    noun = "Alert streak"

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
