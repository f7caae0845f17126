"""Per-tenant OIDC configuration, and what happens after the IdP vouched for someone:
email checks, roles from claims, just-in-time provisioning, a new session."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import MATRIX, P, permission_names
from phantom.authz.roles import Role
from phantom.authz.service import KNOWN_PERMISSIONS, authz, permissions_of, requires
from phantom.identity.errors import MemberDeactivated
from phantom.identity.models import MembershipStatus, Tenant
from phantom.identity.principal import Principal
from phantom.identity.repository import IdentityRepository
from phantom.identity.service import NewSession, identity, invitation_expired
from phantom.identity.sso.client import clients
from phantom.identity.sso.discovery import fetch_metadata
from phantom.identity.sso.errors import InvalidOidcConfig, SsoFailure, SsoRefused
from phantom.identity.sso.models import OidcConfig
from phantom.identity.sso.repository import SsoRepository
from phantom.identity.sso.validation import (
    OidcSettings,
    check_client_secret,
    clean_client_id,
    clean_domains,
    clean_issuer,
    clean_mapping,
    clean_role_claim,
    clean_scopes,
)
from phantom.identity.validation import SLUG_RE, clean_email, clean_name
from phantom.kit.crypto import seal, unseal
from phantom.kit.errors import BadUserInput, Forbidden, PhantomError
from phantom.kit.rows import utcnow

SECRET_PURPOSE = "sso-client-secret"  # noqa: S105 - a key-derivation label, not a secret
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


def client_secret(config: OidcConfig) -> str:
    return unseal(
        config.client_secret_sealed, purpose=SECRET_PURPOSE, aad=config.tenant_id.bytes
    ).decode()


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


class SsoService:
    # --- configuration (tenant admins, through GraphQL) -----------------------------------

    @requires(P.SSO_READ)
    async def get_config(self, session: AsyncSession, principal: Principal) -> OidcConfig | None:
        return await SsoRepository(session).config()

    @requires(P.SSO_MANAGE)
    async def configure(
        self, session: AsyncSession, principal: Principal, data: OidcSettings
    ) -> OidcConfig:
        """Validate, check the provider's discovery document, seal the secret, save.
        An empty secret keeps the stored one, unless the issuer or client changes: the old
        secret must never be sent to a different provider or client."""
        repo = SsoRepository(session)
        current = await repo.config()
        data = await self._clean(session, principal.tenant_id, data)
        _check_lockout(principal, current, data)
        same_client = current is not None and (current.issuer, current.client_id) == (
            data.issuer,
            data.client_id,
        )
        if not data.client_secret and not same_client:
            raise InvalidOidcConfig(
                "Client secret is required (it may be left empty only to keep the stored "
                "secret while the issuer and client ID stay the same)."
            )
        held = await self._check_grants(session, principal, data)
        await fetch_metadata(data.issuer)
        config = current or OidcConfig(tenant_id=principal.tenant_id)
        config.issuer, config.client_id = data.issuer, data.client_id
        if data.client_secret:
            config.client_secret_sealed = seal(
                data.client_secret.encode(), purpose=SECRET_PURPOSE, aad=principal.tenant_id.bytes
            )
        config.scopes = data.scopes
        config.allowed_email_domains = data.allowed_email_domains
        config.default_role = data.default_role
        config.role_claim = data.role_claim
        config.role_mapping = [
            {"claimValue": m.claim_value, "roles": m.roles} for m in data.role_mapping
        ]
        config.sso_required = data.sso_required
        config.grant_ceiling = sorted(p.value for p in held)
        config.grants_owner = Role.OWNER.value in principal.roles and frozenset(P) <= held
        config.saved_by = principal.user_id
        config.updated_at = utcnow()
        if current is None:
            await repo.add(config)
        else:
            await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="identity.sso.configured",
            resource=("oidc_config", config.id),
            details={
                "issuer": config.issuer,
                "client_id": config.client_id,
                "secret_changed": bool(data.client_secret),
                "scopes": config.scopes,
                "allowed_email_domains": config.allowed_email_domains,
                "default_role": config.default_role,
                "role_claim": config.role_claim,
                "role_mapping": config.role_mapping,
                "sso_required": config.sso_required,
            },
        )
        return config

    @requires(P.SSO_MANAGE)
    async def remove(self, session: AsyncSession, principal: Principal) -> bool:
        repo = SsoRepository(session)
        current = await repo.config()
        if current is not None and current.sso_required and not _is_owner(principal):
            # members who sign in only through the IdP (an owner, too) would be locked out
            raise Forbidden(
                "Only an owner can remove single sign-on from an organization that requires it."
            )
        removed = await repo.delete()
        clients.forget(principal.tenant_id)
        if removed:
            await audit.record(
                session,
                actor=audit.Actor.from_principal(principal),
                action="identity.sso.removed",
                resource=("oidc_config", None),
            )
        return removed

    async def _clean(
        self, session: AsyncSession, tenant_id: uuid.UUID, data: OidcSettings
    ) -> OidcSettings:
        role_claim = clean_role_claim(data.role_claim)
        mapping = clean_mapping(data.role_mapping, role_claim)
        await self._check_roles(session, tenant_id, [data.default_role], "Default role")
        for entry in mapping:
            await self._check_roles(
                session, tenant_id, entry.roles, f"Roles for {entry.claim_value!r}"
            )
        return replace(
            data,
            issuer=clean_issuer(data.issuer),
            client_id=clean_client_id(data.client_id),
            client_secret=check_client_secret(data.client_secret),
            scopes=clean_scopes(data.scopes),
            allowed_email_domains=clean_domains(data.allowed_email_domains),
            role_claim=role_claim,
            role_mapping=mapping,
        )

    async def _check_grants(
        self, session: AsyncSession, principal: Principal, data: OidcSettings
    ) -> frozenset[P]:
        """A grant never exceeds the credential that makes it: every role the default or
        the mapping names must carry only permissions the caller's credential holds, and
        ``owner`` only an owner may hand out. Returns the credential's permissions, the
        ceiling stored with the configuration for sign-in."""
        held = frozenset(await permissions_of(principal))
        infos = {info.name: info for info in await authz.role_infos(session, principal.tenant_id)}
        named = [data.default_role, *(role for m in data.role_mapping for role in m.roles)]
        for name in dict.fromkeys(named):
            if name == Role.OWNER.value and Role.OWNER.value not in principal.roles:
                raise Forbidden("Only an owner can make single sign-on grant the role 'owner'.")
            missing = infos[name].permissions - held
            if missing:
                names = permission_names(missing)
                raise Forbidden(
                    f"You cannot make single sign-on grant the role '{name}': it carries "
                    f"permissions you do not have ({names})."
                )
        return held

    async def _check_roles(
        self, session: AsyncSession, tenant_id: uuid.UUID, roles: Iterable[str], what: str
    ) -> None:
        known = {info.name for info in await authz.role_infos(session, tenant_id)}
        for role in roles:
            if role not in known:
                raise InvalidOidcConfig(
                    f"{what}: unknown role {role[:64]!r}. Known roles: {', '.join(sorted(known))}."
                )

    # --- sign-in (the /auth/sso routes) -----------------------------------------------------

    async def password_login_allowed(self, session: AsyncSession, tenant_id: uuid.UUID) -> bool:
        """False when the tenant requires single sign-on."""
        config = await SsoRepository(session).config_of(tenant_id)
        return config is None or not config.sso_required

    async def login_target(self, session: AsyncSession, slug: str) -> LoginTarget:
        """The route's tenant and its IdP. Unknown and unconfigured organizations answer
        alike."""
        tenant = (
            await IdentityRepository(session).tenant_by_slug(slug)
            if SLUG_RE.fullmatch(slug)
            else None
        )
        config = await SsoRepository(session).config_of(tenant.id) if tenant else None
        if tenant is None or config is None:
            raise SsoRefused(SsoFailure.NOT_CONFIGURED)
        return LoginTarget(tenant=tenant, config=config)

    async def sign_in(
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
            user = await identity.provision_member(
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
            return await identity.start_session(
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
        repo = IdentityRepository(session)
        if saver is None or await repo.active_member(config.tenant_id, saver) is None:
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
        repo = IdentityRepository(session)
        user = await repo.user_by_email(clean_email(email))
        if link_user is not None and (user is None or user.id != link_user):
            raise SsoRefused(SsoFailure.LINK_MISMATCH, email)
        membership = await repo.membership(tenant_id, user.id) if user else None
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


def _is_owner(principal: Principal) -> bool:
    return Role.OWNER.value in principal.roles


def _check_lockout(principal: Principal, current: OidcConfig | None, data: OidcSettings) -> None:
    """Requiring SSO turns off every password, the owners' too, and hands sign-in to the
    IdP: only an owner may switch it on, or point a configuration that requires it at
    another provider or client (an admin could otherwise lock the owners out)."""
    if _is_owner(principal):
        return
    required = current is not None and current.sso_required
    if data.sso_required and not required:
        raise Forbidden(
            "Only an owner can require single sign-on: it turns off password sign-in for "
            "everyone, the owners included."
        )
    if required and current is not None:
        if (current.issuer, current.client_id) != (data.issuer, data.client_id):
            raise Forbidden(
                "Only an owner can change the identity provider or client of an organization "
                "that requires single sign-on."
            )


sso = SsoService()
