"""Tenants, users, API tokens and browser sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P, parse_permission, permission_names
from phantom.authz.roles import Role, parse_role
from phantom.authz.service import (
    authz,
    bound_expiry,
    can,
    requires,
    token_permissions,
    ungrantable,
    user_permissions,
)
from phantom.config import settings
from phantom.db import enter_tenant
from phantom.identity.errors import (
    InvalidCredentials,
    InvalidToken,
    MemberDeactivated,
    SessionExpired,
    SsoRequired,
    TenantSlugTaken,
)
from phantom.identity.models import (
    ApiToken,
    Membership,
    MembershipStatus,
    Tenant,
    User,
    UserSession,
)
from phantom.identity.passwords import hash_password, verify_password
from phantom.identity.principal import AuthMethod, Principal
from phantom.identity.repository import IdentityRepository
from phantom.identity.validation import (
    check_password,
    clean_email,
    clean_name,
    clean_slug,
    email_key,
)
from phantom.kit.broadcast import broadcast
from phantom.kit.errors import BadUserInput, Conflict, Forbidden, NotFound
from phantom.kit.pagination import Page, PageRequest, paginate
from phantom.kit.rows import utcnow
from phantom.kit.transactions import on_commit

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
        elif generated is not None or not verify_password(admin.password_hash, admin_password):
            # users are global: an existing account becomes owner only with proof of it
            # (its password), never with a password someone else once set for it
            raise BadUserInput(
                f"An account with the email {email} already exists: give its current "
                "password as the admin password, or choose another email."
            )
        else:
            generated = None  # an existing user keeps the password they have
        await repo.add(tenant, admin)
        await repo.add(Membership(tenant_id=tenant.id, user_id=admin.id, password_sign_in=True))
        await authz.assign_roles(session, None, tenant.id, admin.id, [Role.OWNER.value])
        enter_tenant(session, tenant.id)
        await audit.record(
            session,
            actor=audit.Actor.system("tenant-create"),
            action="identity.tenant.created",
            resource=("tenant", tenant.id),
            details={"slug": slug, "name": name, "owner": str(admin.id)},
            subjects={admin.id: {"email": admin.email}},
        )
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
        scopes: list[str] | None = None,
        role: str | None = None,
        expires_in_days: int | None = 90,
    ) -> tuple[str, ApiToken]:
        """Issue a token for a member (bootstrap and CLI). ``scopes`` narrows it to some of
        the user's permissions; ``role`` narrows it to a role's permissions. Returns the
        secret (shown once) and the stored token."""
        repo = IdentityRepository(session)
        user = await repo.user_by_email(clean_email(email))
        membership = await repo.membership(tenant_id, user.id) if user else None
        if user is None or membership is None or membership.status != MembershipStatus.ACTIVE:
            raise NotFound("Active user in this organization")
        if role is not None:
            if scopes is not None:
                raise BadUserInput("Give either a role or scopes, not both.")
            roles = {r.name: r for r in await authz.role_infos(session, tenant_id)}
            if role not in roles:
                parse_role(role)  # the clearer message for a typo of a built-in name
                raise NotFound(f"Role '{role[:64]}'")
            scopes = sorted(p.value for p in roles[role].permissions)
        actor = audit.Actor.system("cli")
        if scopes is not None:
            missing = {parse_permission(s) for s in scopes} - await user_permissions(
                tenant_id, user.id
            )
            if missing:
                names = permission_names(missing)
                raise BadUserInput(f"A token cannot carry permissions its user lacks: {names}.")
        expires_at = _expiry(expires_in_days)
        return await self._issue(session, actor, tenant_id, user.id, name, scopes, expires_at)

    @requires(P.TOKENS_CREATE)
    async def create_own_api_token(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        name: str,
        scopes: list[str] | None,
        expires_in_days: int | None,
    ) -> tuple[str, ApiToken]:
        """A token is never stronger than the credential that creates it: neither more
        permissions than the calling credential's, nor a longer life than a calling token's."""
        if scopes is None and principal.scopes is not None:
            scopes = sorted(principal.scopes)
        if scopes is not None:
            missing = await ungrantable(principal, {parse_permission(s) for s in scopes})
            if missing:
                names = permission_names(missing)
                raise Forbidden(
                    f"A token cannot carry permissions the credential creating it lacks: {names}."
                )
        expires_at = bound_expiry(principal, _expiry(expires_in_days))
        return await self._issue(
            session,
            audit.Actor.from_principal(principal),
            principal.tenant_id,
            principal.user_id,
            name,
            scopes,
            expires_at,
        )

    async def _issue(
        self,
        session: AsyncSession,
        actor: audit.Actor,
        tenant_id: uuid.UUID,
        user_id: uuid.UUID,
        name: str,
        scopes: list[str] | None,
        expires_at: datetime | None,
    ) -> tuple[str, ApiToken]:
        """Store a token; the callers have bounded its scopes and expiry."""
        name = clean_name(name, "Token name", max_length=100)
        if scopes is not None:
            if not scopes:
                raise BadUserInput("Give at least one scope, or none for all your permissions.")
            scopes = sorted({parse_permission(s).value for s in scopes})
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            tenant_id=tenant_id,
            user_id=user_id,
            name=name,
            prefix=secret[:12],
            token_hash=secret_hash(secret),
            scopes=scopes,
            expires_at=expires_at,
        )
        await IdentityRepository(session).add(token)
        await audit.record(
            session,
            actor=actor,
            action="identity.token.created",
            resource=("api_token", token.id),
            details={
                "name": name,
                "owner": str(user_id),
                "scopes": scopes,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
        return secret, token

    @requires(P.TOKENS_CREATE)
    async def list_api_tokens(
        self, session: AsyncSession, principal: Principal, page: PageRequest
    ) -> Page[ApiToken]:
        statement = IdentityRepository(session).tokens_of(principal.user_id)
        return await paginate(session, statement, ApiToken, page)

    @requires(P.TOKENS_MANAGE)
    async def list_all_api_tokens(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        include_revoked: bool,
    ) -> Page[ApiToken]:
        statement = IdentityRepository(session).all_tokens(include_revoked)
        return await paginate(session, statement, ApiToken, page)

    @requires(P.TOKENS_CREATE)
    async def revoke_api_token(
        self, session: AsyncSession, principal: Principal, token_id: uuid.UUID
    ) -> ApiToken:
        """One's own token, or anyone's with ``tokens:manage``. Someone else's token
        without it answers like an unknown id. Revoking takes access away, so, as for
        deactivation, only a token whose permissions the calling credential all holds (a
        read-only token cannot lock out its user's automation, nor an admin an owner);
        a credential may always revoke itself."""
        token = await IdentityRepository(session).api_token(token_id)
        if token is None:
            raise NotFound("API token")
        if token.user_id != principal.user_id and not await can(principal, P.TOKENS_MANAGE):
            raise NotFound("API token")
        if token.id != principal.credential_id:
            held = await token_permissions(token.tenant_id, token.user_id, token.scopes)
            if missing := await ungrantable(principal, held):
                raise Forbidden(
                    "You cannot revoke an API token that can do more than the credential "
                    f"you are using (it also has {', '.join(sorted(missing))}); use a "
                    "credential that holds those permissions."
                )
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            forget_on_commit(session, credential_id=token.id)
            await audit.record(
                session,
                actor=audit.Actor.from_principal(principal),
                action="identity.token.revoked",
                resource=("api_token", token.id),
                details={"name": token.name, "owner": str(token.user_id)},
            )
        return token

    async def principal_for_token(self, session: AsyncSession, secret: str) -> Principal:
        if not TOKEN_RE.fullmatch(secret):
            raise InvalidToken()
        repo = IdentityRepository(session)
        token = await repo.token_by_hash(secret_hash(secret))
        now = utcnow()
        if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise InvalidToken()
        scopes = frozenset(token.scopes) if token.scopes is not None else None
        principal = await self._principal(
            session, token.tenant_id, token.user_id, AuthMethod.API_TOKEN, token.id, scopes
        )
        if principal is not None and token.expires_at is not None:
            principal = replace(principal, expires_at=token.expires_at)
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
        if tenant is not None and not await self.password_login_allowed(session, tenant.id):
            raise SsoRequired(tenant.id)  # the same answer for every email: nothing about accounts
        user = await repo.user_by_email(email_key(email))
        ok = verify_password(user.password_hash if user else None, password[:1024])
        membership = await repo.membership(tenant.id, user.id) if user and tenant else None
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
        return await self.start_session(
            session, tenant_id=tenant.id, user_id=user.id, ip=ip, user_agent=user_agent
        )

    async def start_session(
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
        repo = IdentityRepository(session)
        membership = await repo.membership(tenant_id, user_id)
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
        await repo.add(record)
        row = await repo.active_member(tenant_id, user_id)
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
        principal = _principal_from(
            tenant, user, roles, AuthMethod.SESSION, record.id, record.csrf_token, None
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
            enter_tenant(session, record.tenant_id)
            await audit.record(
                session,
                actor=audit.Actor(audit.ActorType.USER, record.user_id, record.id),
                action="identity.session.ended",
                resource=("user", record.user_id),
            )

    async def provision_member(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        email: str,
        display_name: str,
        roles: list[str],
        sso_subject: str,
    ) -> User:
        """Just-in-time provisioning on SSO sign-in: create the user and the membership if
        missing, link the IdP subject, and replace the roles with those from the claims.
        A deactivated member stays out; an email already linked to another IdP subject is
        refused (an IdP that reassigns an address must not inherit someone's access). An
        expired invitation grants nothing: the person is provisioned like a newcomer, with
        ``roles`` only (the caller decides which of a live invitation's roles it may keep)."""
        repo = IdentityRepository(session)
        email = clean_email(email)
        user = await repo.user_by_email(email)
        if user is None:
            name = clean_name(display_name or email.split("@", 1)[0], "Display name")
            user = User(email=email, display_name=name, password_hash=None)
            await repo.add(user)
        if not user.is_active:
            raise MemberDeactivated()
        membership = await repo.membership(tenant_id, user.id)
        created = membership is None
        if membership is None:
            membership = Membership(tenant_id=tenant_id, user_id=user.id)
            await repo.add(membership)
        if membership.status == MembershipStatus.DEACTIVATED:
            raise MemberDeactivated()
        if membership.sso_subject not in (None, sso_subject):
            raise MemberDeactivated()
        lapsed = invitation_expired(membership, utcnow())
        membership.sso_subject = sso_subject[:255]
        membership.status = MembershipStatus.ACTIVE.value
        membership.invite_hash = membership.invite_expires_at = None
        current = await authz.stored_roles(session, tenant_id, user.id)
        if Role.OWNER.value in current and Role.OWNER.value not in roles:
            await keep_an_owner(session, tenant_id, user.id)
        assigned = await authz.assign_roles(session, None, tenant_id, user.id, roles)
        if created or lapsed or set(current) != set(assigned):
            details: dict[str, object] = {"roles_before": current, "roles": assigned, "via": "sso"}
            if lapsed:
                details["invitation"] = "expired"  # its roles were not granted
            enter_tenant(session, tenant_id)
            await audit.record(
                session,
                actor=audit.Actor.system("sso"),
                action="identity.member.provisioned"
                if created or lapsed
                else "identity.member.roles_synced",
                resource=("user", user.id),
                details=details,
                subjects={user.id: {"email": user.email}},
            )
        return user

    async def password_login_allowed(self, session: AsyncSession, tenant_id: uuid.UUID) -> bool:
        """False when the organization requires single sign-on."""
        from phantom.identity.sso.service import sso  # sso builds on identity: import late

        return await sso.password_login_allowed(session, tenant_id)

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
        scopes: frozenset[str] | None,
        csrf_token: str | None = None,
    ) -> Principal | None:
        row = await IdentityRepository(session).active_member(tenant_id, user_id)
        if row is None:
            return None
        tenant, user = row
        roles = await authz.stored_roles(session, tenant_id, user_id)
        return _principal_from(tenant, user, roles, method, credential_id, csrf_token, scopes)


def invitation_expired(membership: Membership, now: datetime) -> bool:
    """A pending invitation whose time is up: it grants nothing any more, by its link or
    through single sign-on. Every invitation is written with an expiry; one without (an
    older row) counts as expired, failing closed."""
    return membership.status == MembershipStatus.INVITED and (
        membership.invite_expires_at is None or membership.invite_expires_at <= now
    )


async def keep_an_owner(session: AsyncSession, tenant_id: uuid.UUID, leaving: uuid.UUID) -> None:
    """An organization always keeps at least one active owner."""
    owners = await authz.holders_of(session, tenant_id, Role.OWNER.value)
    others = [o for o in owners if o != leaving]
    active = await IdentityRepository(session).active_user_ids(tenant_id, others) if others else []
    if not active:
        raise Conflict(
            "An organization must keep at least one active owner: make someone else owner first."
        )


def _expiry(expires_in_days: int | None) -> datetime | None:
    if expires_in_days is None:
        return None
    if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise BadUserInput(f"Token expiry must be 1 to {MAX_TOKEN_DAYS} days.")
    return utcnow() + timedelta(days=expires_in_days)


def forget_on_commit(
    session: AsyncSession,
    *,
    credential_id: uuid.UUID | None = None,
    tenant_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
) -> None:
    """Once committed, every process drops its cached principals for the revoked
    credential or member, so the revocation holds at once, not after the cache TTL."""
    message = {
        "kind": "identity.forget",
        "credential_id": str(credential_id) if credential_id else None,
        "tenant_id": str(tenant_id) if tenant_id else None,
        "user_id": str(user_id) if user_id else None,
    }
    on_commit(session, lambda: broadcast.publish(message))


def _principal_from(
    tenant: Tenant,
    user: User,
    roles: list[str],
    method: AuthMethod,
    credential_id: uuid.UUID,
    csrf_token: str | None,
    scopes: frozenset[str] | None,
) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        tenant_id=tenant.id,
        tenant_slug=tenant.slug,
        tenant_name=tenant.name,
        roles=tuple(roles),
        auth_method=method,
        credential_id=credential_id,
        csrf_token=csrf_token,
        scopes=scopes,
    )


identity = IdentityService()


# --- what other domains ask of identity (they never read its tables) -------------------


@dataclass(frozen=True, slots=True)
class TrainingQuota:
    """An organization's own training limits; None where it uses the deployment's."""

    max_budget_seconds: int | None
    max_concurrent_jobs: int | None


async def training_quota(
    session: AsyncSession, tenant_id: uuid.UUID, *, lock: bool = False
) -> TrainingQuota:
    """``lock`` holds the organization's row until the caller's transaction ends, so
    the training claims of one organization take turns."""
    tenant = await IdentityRepository(session).tenant(tenant_id, for_update=lock)
    if tenant is None:
        return TrainingQuota(max_budget_seconds=None, max_concurrent_jobs=None)
    return TrainingQuota(
        max_budget_seconds=tenant.training_max_budget_seconds,
        max_concurrent_jobs=tenant.training_max_concurrent_jobs,
    )
