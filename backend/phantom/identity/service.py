"""Tenants, users, API tokens and browser sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.authz.roles import Role, parse_role
from phantom.config import settings
from phantom.db import utcnow
from phantom.identity.errors import (
    InvalidCredentials,
    InvalidToken,
    SessionExpired,
    TenantSlugTaken,
)
from phantom.identity.models import ApiToken, Membership, Tenant, User, UserSession
from phantom.identity.passwords import hash_password, verify_password
from phantom.identity.principal import AuthMethod, Principal
from phantom.identity.repository import IdentityRepository
from phantom.identity.validation import (
    check_password,
    clean_email,
    clean_name,
    clean_slug,
)
from phantom.kit.errors import BadUserInput, NotFound
from phantom.kit.pagination import Page, PageRequest, paginate

TOKEN_PREFIX = "phm_"  # noqa: S105 - marks our tokens for secret scanners
TOKEN_RE = re.compile(r"^phm_[A-Za-z0-9_-]{43}$")
SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_TOKEN_DAYS = 366


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewTenant:
    tenant: Tenant
    admin: User
    generated_password: str | None  # shown once when we made it up


@dataclass(frozen=True, slots=True)
class NewSession:
    principal: Principal
    secret: str  # goes into the cookie; only its hash is stored


class IdentityService:
    # --- tenants ---------------------------------------------------------------------

    async def create_tenant(
        self,
        session: AsyncSession,
        *,
        slug: str,
        name: str,
        admin_email: str,
        admin_password: str | None,
    ) -> NewTenant:
        repo = IdentityRepository(session)
        slug, name, email = clean_slug(slug), clean_name(name), clean_email(admin_email)
        generated = None
        if admin_password is None:
            generated = admin_password = secrets.token_urlsafe(15)
        check_password(admin_password)
        if await repo.tenant_by_slug(slug):
            raise TenantSlugTaken(slug)
        tenant = Tenant(slug=slug, name=name)
        admin = await repo.user_by_email(email)
        if admin is None:
            display_name = email.split("@", 1)[0]
            admin = User(
                email=email, display_name=display_name, password_hash=hash_password(admin_password)
            )
        else:
            generated = None  # an existing user keeps the password they have
        await repo.add(tenant, admin)
        await repo.add(Membership(tenant_id=tenant.id, user_id=admin.id, role=Role.OWNER.value))
        return NewTenant(tenant=tenant, admin=admin, generated_password=generated)

    async def tenant_ids(self, session: AsyncSession) -> list[uuid.UUID]:
        return await IdentityRepository(session).all_tenant_ids()

    async def tenant_by_slug(self, session: AsyncSession, slug: str) -> Tenant:
        tenant = await IdentityRepository(session).tenant_by_slug(slug)
        if tenant is None:
            raise NotFound("Organization")
        return tenant

    # --- API tokens --------------------------------------------------------------------

    async def create_api_token(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        email: str,
        name: str,
        role: str | None = None,
        expires_in_days: int | None = 90,
    ) -> tuple[str, ApiToken]:
        """Returns the secret (shown once) and the stored token."""
        repo = IdentityRepository(session)
        name = clean_name(name, "Token name", max_length=100)
        user = await repo.user_by_email(clean_email(email))
        membership = await repo.membership(tenant_id, user.id) if user else None
        if user is None or membership is None:
            raise NotFound("User in this organization")
        if role is not None:
            narrowed = parse_role(role)
            if narrowed not in (Role(membership.role), Role.VIEWER):
                raise BadUserInput(
                    f"A token can carry the user's own role ({membership.role}) or 'viewer'."
                )
        expires_at = None
        if expires_in_days is not None:
            if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
                raise BadUserInput(f"Token expiry must be 1 to {MAX_TOKEN_DAYS} days.")
            expires_at = utcnow() + timedelta(days=expires_in_days)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            tenant_id=tenant_id,
            user_id=user.id,
            name=name,
            prefix=secret[:12],
            token_hash=secret_hash(secret),
            role=role,
            expires_at=expires_at,
        )
        await repo.add(token)
        return secret, token

    async def list_api_tokens(
        self, session: AsyncSession, principal: Principal, page: PageRequest
    ) -> Page[ApiToken]:
        statement = IdentityRepository(session).tokens_of(principal.user_id)
        return await paginate(session, statement, ApiToken, page)

    async def revoke_api_token(
        self, session: AsyncSession, principal: Principal, token_id: uuid.UUID
    ) -> ApiToken:
        token = await IdentityRepository(session).api_token(token_id)
        if token is None or token.user_id != principal.user_id:
            raise NotFound("API token")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        return token

    async def principal_for_token(self, session: AsyncSession, secret: str) -> Principal:
        if not TOKEN_RE.fullmatch(secret):
            raise InvalidToken()
        repo = IdentityRepository(session)
        token = await repo.token_by_hash(secret_hash(secret))
        now = utcnow()
        if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise InvalidToken()
        principal = await self._principal(
            session, token.tenant_id, token.user_id, AuthMethod.API_TOKEN, token.id, token.role
        )
        if principal is None:
            raise InvalidToken()
        return principal

    async def record_token_use(self, session: AsyncSession, token_id: uuid.UUID) -> None:
        await IdentityRepository(session).touch_token(token_id, utcnow())

    # --- browser sessions --------------------------------------------------------------

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
        repo = IdentityRepository(session)
        tenant = await repo.tenant_by_slug(tenant_slug)
        user = await repo.user_by_email(email)
        ok = verify_password(user.password_hash if user else None, password[:1024])
        membership = await repo.membership(tenant.id, user.id) if user and tenant else None
        if not ok or user is None or tenant is None or membership is None or not user.is_active:
            raise InvalidCredentials()
        user.last_login_at = utcnow()
        secret = secrets.token_urlsafe(32)
        record = UserSession(
            tenant_id=tenant.id,
            user_id=user.id,
            session_hash=secret_hash(secret),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=utcnow() + timedelta(hours=settings.SESSION_TTL_HOURS),
            ip=(ip or "")[:64] or None,
            user_agent=(user_agent or "")[:400] or None,
        )
        await repo.add(record)
        principal = _principal_from(
            tenant, user, membership.role, AuthMethod.SESSION, record.id, record.csrf_token
        )
        return NewSession(principal=principal, secret=secret)

    async def principal_for_session(self, session: AsyncSession, secret: str) -> Principal:
        if not SESSION_RE.fullmatch(secret):
            raise SessionExpired()
        record = await IdentityRepository(session).session_by_hash(secret_hash(secret))
        if record is None or record.revoked_at or record.expires_at <= utcnow():
            raise SessionExpired()
        principal = await self._principal(
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
        record = await IdentityRepository(session).session_by_hash(secret_hash(secret))
        if record is not None and record.revoked_at is None:
            record.revoked_at = utcnow()

    # --- housekeeping ------------------------------------------------------------------

    async def housekeeping(self, session: AsyncSession, retention: timedelta) -> dict[str, int]:
        """Purge the tenant's sessions that ended more than ``retention`` ago."""
        repo = IdentityRepository(session)
        now = utcnow()
        return {
            "sessionsPurged": await repo.purge_sessions(now - retention),
            "expiredTokens": await repo.count_expired_tokens(now),
        }

    async def _principal(
        self,
        session: AsyncSession,
        tenant_id: uuid.UUID,
        user_id: uuid.UUID,
        method: AuthMethod,
        credential_id: uuid.UUID,
        narrowed_role: str | None,
        csrf_token: str | None = None,
    ) -> Principal | None:
        row = await IdentityRepository(session).active_member(tenant_id, user_id)
        if row is None:
            return None
        tenant, user, role = row
        return _principal_from(
            tenant, user, narrowed_role or role, method, credential_id, csrf_token
        )


def _principal_from(
    tenant: Tenant,
    user: User,
    role: str,
    method: AuthMethod,
    credential_id: uuid.UUID,
    csrf_token: str | None,
) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        tenant_id=tenant.id,
        tenant_slug=tenant.slug,
        tenant_name=tenant.name,
        roles=(role,),
        auth_method=method,
        credential_id=credential_id,
        csrf_token=csrf_token,
    )


identity = IdentityService()
