"""API tokens: issued for a member from the command line or by a credential for itself,
listed, revoked, and resolved to the principal they stand for."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P, parse_permission, permission_names
from phantom.authz.roles import parse_role
from phantom.authz.service import (
    authz,
    bound_expiry,
    can,
    requires,
    token_permissions,
    ungrantable,
    user_permissions,
)
from phantom.identity.credentials import forget_on_commit, member_principal, secret_hash
from phantom.identity.errors import InvalidToken
from phantom.identity.models import ApiToken, MembershipStatus
from phantom.identity.principal import AuthMethod, Principal
from phantom.identity.repository import ApiTokenRepository, MembershipRepository, UserRepository
from phantom.identity.validation import clean_email, clean_name
from phantom.kit.errors import BadUserInput, Forbidden, NotFound
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow

TOKEN_PREFIX = "phm_"  # noqa: S105 - marks our tokens for secret scanners
TOKEN_RE = re.compile(r"^phm_[A-Za-z0-9_-]{43}$")
MAX_TOKEN_DAYS = 366


class ApiTokenService:
    async def create(
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
        user = await UserRepository(session).by_email(clean_email(email))
        membership = await MembershipRepository(session).of(tenant_id, user.id) if user else None
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
    async def create_own(
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
        await ApiTokenRepository(session).add(token)
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
    async def list_own(
        self, session: AsyncSession, principal: Principal, page: PageRequest
    ) -> Page[ApiToken]:
        repo = ApiTokenRepository(session)
        return await repo.page(repo.of_user(principal.user_id), page)

    @requires(P.TOKENS_MANAGE)
    async def list_all(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        include_revoked: bool,
    ) -> Page[ApiToken]:
        repo = ApiTokenRepository(session)
        return await repo.page(repo.listing(include_revoked), page)

    @requires(P.TOKENS_CREATE)
    async def revoke(
        self, session: AsyncSession, principal: Principal, token_id: uuid.UUID
    ) -> ApiToken:
        """One's own token, or anyone's with ``tokens:manage``. Someone else's token
        without it answers like an unknown id. Revoking takes access away, so, as for
        deactivation, only a token whose permissions the calling credential all holds (a
        read-only token cannot lock out its user's automation, nor an admin an owner);
        a credential may always revoke itself."""
        token = await ApiTokenRepository(session).get(token_id)
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

    async def principal_for(self, session: AsyncSession, secret: str) -> Principal:
        if not TOKEN_RE.fullmatch(secret):
            raise InvalidToken()
        token = await ApiTokenRepository(session).by_hash(secret_hash(secret))
        now = utcnow()
        if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise InvalidToken()
        scopes = frozenset(token.scopes) if token.scopes is not None else None
        principal = await member_principal(
            session, token.tenant_id, token.user_id, AuthMethod.API_TOKEN, token.id, scopes
        )
        if principal is not None and token.expires_at is not None:
            principal = replace(principal, expires_at=token.expires_at)
        if principal is None:
            raise InvalidToken()
        return principal

    async def record_use(self, session: AsyncSession, token_id: uuid.UUID) -> None:
        await ApiTokenRepository(session).touch(token_id, utcnow())

    async def count_expired(self, session: AsyncSession) -> int:
        """The tenant's tokens past their expiry and not revoked (housekeeping reports them)."""
        return await ApiTokenRepository(session).count_expired(utcnow())


def _expiry(expires_in_days: int | None) -> datetime | None:
    if expires_in_days is None:
        return None
    if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise BadUserInput(f"Token expiry must be 1 to {MAX_TOKEN_DAYS} days.")
    return utcnow() + timedelta(days=expires_in_days)


tokens = ApiTokenService()
