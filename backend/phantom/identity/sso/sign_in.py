"""What happens after the IdP vouched for someone: email checks, roles from claims
within what the configuration may grant, just-in-time provisioning, a new session."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import MATRIX, P
from phantom.authz.roles import Role
from phantom.authz.service import KNOWN_PERMISSIONS, authz
from phantom.identity.errors import MemberDeactivated
from phantom.identity.members import invitation_expired
from phantom.identity.models import MembershipStatus, Tenant
from phantom.identity.repository import MembershipRepository, TenantRepository, UserRepository
from phantom.identity.sessions import NewSession, user_sessions
from phantom.identity.sso.errors import SsoFailure, SsoRefused
from phantom.identity.sso.models import OidcConfig
from phantom.identity.sso.provisioning import provision_member
from phantom.identity.sso.repository import SsoRepository
from phantom.identity.validation import SLUG_RE, clean_email, clean_name
from phantom.kit.errors import BadUserInput, PhantomError
from phantom.kit.rows import utcnow

MAX_CLAIM_VALUES = 1000
BEYOND_INVITATION = (
    "Your invitation gives you roles that single sign-on may not grant in this organization. "
    "Accept the invitation with the link you received, or ask an owner to save the single "
    "sign-on settings again."
)


@dataclass(frozen=True, slots=True)
class Reach:
    """What a configuration may grant at one sign-in; ``why`` says what narrowed it beyond
    the stored ceiling (for the log)."""

    roles: frozenset[str]
    why: str = ""


@dataclass(frozen=True, slots=True)
class LoginTarget:
    """The tenant named by the route, and its configuration."""

    tenant: Tenant
    config: OidcConfig


def sso_subject(issuer: str, subject: str) -> str:
    """A subject is unique per issuer (OIDC Core 2): the link stored on the membership."""
    linked = f"{subject}@{issuer}"
    return linked if len(linked) <= 255 else "sha256:" + hashlib.sha256(linked.encode()).hexdigest()


def roles_from_claims(config: OidcConfig, claims: dict[str, Any]) -> list[str]:
    """The union of the roles mapped from the role claim's values, else the default."""
    values: Any = claims.get(config.role_claim) if config.role_claim else None
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        values = []
    mapping = {entry["claimValue"]: entry["roles"] for entry in config.role_mapping}
    roles: list[str] = []
    for value in values[:MAX_CLAIM_VALUES]:
        if isinstance(value, str):
            for role in mapping.get(value, ()):
                if role not in roles:
                    roles.append(role)
    return roles or [config.default_role]


def checked_email(config: OidcConfig, claims: dict[str, Any]) -> str:
    raw = claims.get("email")
    if not isinstance(raw, str) or not raw.strip():
        raise SsoRefused(SsoFailure.EMAIL_MISSING)
    # Only an explicit "verified" counts: an IdP that says nothing about the address may
    # hand out any address (some IdPs send the string "true").
    verified = claims.get("email_verified")
    if verified is not True and not (isinstance(verified, str) and verified.lower() == "true"):
        raise SsoRefused(SsoFailure.EMAIL_UNVERIFIED, raw[:320])
    try:
        email = clean_email(raw.strip())
    except BadUserInput:
        raise SsoRefused(SsoFailure.EMAIL_MISSING, "malformed email claim") from None
    domain = email.rsplit("@", 1)[1]
    if config.allowed_email_domains and domain not in config.allowed_email_domains:
        raise SsoRefused(SsoFailure.EMAIL_DOMAIN_NOT_ALLOWED, email)
    return email


