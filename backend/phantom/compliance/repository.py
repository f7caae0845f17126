"""All compliance SQL. Identity's rows are identity's: erasure goes through its service."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.compliance.models import DataSubjectRequest, RequestStatus, SubjectKind
from phantom.kit.repository import Repository


class ComplianceRepository(Repository[DataSubjectRequest]):
    model = DataSubjectRequest
    noun = "Data subject request"

    def requests(self, status: str | None) -> Select[DataSubjectRequest]:
        statement = select(DataSubjectRequest).where(
            DataSubjectRequest.tenant_id == self.session.info["tenant_id"]
        )
        if status is not None:
            statement = statement.where(DataSubjectRequest.status == status)
        return statement

    async def other_requests_about(
        self, subject_id: uuid.UUID, but: uuid.UUID
    ) -> list[DataSubjectRequest]:
        """The tenant's other requests about this member, locked (their erasure clears
        what those kept)."""
        rows = await self.session.scalars(
            select(DataSubjectRequest)
            .where(
                DataSubjectRequest.subject_kind == SubjectKind.MEMBER.value,
                DataSubjectRequest.subject_id == subject_id,
                DataSubjectRequest.id != but,
            )
            .order_by(DataSubjectRequest.created_at)
            .with_for_update()
        )
        return list(rows.all())

    async def other_identifier_requests(self, but: uuid.UUID) -> list[DataSubjectRequest]:
        """The tenant's other requests that still hold a customer identifier, locked (an
        erasure clears those naming the same customer)."""
        rows = await self.session.scalars(
            select(DataSubjectRequest)
            .where(
                DataSubjectRequest.subject_kind == SubjectKind.IDENTIFIER.value,
                DataSubjectRequest.identifier_sealed.is_not(None),
                DataSubjectRequest.id != but,
            )
            .order_by(DataSubjectRequest.created_at)
            .with_for_update()
        )
        return list(rows.all())


async def open_requests(session: AsyncSession) -> list[DataSubjectRequest]:
    """Requests not yet closed (pending or approved, not executed or rejected), oldest
    first: the ones the one-month limit still runs for."""
    rows = await session.scalars(
        select(DataSubjectRequest)
        .where(
            DataSubjectRequest.status.in_(
                [RequestStatus.PENDING.value, RequestStatus.APPROVED.value]
            )
        )
        .order_by(DataSubjectRequest.created_at)
    )
    return list(rows.all())
