"""All compliance SQL. Identity's rows are identity's: erasure goes through its service."""

from __future__ import annotations

from sqlalchemy import Select, select

from phantom.compliance.models import DataSubjectRequest
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
