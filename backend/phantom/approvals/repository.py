"""All approvals SQL: one repository per table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.approvals.models import PromotionPolicy, PromotionRequest, PromotionStatus
from phantom.kit.repository import Repository

PENDING = PromotionStatus.PENDING.value


class PolicyRepository(Repository[PromotionPolicy]):
    model = PromotionPolicy
    noun = "Promotion policy"

    async def current(self, *, for_update: bool = False) -> PromotionPolicy | None:
        statement = select(PromotionPolicy)
        if for_update:
            statement = statement.with_for_update(key_share=True)
        row: PromotionPolicy | None = await self.session.scalar(statement)
        return row


class RequestRepository(Repository[PromotionRequest]):
    model = PromotionRequest
    noun = "Promotion request"

    def listing(self, status: str | None) -> Select[PromotionRequest]:
        statement = select(PromotionRequest)
        if status is not None:
            statement = statement.where(PromotionRequest.status == status)
        return statement

    async def of_version(self, version_id: uuid.UUID) -> list[PromotionRequest]:
        """The version's history, newest first."""
        statement = (
            select(PromotionRequest)
            .where(PromotionRequest.model_version_id == version_id)
            .order_by(PromotionRequest.requested_at.desc(), PromotionRequest.id.desc())
        )
        return list((await self.session.scalars(statement)).all())

    async def of_versions(self, version_ids: set[uuid.UUID]) -> list[PromotionRequest]:
        statement = (
            select(PromotionRequest)
            .where(PromotionRequest.model_version_id.in_(version_ids))
            .order_by(PromotionRequest.requested_at.desc(), PromotionRequest.id.desc())
        )
        return list((await self.session.scalars(statement)).all())

    async def pending(
        self, version_id: uuid.UUID, stage: str, *, for_update: bool = False
    ) -> PromotionRequest | None:
        statement = select(PromotionRequest).where(
            PromotionRequest.model_version_id == version_id,
            PromotionRequest.stage == stage,
            PromotionRequest.status == PENDING,
        )
        if for_update:
            statement = statement.with_for_update(key_share=True)
        row: PromotionRequest | None = await self.session.scalar(statement)
        return row

    async def count_pending(self, now: datetime) -> int:
        """Requests that can still be decided (pending and not past their expiry)."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(PromotionRequest)
            .where(PromotionRequest.status == PENDING, PromotionRequest.expires_at > now)
        )
        return int(count or 0)

    async def due_to_expire(self, now: datetime, limit: int = 1000) -> list[PromotionRequest]:
        """Pending requests past their expiry, locked (skipping rows a decision holds)."""
        statement = (
            select(PromotionRequest)
            .where(PromotionRequest.status == PENDING, PromotionRequest.expires_at <= now)
            .order_by(PromotionRequest.expires_at)
            .limit(limit)
            .with_for_update(key_share=True, skip_locked=True)
        )
        return list((await self.session.scalars(statement)).all())


async def pending_summary(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many requests wait for a decision, and when the oldest was made."""
    row = (
        await session.execute(
            select(func.count(), func.min(PromotionRequest.requested_at)).where(
                PromotionRequest.status == PENDING
            )
        )
    ).one()
    return int(row[0]), row[1]


async def pending_version_ids(session: AsyncSession) -> set[uuid.UUID]:
    rows = await session.scalars(
        select(PromotionRequest.model_version_id).where(PromotionRequest.status == PENDING)
    )
    return set(rows.all())


async def last_approved(
    session: AsyncSession, version_ids: set[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """The newest approval's decision time per version, among these."""
    rows = await session.execute(
        select(PromotionRequest.model_version_id, func.max(PromotionRequest.decided_at))
        .where(
            PromotionRequest.model_version_id.in_(version_ids),
            PromotionRequest.status == PromotionStatus.APPROVED.value,
        )
        .group_by(PromotionRequest.model_version_id)
    )
    return {row[0]: row[1] for row in rows if row[1] is not None}
