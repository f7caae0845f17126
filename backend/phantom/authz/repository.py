"""All authorization SQL. Role assignments are ``g`` rows: ``v0`` user, ``v1`` role,
``v2`` tenant; custom grants are ``p`` rows: ``v0`` role, ``v1`` tenant, ``v2`` resource,
``v3`` action. ``casbin_rule`` is not a ``TenantScoped`` table, so every query here names
the tenant itself (role checks also run in system sessions: tenant creation, SSO)."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import func, select

from phantom.authz.models import CasbinRule, CustomRole
from phantom.kit.repository import Repository


class AuthzRepository(Repository[CustomRole]):
    """Custom roles are found by name within a tenant (``custom_role``); the base's
    ``add`` and ``delete`` write them."""

    model = CustomRole
    noun = "Role"

    async def custom_roles(self, tenant_id: uuid.UUID) -> list[CustomRole]:
        rows = await self.session.scalars(
            select(CustomRole)
            .where(CustomRole.tenant_id == tenant_id)
            .order_by(CustomRole.name)
            .execution_options(all_tenants=True)  # tenant-scope: tenant given explicitly
        )
        return list(rows.all())

    async def custom_role(self, tenant_id: uuid.UUID, name: str) -> CustomRole | None:
        return await self.session.scalar(
            select(CustomRole)
            .where(CustomRole.tenant_id == tenant_id, CustomRole.name == name)
            .execution_options(all_tenants=True)  # tenant-scope: tenant given explicitly
        )

    async def count_custom_roles(self, tenant_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count(CustomRole.id))
            .where(CustomRole.tenant_id == tenant_id)
            .execution_options(all_tenants=True)  # tenant-scope: tenant given explicitly
        )
        return int(count or 0)

    async def custom_grants(self, tenant_id: uuid.UUID) -> dict[str, list[str]]:
        rows = await self.session.execute(
            select(CasbinRule.v0, CasbinRule.v2, CasbinRule.v3).where(
                CasbinRule.ptype == "p", CasbinRule.v1 == str(tenant_id)
            )
        )
        grants: dict[str, list[str]] = defaultdict(list)
        for role, resource, action in rows:
            grants[str(role)].append(f"{resource}:{action}")
        return grants

    async def member_counts(self, tenant_id: uuid.UUID) -> dict[str, int]:
        rows = await self.session.execute(
            select(CasbinRule.v1, func.count())
            .where(CasbinRule.ptype == "g", CasbinRule.v2 == str(tenant_id))
            .group_by(CasbinRule.v1)
        )
        return {str(role): int(count) for role, count in rows}

    async def roles_of(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> list[str]:
        rows = await self.session.scalars(
            select(CasbinRule.v1).where(
                CasbinRule.ptype == "g",
                CasbinRule.v0 == str(user_id),
                CasbinRule.v2 == str(tenant_id),
            )
        )
        return [str(r) for r in rows.all()]

    async def roles_of_many(
        self, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[str]]:
        rows = await self.session.execute(
            select(CasbinRule.v0, CasbinRule.v1)
            .where(
                CasbinRule.ptype == "g",
                CasbinRule.v2 == str(tenant_id),
                CasbinRule.v0.in_([str(u) for u in user_ids]),
            )
            .order_by(CasbinRule.v1)
        )
        roles: dict[uuid.UUID, list[str]] = defaultdict(list)
        for user, role in rows:
            roles[uuid.UUID(str(user))].append(str(role))
        return dict(roles)

    async def holders_of(self, tenant_id: uuid.UUID, role: str) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(CasbinRule.v0).where(
                CasbinRule.ptype == "g", CasbinRule.v1 == role, CasbinRule.v2 == str(tenant_id)
            )
        )
        return [uuid.UUID(str(v)) for v in rows.all()]
