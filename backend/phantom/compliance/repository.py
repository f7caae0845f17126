"""All compliance SQL. Identity's rows are identity's: erasure goes through its service."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.compliance.models import DataSubjectRequest


class ComplianceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *objects: object) -> None:
        self.session.add_all(objects)
        await self.session.flush()

    async def request(
        self, request_id: uuid.UUID, *, lock: bool = False
    ) -> DataSubjectRequest | None:
        statement = select(DataSubjectRequest).where(DataSubjectRequest.id == request_id)
        if lock:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    def requests(self, status: str | None) -> Select[DataSubjectRequest]:
        statement = select(DataSubjectRequest).where(
            DataSubjectRequest.tenant_id == self.session.info["tenant_id"]
        )
        if status is not None:
            statement = statement.where(DataSubjectRequest.status == status)
        return statement
