"""Per-tenant OIDC configuration: what tenant admins save through GraphQL, and whether
an organization still allows password sign-in."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P, permission_names
from phantom.authz.roles import Role
from phantom.authz.service import authz, permissions_of, requires
from phantom.identity.principal import Principal
from phantom.identity.sso.client import clients
from phantom.identity.sso.discovery import fetch_metadata
from phantom.identity.sso.errors import InvalidOidcConfig
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
from phantom.kit.crypto import seal, unseal
from phantom.kit.errors import Forbidden
from phantom.kit.rows import utcnow

SECRET_PURPOSE = "sso-client-secret"  # noqa: S105 - a key-derivation label, not a secret


def client_secret(config: OidcConfig) -> str:
    return unseal(
        config.client_secret_sealed, purpose=SECRET_PURPOSE, aad=config.tenant_id.bytes
    ).decode()


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

    # --- password sign-in (identity's sessions and invitations ask) -------------------------

    async def password_login_allowed(self, session: AsyncSession, tenant_id: uuid.UUID) -> bool:
        """False when the tenant requires single sign-on."""
        config = await SsoRepository(session).config_of(tenant_id)
        return config is None or not config.sso_required


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


# --- for the overviews (phantom.overview), which check their own permission first ---


async def sso_status(session: AsyncSession) -> tuple[bool, bool, datetime | None]:
    """Whether single sign-on is configured, whether it is required, and when the
    configuration was last saved."""
    config = await SsoRepository(session).config()
    if config is None:
        return False, False, None
    return True, config.sso_required, config.updated_at
