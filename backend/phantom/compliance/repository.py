"""All compliance SQL, including the erasure of a member's rows in identity tables (the
tenant's own rows, in the tenant's transaction; the global user row in a system one)."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.compliance.models import DataSubjectRequest
from phantom.identity.models import ApiToken, Membership, User, UserSession


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

    async def member(self, email: str) -> tuple[Membership, User] | None:
        """A member of the session's tenant, in any status, by email."""
        row = (
            await self.session.execute(
                select(Membership, User)
                .join(User, User.id == Membership.user_id)
                .where(User.email == email)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def member_by_id(self, user_id: uuid.UUID) -> tuple[Membership, User] | None:
        row = (
            await self.session.execute(
                select(Membership, User)
                .join(User, User.id == Membership.user_id)
                .where(User.id == user_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def erase_member_rows(self, user_id: uuid.UUID) -> dict[str, int]:
        """The member's sessions, API tokens and membership in the session's tenant."""
        sessions = await self.session.execute(
            delete(UserSession).where(UserSession.user_id == user_id)
        )
        tokens = await self.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        memberships = await self.session.execute(
            delete(Membership).where(Membership.user_id == user_id)
        )
        return {
            "sessions_deleted": int(sessions.rowcount or 0),  # type: ignore[attr-defined]
            "api_tokens_deleted": int(tokens.rowcount or 0),  # type: ignore[attr-defined]
            "memberships_deleted": int(memberships.rowcount or 0),  # type: ignore[attr-defined]
        }


class UserRecordRepository:
    """The global user row, in a system transaction (users belong to no one tenant)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def other_memberships(self, user_id: uuid.UUID) -> int:
        statement = (
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == user_id)
            .execution_options(all_tenants=True)  # tenant-scope: does the person remain elsewhere
        )
        return int(await self.session.scalar(statement) or 0)

    async def delete_user(self, user_id: uuid.UUID) -> bool:
        result = await self.session.execute(delete(User).where(User.id == user_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]
