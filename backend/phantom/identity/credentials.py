"""What API tokens and browser sessions share: only a hash of a secret is stored, a
credential stands for an active member, and revoking one is broadcast once committed."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.authz.service import authz
from phantom.identity.models import Tenant, User
from phantom.identity.principal import AuthMethod, Principal
from phantom.identity.repository import MembershipRepository
from phantom.kit.broadcast import broadcast
from phantom.kit.transactions import on_commit


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def member_principal(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    method: AuthMethod,
    credential_id: uuid.UUID,
    scopes: frozenset[str] | None,
    csrf_token: str | None = None,
) -> Principal | None:
    """The principal a credential stands for, or None once its user is no longer an active
    member of its tenant."""
    row = await MembershipRepository(session).active_member(tenant_id, user_id)
    if row is None:
        return None
    tenant, user = row
    roles = await authz.stored_roles(session, tenant_id, user_id)
    return principal_from(tenant, user, roles, method, credential_id, csrf_token, scopes)


def principal_from(
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
