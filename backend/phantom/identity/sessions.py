"""Browser sessions: password sign-in, a new session after any sign-in, the principal a
session cookie stands for, sign-out, and purging ended sessions."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.service import authz
from phantom.config import settings
from phantom.db import enter_tenant
from phantom.identity.credentials import member_principal, principal_from, secret_hash
from phantom.identity.errors import (
    InvalidCredentials,
    MemberDeactivated,
    SessionExpired,
    SsoRequired,
)
from phantom.identity.models import MembershipStatus, UserSession
from phantom.identity.passwords import verify_password
from phantom.identity.principal import AuthMethod, Principal
from phantom.identity.repository import (
    MembershipRepository,
    SessionRepository,
    TenantRepository,
    UserRepository,
)
from phantom.identity.sso.service import sso
from phantom.identity.validation import email_key
from phantom.kit.rows import utcnow

SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True, slots=True)
class NewSession:
    principal: Principal
    secret: str  # goes into the cookie; only its hash is stored


class SessionService:
    async def login(
        self,
        session: AsyncSession,
        *,
        tenant_slug: str,
        email: str,
        password: str,
        ip: str | None,
        user_agent: str | None,
    ) -> NewSession:
        memberships = MembershipRepository(session)
        tenant = await TenantRepository(session).by_slug(tenant_slug)
        if tenant is not None and not await sso.password_login_allowed(session, tenant.id):
            raise SsoRequired(tenant.id)  # the same answer for every email: nothing about accounts
        user = await UserRepository(session).by_email(email_key(email))
        ok = verify_password(user.password_hash if user else None, password[:1024])
        membership = await memberships.of(tenant.id, user.id) if user and tenant else None
        if (
            not ok
            or user is None
            or tenant is None
            or membership is None
            or membership.status != MembershipStatus.ACTIVE
            or not membership.password_sign_in  # proven for this organization, not elsewhere
            or not user.is_active
        ):
            known = user.id if user and membership else None  # a member's own attempt
            raise InvalidCredentials(tenant.id if tenant else None, known)
        return await self.start(
            session, tenant_id=tenant.id, user_id=user.id, ip=ip, user_agent=user_agent
        )

    async def start(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        user_id: uuid.UUID,
        ip: str | None,
        user_agent: str | None,
        method: str = "password",
    ) -> NewSession:
        """A new browser session for an active member, after any successful sign-in
        (``method``: password, invitation or sso). Always a new secret: no session
        fixation. Recorded in the tenant's audit log in the same transaction."""
        memberships = MembershipRepository(session)
        membership = await memberships.of(tenant_id, user_id)
        if membership is None or membership.status != MembershipStatus.ACTIVE:
            raise MemberDeactivated()
        now = utcnow()
        membership.last_login_at = now
        secret = secrets.token_urlsafe(32)
        record = UserSession(
            tenant_id=tenant_id,
            user_id=user_id,
            session_hash=secret_hash(secret),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + timedelta(hours=settings.SESSION_TTL_HOURS),
            ip=(ip or "")[:64] or None,
            user_agent=(user_agent or "")[:400] or None,
        )
        await SessionRepository(session).add(record)
        row = await memberships.active_member(tenant_id, user_id)
        if row is None:
            raise MemberDeactivated()
        tenant, user = row
        user.last_login_at = now
        roles = await authz.stored_roles(session, tenant_id, user_id)
        enter_tenant(session, tenant_id)
        await audit.record(
            session,
            actor=audit.Actor(audit.ActorType.USER, user_id, record.id),
            action="identity.session.started",
            resource=("user", user_id),
            details={"method": method, "roles": roles},
            subjects={user_id: {"email": user.email, "user_agent": record.user_agent}},
            source_ip=record.ip,
        )
        principal = principal_from(
            tenant, user, roles, AuthMethod.SESSION, record.id, record.csrf_token, None
        )
        return NewSession(principal=principal, secret=secret)

    async def principal_for(self, session: AsyncSession, secret: str) -> Principal:
        if not SESSION_RE.fullmatch(secret):
            raise SessionExpired()
        record = await SessionRepository(session).by_hash(secret_hash(secret))
        if record is None or record.revoked_at or record.expires_at <= utcnow():
            raise SessionExpired()
        principal = await member_principal(
            session,
            record.tenant_id,
            record.user_id,
            AuthMethod.SESSION,
            record.id,
            None,
            record.csrf_token,
        )
        if principal is None:
            raise SessionExpired()
        return principal

    async def logout(self, session: AsyncSession, secret: str) -> None:
        record = await SessionRepository(session).by_hash(secret_hash(secret))
        if record is not None and record.revoked_at is None:
            record.revoked_at = utcnow()
            enter_tenant(session, record.tenant_id)
            await audit.record(
                session,
                actor=audit.Actor(audit.ActorType.USER, record.user_id, record.id),
                action="identity.session.ended",
                resource=("user", record.user_id),
            )

    async def purge_ended(self, session: AsyncSession, retention: timedelta) -> int:
        """Delete the tenant's sessions that ended more than ``retention`` ago."""
        return await SessionRepository(session).purge(utcnow() - retention)


user_sessions = SessionService()
