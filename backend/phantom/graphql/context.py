"""The per-request context: who is calling, in which tenant, and request-scoped helpers.

Authentication happens once here. The tenant always comes from the credential.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from phantom.db import transaction
from phantom.identity.authn import authenticate
from phantom.identity.principal import Principal
from phantom.kit.errors import PhantomError, Unauthenticated
from phantom.kit.logging import tenant_id_var

NOT_SIGNED_IN = "Sign in, or pass an API token in the Authorization header."


@dataclass
class Context:
    connection: HTTPConnection
    principal: Principal | None = None
    auth_error: PhantomError | None = None
    connection_params: dict[str, Any] | None = None
    ws_authorization: str | None = None  # the credential a WebSocket connected with
    loaders: dict[str, Any] = field(default_factory=dict)  # per-request DataLoaders

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise self.auth_error or Unauthenticated(NOT_SIGNED_IN)
        return self.principal

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.require_principal().tenant_id

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A short transaction in the caller's tenant. Sibling fields resolve concurrently,
        so each resolver opens its own instead of sharing one."""
        async with transaction(self.tenant_id) as session:
            yield session

    def set_principal(self, principal: Principal | None, error: PhantomError | None) -> None:
        self.principal, self.auth_error = principal, error
        if principal is not None:
            tenant_id_var.set(str(principal.tenant_id))

    async def revalidate(self) -> None:
        """Long-lived streams call this periodically: a revoked credential ends them."""
        principal, error = await authenticate(self.connection, self.ws_authorization, False)
        if principal is None or principal.credential_id != self.require_principal().credential_id:
            raise error or Unauthenticated("Your session has ended.")
