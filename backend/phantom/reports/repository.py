"""All SQL of generated model reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.kit.repository import Repository
from phantom.reports.models import ModelReport


class ReportRepository(Repository[ModelReport]):
    model = ModelReport
    noun = "Model report"

    async def latest(self, version_id: uuid.UUID) -> ModelReport | None:
        return await self.session.scalar(
            select(ModelReport)
            .where(ModelReport.model_version_id == version_id)
            .order_by(ModelReport.generated_at.desc(), ModelReport.id.desc())
            .limit(1)
        )

    async def newest_of(
        self, version_ids: Sequence[uuid.UUID], limit: int
    ) -> dict[uuid.UUID, list[ModelReport]]:
        """Each version's newest ``limit`` reports, newest first, in one query."""
        rank = (
            func.row_number()
            .over(
                partition_by=ModelReport.model_version_id,
                order_by=(ModelReport.generated_at.desc(), ModelReport.id.desc()),
            )
            .label("rank")
        )
        ranked = (
            select(ModelReport.id, rank)
            .where(
                ModelReport.model_version_id.in_(set(version_ids)),
                ModelReport.tenant_id == self._tenant_id(),
            )
            .subquery()
        )
        statement = (
            select(ModelReport)
            .join(ranked, ranked.c.id == ModelReport.id)
            .where(ranked.c.rank <= limit)
            .order_by(ModelReport.generated_at.desc(), ModelReport.id.desc())
        )
        found: dict[uuid.UUID, list[ModelReport]] = {v: [] for v in version_ids}
        for report in (await self.session.scalars(statement)).all():
            found[report.model_version_id].append(report)
        return found

    def _tenant_id(self) -> uuid.UUID:
        # explicit: the ORM-level tenant criteria do not reach into a subquery's columns
        tenant_id: uuid.UUID = self.session.info["tenant_id"]
        return tenant_id


async def newest_generated(
    session: AsyncSession, version_ids: set[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When each of these versions' newest report was generated (absent: none)."""
    rows = await session.execute(
        select(ModelReport.model_version_id, func.max(ModelReport.generated_at))
        .where(ModelReport.model_version_id.in_(version_ids))
        .group_by(ModelReport.model_version_id)
    )
    return {row[0]: row[1] for row in rows}
