"""Member administration: invite, list, change roles, deactivate, reactivate; invitation
acceptance.

Deactivation revokes the member's sessions and API tokens in the same transaction and,
once committed, tells every process to forget them, so access ends at once everywhere.
An organization always keeps at least one active owner.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.audit.service import subject_data
from phantom.authz.permissions import P
from phantom.authz.roles import Role
from phantom.authz.service import authz, bound_expiry, requires, ungrantable
from phantom.config import settings
from phantom.db import enter_tenant
from phantom.identity.credentials import forget_on_commit, secret_hash
from phantom.identity.errors import AlreadyMember, InvitationInvalid, SsoRequired
from phantom.identity.models import Membership, MembershipStatus, User
from phantom.identity.passwords import hash_password, verify_password
from phantom.identity.principal import Principal
from phantom.identity.repository import (
    ApiTokenRepository,
    MembershipRepository,
    SessionRepository,
    UserRepository,
)
from phantom.identity.sessions import NewSession, user_sessions
from phantom.identity.sso.service import sso
from phantom.identity.validation import check_password, clean_email, clean_name, email_key
from phantom.kit.errors import BadUserInput, Conflict, Forbidden, NotFound
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow

INVITATION_DAYS = 7
MAX_SEARCH = 200


@dataclass(frozen=True, slots=True)
class MemberView:
    membership: Membership
    user: User
    roles: list[str]


@dataclass(frozen=True, slots=True)
class NewInvitation:
    member: MemberView
    secret: str | None  # None in an SSO-only organization: signing in with SSO accepts
    expires_at: datetime | None  # always set: when the invitation stops granting its roles

    @property
    def url(self) -> str | None:
        if self.secret is None:
            return None
        return f"{settings.BASE_URL.rstrip('/')}/accept-invite#token={self.secret}"


class MemberService:
    @requires(P.USERS_READ)
    async def list_members(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        *,
        search: str | None,
        status: MembershipStatus | None,
    ) -> Page[Membership]:
        if search is not None and len(search) > MAX_SEARCH:
            raise BadUserInput(f"Search text is limited to {MAX_SEARCH} characters.")
        repo = MembershipRepository(session)
        statement = repo.listing(
            search.strip() if search else None, status.value if status else None
        )
        return await repo.page(statement, page)

    @requires(P.USERS_READ)
    async def get(
        self, session: AsyncSession, principal: Principal, user_id: uuid.UUID
    ) -> MemberView:
        return await self._member(session, principal.tenant_id, user_id)

    async def roles_for(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[str]]:
        return await authz.stored_roles_of_many(session, tenant_id, user_ids)

    async def views_for(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, MemberView]:
        """Members of the session's tenant by user id (others are simply absent)."""
        found = await MembershipRepository(session).of_users(user_ids)
        roles = await self.roles_for(session, tenant_id, [m.user_id for m in found])
        return {m.user_id: MemberView(m, m.user, roles.get(m.user_id, [])) for m in found}

    @requires(P.DATASETS_READ)
    async def display_names(
        self, session: AsyncSession, principal: Principal, user_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        """Who created a dataset, job or model version, by user id, for those who may read
        the organization's datasets (every built-in role that reads ML work does; a custom
        role or token without it is refused, as before the loader moved here). A former
        member keeps their name; one this organization erased is absent, even while
        another organization keeps their user row."""
        names = await UserRepository(session).display_names(user_ids)
        erased = await subject_data.erased(session, set(names))
        return {user_id: name for user_id, name in names.items() if user_id not in erased}

    @requires(P.USERS_MANAGE)
    async def invite(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        email: str,
        display_name: str | None,
        roles: list[str],
    ) -> NewInvitation:
        users, memberships = UserRepository(session), MembershipRepository(session)
        email = clean_email(email)
        user = await users.by_email(email)
        if user is not None and await memberships.of(principal.tenant_id, user.id):
            raise AlreadyMember(email)
        if user is None:
            name = clean_name(display_name or email.split("@", 1)[0], "Display name")
            user = User(email=email, display_name=name, password_hash=None)
            await users.add(user)
        # Always an invitation, never a silent addition: the answer must not tell the
        # inviter whether this person has an account in another organization, and the
        # person agrees by accepting (with their existing password, if they have one).
        membership = Membership(
            tenant_id=principal.tenant_id,
            user_id=user.id,
            status=MembershipStatus.INVITED.value,
        )
        # a pending grant may not outlive the credential that made it, link or not: past
        # this, neither the link nor a single sign-on grants the invitation's roles
        expires_at = bound_expiry(principal, utcnow() + timedelta(days=INVITATION_DAYS))
        membership.invite_expires_at = expires_at
        secret = None
        if await sso.password_login_allowed(session, principal.tenant_id):
            secret = secrets.token_urlsafe(32)
            membership.invite_hash = secret_hash(secret)
        # in an SSO-only organization, signing in with SSO activates the membership
        await memberships.add(membership)
        assigned = await authz.assign_roles(session, principal, principal.tenant_id, user.id, roles)
        await self._record(
            session,
            principal,
            "identity.member.invited",
            user,
            {"roles": assigned, "status": membership.status, "link": secret is not None},
        )
        return NewInvitation(MemberView(membership, user, assigned), secret, expires_at)

    @requires(P.USERS_MANAGE)
    async def set_roles(
        self, session: AsyncSession, principal: Principal, user_id: uuid.UUID, roles: list[str]
    ) -> MemberView:
        member = await self._member(session, principal.tenant_id, user_id)
        if Role.OWNER.value in member.roles and Role.OWNER.value not in roles:
            await keep_an_owner(session, principal.tenant_id, user_id)
        assigned = await authz.assign_roles(session, principal, principal.tenant_id, user_id, roles)
        forget_on_commit(session, tenant_id=principal.tenant_id, user_id=user_id)
        if assigned != member.roles:
            details = {"roles_before": member.roles, "roles": assigned}
            await self._record(
                session, principal, "identity.member.roles_changed", member.user, details
            )
        return MemberView(member.membership, member.user, assigned)

    @requires(P.USERS_MANAGE)
    async def deactivate(
        self, session: AsyncSession, principal: Principal, user_id: uuid.UUID
    ) -> MemberView:
        if user_id == principal.user_id:
            raise BadUserInput("You cannot deactivate yourself; ask another administrator.")
        member = await self._member(session, principal.tenant_id, user_id)
        await self._check_may_manage(session, principal, member)
        if Role.OWNER.value in member.roles:
            await keep_an_owner(session, principal.tenant_id, user_id)
        member.membership.status = MembershipStatus.DEACTIVATED.value
        member.membership.invite_hash = member.membership.invite_expires_at = None
        now = utcnow()
        sessions_revoked = await SessionRepository(session).revoke_of_user(user_id, now)
        tokens_revoked = await ApiTokenRepository(session).revoke_of_user(user_id, now)
        forget_on_commit(session, tenant_id=principal.tenant_id, user_id=user_id)
        details = {"sessions_revoked": sessions_revoked, "tokens_revoked": tokens_revoked}
        await self._record(session, principal, "identity.member.deactivated", member.user, details)
        return member

    @requires(P.USERS_MANAGE)
    async def reactivate(
        self, session: AsyncSession, principal: Principal, user_id: uuid.UUID
    ) -> MemberView:
        member = await self._member(session, principal.tenant_id, user_id)
        await self._check_may_manage(session, principal, member)
        if member.membership.status == MembershipStatus.DEACTIVATED:
            # by what this membership was proven with: a password another organization's
            # invitation set must not activate an invitation never accepted here
            signs_in = member.membership.password_sign_in or member.membership.sso_subject
            member.membership.status = (
                MembershipStatus.ACTIVE if signs_in else MembershipStatus.INVITED
            ).value
            if not signs_in:  # pending again, and bounded like any invitation
                member.membership.invite_expires_at = bound_expiry(
                    principal, utcnow() + timedelta(days=INVITATION_DAYS)
                )
            details = {"status": member.membership.status}
            await self._record(
                session, principal, "identity.member.reactivated", member.user, details
            )
        return member

    # --- without a principal: the invitee, the SSO callback -------------------------------

    async def accept_invitation(
        self,
        session: AsyncSession,
        *,
        secret: str,
        password: str,
        ip: str | None,
        user_agent: str | None,
        throttle: Callable[[str], Awaitable[None]],
    ) -> NewSession:
        """Accept with a password. ``throttle(account)`` runs before the password is checked,
        with the invitee's folded email: the route refuses an account over its sign-in
        failure limit there, so a link is no password oracle past the lockout. Every
        refusal of an existing account is one ``InvitationInvalid(account)``."""
        membership = await self._pending(session, secret)
        if not await sso.password_login_allowed(session, membership.tenant_id):
            # an SSO-only organization: a link made before it required SSO opens nothing
            raise SsoRequired(membership.tenant_id)
        user = membership.user
        account = email_key(user.email)
        await throttle(account)
        if user.password_hash is None:
            # Users are global: a password may be set here only on an account no other
            # organization has established (pending invitations elsewhere will ask for it).
            memberships = MembershipRepository(session)
            if await memberships.established_elsewhere(user.id, membership.tenant_id):
                raise InvitationInvalid(account)
            user.password_hash = hash_password(check_password(password))
        elif not verify_password(user.password_hash, password[:1024]):
            # someone who already has an account joins with it: the link alone is not enough
            raise InvitationInvalid(account)
        membership.password_sign_in = True  # proven for this membership
        membership.status = MembershipStatus.ACTIVE.value
        membership.invite_hash = membership.invite_expires_at = None
        enter_tenant(session, membership.tenant_id)
        return await user_sessions.start(
            session,
            tenant_id=membership.tenant_id,
            user_id=user.id,
            ip=ip,
            user_agent=user_agent,
            method="invitation",
        )

    async def _pending(self, session: AsyncSession, secret: str) -> Membership:
        if not 20 <= len(secret) <= 100:
            raise InvitationInvalid()
        membership = await MembershipRepository(session).by_invite(secret_hash(secret))
        if (
            membership is None
            or membership.status != MembershipStatus.INVITED
            or membership.invite_expires_at is None
            or membership.invite_expires_at <= utcnow()
        ):
            raise InvitationInvalid()
        return membership

    # --- for data subject requests (compliance) -------------------------------------------

    async def find_by_email(self, session: AsyncSession, email: str) -> MemberView | None:
        membership = await MembershipRepository(session).by_email(email)
        if membership is None:
            return None
        roles = await authz.stored_roles(session, membership.tenant_id, membership.user_id)
        return MemberView(membership, membership.user, roles)

    async def find(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
    ) -> MemberView | None:
        membership = await MembershipRepository(session).of_user(user_id)
        if membership is None:
            return None
        return MemberView(
            membership, membership.user, await authz.stored_roles(session, tenant_id, user_id)
        )

    async def erase(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
    ) -> dict[str, object]:
        """Remove the person from the tenant: roles, sessions, tokens, membership (an
        approved erasure request; the compliance service checks who asked)."""
        if Role.OWNER.value in await authz.stored_roles(session, tenant_id, user_id):
            await keep_an_owner(session, tenant_id, user_id)
        roles = await authz.revoke_all_roles(session, tenant_id, user_id)
        removed = {
            "sessions_deleted": await SessionRepository(session).delete_of_user(user_id),
            "api_tokens_deleted": await ApiTokenRepository(session).delete_of_user(user_id),
            "memberships_deleted": await MembershipRepository(session).delete_of_user(user_id),
        }
        forget_on_commit(session, tenant_id=tenant_id, user_id=user_id)
        return {**removed, "roles_removed": roles}

    async def delete_user_if_orphaned(
        self, session: AsyncSession, user_id: uuid.UUID
    ) -> tuple[bool, int]:
        """Delete the global user row when no organization has them any more (system
        transaction: users belong to no single tenant). Returns (deleted, memberships
        left elsewhere)."""
        others = await MembershipRepository(session).count_anywhere(user_id)
        return (others == 0 and await UserRepository(session).delete_by_id(user_id)), others

    async def _record(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        user: User,
        details: Mapping[str, object],
    ) -> None:
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action=action,
            resource=("user", user.id),
            details=details,
            subjects={user.id: {"email": user.email}},
        )

    # --- rules ---------------------------------------------------------------------------

    async def _member(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
    ) -> MemberView:
        membership = await MembershipRepository(session).of_user(user_id)
        if membership is None:
            raise NotFound("Member")
        roles = await authz.stored_roles(session, tenant_id, user_id)
        return MemberView(membership, membership.user, roles)

    async def _check_may_manage(
        self, session: AsyncSession, principal: Principal, member: MemberView
    ) -> None:
        """Deactivating someone takes their access away: only for people whose roles carry
        nothing the calling credential lacks (an admin cannot lock out an owner, nor a
        members-only token an admin)."""
        infos = {r.name: r for r in await authz.role_infos(session, principal.tenant_id)}
        for name in member.roles:
            info = infos.get(name)
            if info is not None and await ungrantable(principal, info.permissions):
                raise Forbidden(f"You cannot change the access of a member with the role '{name}'.")


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
    memberships = MembershipRepository(session)
    active = await memberships.active_user_ids(tenant_id, others) if others else []
    if not active:
        raise Conflict(
            "An organization must keep at least one active owner: make someone else owner first."
        )


members = MemberService()
