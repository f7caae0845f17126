"""All compliance SQL. Identity's rows are identity's: erasure goes through its service."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.compliance.models import DataSubjectRequest, RequestStatus
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
