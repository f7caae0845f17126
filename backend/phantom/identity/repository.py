"""All identity SQL, one repository per table. Lookups by credential hash run before the
tenant is known, so they carry the named escape hatch."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload

from phantom.identity.models import (
    ApiToken,
    Membership,
    MembershipStatus,
    Tenant,
    User,
    UserSession,
)
from phantom.kit.repository import Repository


class TenantRepository(Repository[Tenant]):
    model = Tenant
    noun = "Organization"

    async def by_slug(self, slug: str) -> Tenant | None:
        return await self.session.scalar(select(Tenant).where(Tenant.slug == slug))

    async def all_ids(self) -> list[uuid.UUID]:
        return list((await self.session.scalars(select(Tenant.id).order_by(Tenant.slug))).all())


class UserRepository(Repository[User]):
    """Users are global: they belong to no single tenant."""

    model = User
    noun = "User"

    async def by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email))

    async def delete_by_id(self, user_id: uuid.UUID) -> bool:
        result = await self.session.execute(delete(User).where(User.id == user_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def display_names(self, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(User.id, User.display_name).where(User.id.in_(user_ids))
        )
        return {row[0]: row[1] for row in rows}


class MembershipRepository(Repository[Membership]):
    model = Membership
    noun = "Member"

    async def of(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        return await self.session.scalar(
            select(Membership)
            .where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
            .execution_options(all_tenants=True)  # tenant-scope: tenant given explicitly
        )

    async def active_member(
        self, tenant_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[Tenant, User] | None:
        """The tenant and the user, if the user is an active member of it."""
        row = (
            await self.session.execute(
                select(Tenant, User)
                .join(Membership, Membership.tenant_id == Tenant.id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Tenant.id == tenant_id,
                    User.id == user_id,
                    User.is_active.is_(True),
                    Membership.status == MembershipStatus.ACTIVE,
                )
                .execution_options(all_tenants=True)  # tenant-scope: from the credential
            )
        ).first()
        return None if row is None else (row[0], row[1])

    def listing(self, search: str | None, status: str | None) -> Select[Membership]:
        """The session's tenant's members with their users, for pagination."""
        statement = (
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .options(contains_eager(Membership.user))
        )
        if status is not None:
            statement = statement.where(Membership.status == status)
        if search:
            escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            statement = statement.where(
                or_(
                    func.lower(User.email).like(pattern, escape="\\"),
                    func.lower(User.display_name).like(pattern, escape="\\"),
                )
            )
        return statement

    async def of_user(self, user_id: uuid.UUID) -> Membership | None:
        """The membership in the session's tenant, with its user loaded."""
        return await self.session.scalar(
            select(Membership)
            .where(Membership.user_id == user_id)
            .options(joinedload(Membership.user))
        )

    async def of_users(self, user_ids: list[uuid.UUID]) -> list[Membership]:
        rows = await self.session.scalars(
            select(Membership)
            .where(Membership.user_id.in_(user_ids))
            .options(joinedload(Membership.user))
        )
        return list(rows.all())

    async def by_invite(self, invite_hash: str) -> Membership | None:
        return await self.session.scalar(
            select(Membership)
            .where(Membership.invite_hash == invite_hash)
            .options(joinedload(Membership.user))
            .execution_options(all_tenants=True)  # tenant-scope: the invitation determines it
        )

    async def by_email(self, email: str) -> Membership | None:
        """A membership of the session's tenant, in any status, with its user."""
        return await self.session.scalar(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email)
            .options(contains_eager(Membership.user))
        )

    async def active_user_ids(
        self, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]
    ) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(Membership.user_id)
            .where(
                Membership.tenant_id == tenant_id,
                Membership.user_id.in_(user_ids),
                Membership.status == MembershipStatus.ACTIVE,
            )
            .execution_options(all_tenants=True)  # tenant-scope: tenant given explicitly
        )
        return list(rows.all())

    async def count_anywhere(self, user_id: uuid.UUID) -> int:
        statement = (
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == user_id)
            .execution_options(all_tenants=True)  # tenant-scope: does the person remain elsewhere
        )
        return int(await self.session.scalar(statement) or 0)

    async def established_elsewhere(self, user_id: uuid.UUID, tenant_id: uuid.UUID) -> bool:
        """Whether another organization relies on the account as it is: a membership
        there that is more than a pending invitation, or is linked to an IdP identity."""
        statement = (
            select(Membership.id)
            .where(
                Membership.user_id == user_id,
                Membership.tenant_id != tenant_id,
                or_(
                    Membership.status != MembershipStatus.INVITED,
                    Membership.sso_subject.is_not(None),
                ),
            )
            .limit(1)
            .execution_options(all_tenants=True)  # tenant-scope: does another org rely on it
        )
        return await self.session.scalar(statement) is not None

    async def delete_of_user(self, user_id: uuid.UUID) -> int:
        """The user's membership in the session's tenant."""
        result = await self.session.execute(delete(Membership).where(Membership.user_id == user_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class ApiTokenRepository(Repository[ApiToken]):
    model = ApiToken
    noun = "API token"

    async def by_hash(self, token_hash: str) -> ApiToken | None:
        return await self.session.scalar(
            select(ApiToken)
            .where(ApiToken.token_hash == token_hash)
            .execution_options(all_tenants=True)  # tenant-scope: the token determines it
        )

    def of_user(self, user_id: uuid.UUID) -> Select[ApiToken]:
        """The user's tokens in the session's tenant, for pagination."""
        return (
            select(ApiToken).where(ApiToken.user_id == user_id).options(joinedload(ApiToken.owner))
        )

    def listing(self, include_revoked: bool) -> Select[ApiToken]:
        statement = select(ApiToken).options(joinedload(ApiToken.owner))
        if not include_revoked:
            statement = statement.where(ApiToken.revoked_at.is_(None))
        return statement

    async def touch(self, token_id: uuid.UUID, at: datetime) -> None:
        await self.session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at)
        )

    async def count_expired(self, now: datetime) -> int:
        rows = await self.session.scalars(
            select(ApiToken.id).where(ApiToken.expires_at < now, ApiToken.revoked_at.is_(None))
        )
        return len(rows.all())

    async def revoke_of_user(self, user_id: uuid.UUID, at: datetime) -> int:
        """Revoke the user's tokens in the session's tenant."""
        result = await self.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete_of_user(self, user_id: uuid.UUID) -> int:
        result = await self.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class SessionRepository(Repository[UserSession]):
    model = UserSession
    noun = "Session"

    async def by_hash(self, session_hash: str) -> UserSession | None:
        return await self.session.scalar(
            select(UserSession)
            .where(UserSession.session_hash == session_hash)
            .execution_options(all_tenants=True)  # tenant-scope: the cookie determines it
        )

    async def purge(self, ended_before: datetime) -> int:
        """Delete the tenant's sessions that expired or were revoked before the cutoff."""
        result = await self.session.execute(
            delete(UserSession).where(
                or_(UserSession.expires_at < ended_before, UserSession.revoked_at < ended_before)
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def revoke_of_user(self, user_id: uuid.UUID, at: datetime) -> int:
        """Revoke the user's sessions in the session's tenant."""
        result = await self.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete_of_user(self, user_id: uuid.UUID) -> int:
        result = await self.session.execute(
            delete(UserSession).where(UserSession.user_id == user_id)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
