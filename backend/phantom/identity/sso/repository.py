"""All SSO SQL. The callback and password sign-in look a tenant's configuration up before
anyone is signed in; the tenant then comes from the route's slug, given explicitly."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.identity.sso.models import OidcConfig
from phantom.kit.errors import Conflict


class SsoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def config(self) -> OidcConfig | None:
        """The session tenant's configuration."""
        return await self.session.scalar(select(OidcConfig))

    async def config_of(self, tenant_id: uuid.UUID) -> OidcConfig | None:
        return await self.session.scalar(
            select(OidcConfig)
            .where(OidcConfig.tenant_id == tenant_id)
            .execution_options(all_tenants=True)  # tenant-scope: from the route slug
        )

    async def add(self, config: OidcConfig) -> None:
        self.session.add(config)
        try:
            await self.session.flush()
        except IntegrityError:
            raise Conflict(
                "Single sign-on was configured at the same time by someone else; reload and "
                "try again."
            ) from None

    async def delete(self) -> bool:
        """Delete the session tenant's configuration; False when there was none."""
        result = await self.session.execute(delete(OidcConfig))
        return bool(result.rowcount)  # type: ignore[attr-defined]