def _display_name(claims: dict[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str):
        try:
            return clean_name(name[:200], "Display name")
        except BadUserInput:
            pass
    return email.split("@", 1)[0][:200]


class SsoSignIn:
    async def login_target(self, session: AsyncSession, slug: str) -> LoginTarget:
        """The route's tenant and its IdP. Unknown and unconfigured organizations answer
        alike."""
        tenant = await TenantRepository(session).by_slug(slug) if SLUG_RE.fullmatch(slug) else None
        config = await SsoRepository(session).config_of(tenant.id) if tenant else None
        if tenant is None or config is None:
            raise SsoRefused(SsoFailure.NOT_CONFIGURED)
        return LoginTarget(tenant=tenant, config=config)

    async def complete(
        self,
        session: AsyncSession,
        target: LoginTarget,
        claims: dict[str, Any],
        *,
        ip: str | None,
        user_agent: str | None,
        link_user: uuid.UUID | None = None,
    ) -> NewSession:
        """The IdP has vouched for ``claims`` (ID token verified by the caller): provision
        or update the member, sync the roles, start a new session. ``link_user``: the
        member who proved their account and asked to link it (``linking.py``)."""
        config = target.config
        email = checked_email(config, claims)
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise SsoRefused(SsoFailure.ID_TOKEN_INVALID, "no sub claim")
        reach = await self._reach(session, config)
        wanted = roles_from_claims(config, claims)
        beyond = [role for role in wanted if role not in reach.roles]
        if beyond:
            raise SsoRefused(
                SsoFailure.PROVISIONING_FAILED,
                f"{email}: the configuration may not grant {', '.join(beyond)}{reach.why}",
            )
        kept, linking = await self._roles_beyond_reach(
            session, target.tenant.id, email, reach, link_user
        )
        try:
            user = await provision_member(
                session,
                tenant_id=target.tenant.id,
                email=email,
                display_name=_display_name(claims, email),
                roles=sorted({*wanted, *kept}),
                sso_subject=sso_subject(config.issuer, subject),
            )
            if linking:
                await audit.record(
                    session,
                    actor=audit.Actor(audit.ActorType.USER, user.id),
                    action="identity.member.sso_linked",
                    resource=("user", user.id),
                    details={"issuer": config.issuer},
                )
            return await user_sessions.start(
                session,
                tenant_id=target.tenant.id,
                user_id=user.id,
                ip=ip,
                user_agent=user_agent,
                method="sso",
            )
        except MemberDeactivated:
            raise SsoRefused(SsoFailure.MEMBER_DEACTIVATED, email) from None
        except PhantomError as error:
            raise SsoRefused(SsoFailure.PROVISIONING_FAILED, f"{email}: {error.message}") from None

    async def _reach(self, session: AsyncSession, config: OidcConfig) -> Reach:
        """The roles this configuration may grant: those within the permissions of whoever
        saved it (a row saved before that was recorded: the built-in admin's), ``owner``
        only when an owner saved it. A configuration is only as strong as its saver still
        is: the ceiling is also bounded by the saver's *current* permissions, and is empty
        once the saver is no longer an active member. Checked at every sign-in, so a
        custom role that grew since is not handed out."""
        if config.grant_ceiling is None:
            ceiling = MATRIX[Role.ADMIN]
        else:
            ceiling = frozenset(P(p) for p in config.grant_ceiling if p in KNOWN_PERMISSIONS)
        grants_owner, why = config.grants_owner, ""
        infos = await authz.role_infos(session, config.tenant_id)
        saver = config.saved_by
        memberships = MembershipRepository(session)
        if saver is None or await memberships.active_member(config.tenant_id, saver) is None:
            ceiling, grants_owner = frozenset(), False
            why = (
                " (whoever saved it is unknown or no longer an active member: an owner or "
                "admin must save the single sign-on configuration again)"
            )
        else:
            roles = set(await authz.stored_roles(session, config.tenant_id, saver))
            held = frozenset(p for info in infos if info.name in roles for p in info.permissions)
            if not ceiling <= held or (grants_owner and Role.OWNER.value not in roles):
                why = " (whoever saved it holds less now: save the configuration again)"
            ceiling &= held
            grants_owner = grants_owner and Role.OWNER.value in roles
        return Reach(
            frozenset(
                info.name
                for info in infos
                if info.permissions <= ceiling and (info.name != Role.OWNER or grants_owner)
            ),
            why,
        )

    async def _roles_beyond_reach(
        self,
        session: AsyncSession,
        tenant_id: uuid.UUID,
        email: str,
        reach: Reach,
        link_user: uuid.UUID | None,
    ) -> tuple[list[str], bool]:
        """The member's current roles the configuration could not grant (the sync neither
        grants nor removes those: an admin's SSO settings cannot demote an owner), and
        whether this sign-in links an existing account. An active member not linked to
        the IdP is linked only with proof of the account (``link_user``), never because
        the IdP asserts its email.

        A pending invitation is not a role held: signing in would *grant* its roles, so an
        IdP brings only what its configuration could grant. Invited roles beyond that
        refuse the sign-in (the invitation's link, or a configuration saved by someone
        holding them, is the way in); an expired invitation grants nothing at all."""
        user = await UserRepository(session).by_email(clean_email(email))
        if link_user is not None and (user is None or user.id != link_user):
            raise SsoRefused(SsoFailure.LINK_MISMATCH, email)
        membership = await MembershipRepository(session).of(tenant_id, user.id) if user else None
        if membership is None or user is None:
            return [], False
        linking = membership.sso_subject is None and membership.status == MembershipStatus.ACTIVE
        if linking and link_user is None:
            raise SsoRefused(SsoFailure.ACCOUNT_NOT_LINKED, email)
        current = await authz.stored_roles(session, tenant_id, user.id)
        beyond = [role for role in current if role not in reach.roles]
        if membership.status != MembershipStatus.INVITED:
            return beyond, linking
        if beyond and not invitation_expired(membership, utcnow()):
            raise SsoRefused(
                SsoFailure.PROVISIONING_FAILED,
                f"{email}: invited as {', '.join(beyond)}, which the configuration may not "
                f"grant{reach.why}; the invitation must be accepted with its link",
                message=BEYOND_INVITATION,
            )
        return [], False


sso_sign_in = SsoSignIn()
