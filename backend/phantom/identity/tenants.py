"""Tenants (organizations): created with their first owner, from the command line."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.roles import Role
from phantom.authz.service import authz
from phantom.db import enter_tenant
from phantom.identity.errors import TenantSlugTaken
from phantom.identity.models import Membership, Tenant, User
from phantom.identity.passwords import hash_password, verify_password
from phantom.identity.repository import MembershipRepository, TenantRepository, UserRepository
from phantom.identity.validation import check_password, clean_email, clean_name, clean_slug
from phantom.kit.errors import BadUserInput, NotFound


@dataclass(frozen=True, slots=True)
class NewTenant:
    tenant: Tenant
    admin: User
    generated_password: str | None  # shown once when we made it up


class TenantService:
    async def create(
        self,
        session: AsyncSession,
        *,
        slug: str,
        name: str,
        admin_email: str,
        admin_password: str | None,
    ) -> NewTenant:
        users = UserRepository(session)
        slug, name, email = clean_slug(slug), clean_name(name), clean_email(admin_email)
        generated = None
        if admin_password is None:
            generated = admin_password = secrets.token_urlsafe(15)
        check_password(admin_password)
        if await TenantRepository(session).by_slug(slug):
            raise TenantSlugTaken(slug)
        tenant = Tenant(slug=slug, name=name)
        admin = await users.by_email(email)
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
        await TenantRepository(session).add(tenant)
        await users.add(admin)
        await MembershipRepository(session).add(
            Membership(tenant_id=tenant.id, user_id=admin.id, password_sign_in=True)
        )
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

    async def ids(self, session: AsyncSession) -> list[uuid.UUID]:
        """Every tenant's id, for jobs that fan out per tenant."""
        return await TenantRepository(session).all_ids()

    async def by_slug(self, session: AsyncSession, slug: str) -> Tenant:
        tenant = await TenantRepository(session).by_slug(slug)
        if tenant is None:
            raise NotFound("Organization")
        return tenant


tenants = TenantService()


# --- what other domains ask of an organization (they never read its table) ------------


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
    tenant = await TenantRepository(session).find(tenant_id, for_update=lock)
    if tenant is None:
        return TrainingQuota(max_budget_seconds=None, max_concurrent_jobs=None)
    return TrainingQuota(
        max_budget_seconds=tenant.training_max_budget_seconds,
        max_concurrent_jobs=tenant.training_max_concurrent_jobs,
    )
