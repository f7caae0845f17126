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

from phantom.authz.permissions import P
from phantom.authz.service import check
from phantom.db import transaction
from phantom.identity.authn import authenticate
from phantom.identity.principal import Principal
from phantom.kit.errors import PhantomError, Unauthenticated
from phantom.kit.logging import tenant_id_var

NOT_SIGNED_IN = "Sign in, or pass an API token in the Authorization header."
SOCKET_CREDENTIAL_ENDED = "The credential this connection was opened with is no longer valid."


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

    async def refresh_socket_principal(self) -> None:
        """A socket's credential, checked again through the same cache as HTTP: before
        each operation and on each stream's timer, so a revocation, sign-out,
        deactivation or role change reaches an open socket within the cache's lifetime.
        A failure stays on the context: every later operation of the socket fails too."""
        principal, error = await authenticate(self.connection, self.ws_authorization, False)
        if principal is None or principal.credential_id != self.require_principal().credential_id:
            failure = error or Unauthenticated(SOCKET_CREDENTIAL_ENDED)
            self.set_principal(None, failure)
            raise failure
        self.set_principal(principal, None)

    async def revalidate(self, *permissions: P) -> None:
        """Long-lived streams call this on a timer: a revoked credential ends them
        (UNAUTHENTICATED), and so does losing a permission they need (FORBIDDEN)."""
        await self.refresh_socket_principal()
        for permission in permissions:
            await check(self.require_principal(), permission)
