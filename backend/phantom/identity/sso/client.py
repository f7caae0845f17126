"""Authlib's Starlette OAuth client, one per tenant, cached per process.

Hardening over Authlib's defaults (docs/sso.md):
- PKCE S256 always; state and nonce (Authlib), with the state kept server side and
  usable once (``OneTimeStateCache``): a replayed callback finds nothing, even with an old
  copy of the state cookie. The cookie holds only a marker.
- The state key carries the tenant's id, so a flow started for tenant A cannot finish at
  tenant B's callback.
- ID tokens: only asymmetric algorithms (no ``none``, no HS256 keyed with a public key),
  keys only from the ``jwks_uri`` (an inline ``jwks`` in discovery is ignored), issuer and
  audience pinned by the caller through ``claims_options``.
- JWKS rotation: an unknown ``kid`` triggers a refetch, at most once per
  ``JWKS_REFETCH_SECONDS``, so a new key is accepted after one refetch and a flood of
  forged ``kid``s cannot make us hammer the IdP.
- The client is rebuilt when the configuration's ``updated_at`` changes, and its
  discovery document is reloaded after ``METADATA_MAX_AGE_SECONDS``.
- Every request (discovery, JWKS, token, userinfo) goes through ``kit.outbound``: https,
  public addresses only, the checked address pinned, no redirects, no proxy; a refusal
  looks like an unreachable IdP. The IdP's discovery document keeps only the standard
  keys: Authlib passes the document to httpx2 as client arguments, so a ``proxy``,
  ``verify`` or ``follow_redirects`` in it would otherwise change how we connect.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from authlib.integrations.starlette_client import StarletteIntegration, StarletteOAuth2App
from redis.exceptions import RedisError

from phantom.identity.sso.discovery import TIMEOUT_SECONDS, discovery_url
from phantom.identity.sso.errors import SsoFailure, SsoRefused
from phantom.identity.sso.models import OidcConfig
from phantom.kit import outbound
from phantom.kit.redis import get_redis, unavailable_without_redis

log = logging.getLogger(__name__)

STATE_TTL_SECONDS = 600
JWKS_REFETCH_SECONDS = 300.0
METADATA_MAX_AGE_SECONDS = 24 * 3600
ID_TOKEN_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
    "Ed25519",
)


# The discovery keys we keep (OpenID Connect Discovery 1.0, RFC 8414, RFC 9207); and
# the only ones handed to Authlib's HTTP client, which takes the rest as httpx2 options.
PROVIDER_METADATA = frozenset(
    {
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
        "scopes_supported",
        "response_types_supported",
        "grant_types_supported",
        "id_token_signing_alg_values_supported",
        "token_endpoint_auth_methods_supported",
        "code_challenge_methods_supported",
        "authorization_response_iss_parameter_supported",
        "claims_supported",
        "subject_types_supported",
    }
)
CLIENT_METADATA = frozenset({"authorization_endpoint", "token_endpoint"})


STORE_DOWN = "Sign-in state cannot be kept right now; retry in a few seconds."


class OneTimeStateCache:
    """Authlib's state cache, in Redis when configured (every API process sees it), else
    in this process. ``get`` consumes the entry (Redis ``GETDEL``): a state works once.
    Redis unreachable is ``Unavailable`` (the page says to retry), never a 500."""

    PREFIX = "phantom:sso:"

    def __init__(self) -> None:
        self._memory: dict[str, tuple[str, float]] = {}

    async def get(self, key: str) -> str | None:
        redis = get_redis()
        if redis is not None:
            with unavailable_without_redis(STORE_DOWN):
                value = await redis.getdel(self.PREFIX + key)
            return None if value is None else str(value)
        value, expires = self._memory.pop(key, ("", 0.0))
        return value if expires > time.monotonic() else None

    async def set(self, key: str, value: str, expires_in: int) -> None:
        redis = get_redis()
        if redis is not None:
            with unavailable_without_redis(STORE_DOWN):
                await redis.set(self.PREFIX + key, value, ex=expires_in)
            return
        now = time.monotonic()
        if len(self._memory) > 10_000:  # bound memory under a flood of abandoned flows
            self._memory = {k: v for k, v in self._memory.items() if v[1] > now}
        self._memory[key] = (value, now + expires_in)

    async def delete(self, key: str) -> None:
        """Best effort: Authlib deletes a state after ``get`` consumed it already, so with
        Redis failing then, the sign-in goes on (the entry is gone, or expires)."""
        redis = get_redis()
        if redis is not None:
            try:
                await redis.delete(self.PREFIX + key)
            except RedisError as error:
                log.warning("sso state not deleted (consumed already): %r", error)
        else:
            self._memory.pop(key, None)


class _Integration(StarletteIntegration):
    expires_in = STATE_TTL_SECONDS


state_cache = OneTimeStateCache()


class TenantOidcClient(StarletteOAuth2App):
    """One tenant's OpenID Provider client."""

    def __init__(
        self,
        *,
        tenant_id: uuid.UUID,
        issuer: str,
        client_id: str,
        client_secret: str,
        scopes: list[str],
        version: datetime,
    ) -> None:
        name = f"sso-{tenant_id}"
        super().__init__(
            _Integration(name, cache=state_cache),
            name=name,
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=discovery_url(issuer),
            client_kwargs={
                "scope": " ".join(scopes),
                "code_challenge_method": "S256",
                "timeout": TIMEOUT_SECONDS,
            },
        )
        self.issuer = issuer
        self.version = version
        self._last_forced_jwks: float | None = None

    def is_stale(self) -> bool:
        loaded = self.server_metadata.get("_loaded_at")
        return loaded is not None and time.time() - float(loaded) > METADATA_MAX_AGE_SECONDS

    def _get_session(self) -> Any:
        self.client_kwargs.update(outbound.client_options())  # a fresh pinned transport
        return super()._get_session()

    def _get_oauth_client(self, **metadata: Any) -> Any:
        self.client_kwargs.update(outbound.client_options())
        return super()._get_oauth_client(
            **{key: value for key, value in metadata.items() if key in CLIENT_METADATA}
        )

    async def load_server_metadata(self) -> dict[str, Any]:
        fresh = "_loaded_at" not in self.server_metadata
        metadata: dict[str, Any] = await super().load_server_metadata()
        if fresh:
            for key in [k for k in metadata if k not in PROVIDER_METADATA | {"_loaded_at"}]:
                del metadata[key]  # keys come from jwks_uri only; no httpx2 options
            if metadata.get("issuer") != self.issuer:
                self.server_metadata.clear()
                raise SsoRefused(
                    SsoFailure.ISSUER_MISMATCH,
                    f"discovery names issuer {str(metadata.get('issuer'))[:200]!r}",
                )
            offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
            algorithms = [a for a in offered if a in ID_TOKEN_ALGORITHMS]
            metadata["id_token_signing_alg_values_supported"] = algorithms or ["RS256"]
            methods = metadata.get("token_endpoint_auth_methods_supported") or []
            if "client_secret_basic" not in methods and "client_secret_post" in methods:
                self.client_kwargs["token_endpoint_auth_method"] = "client_secret_post"  # noqa: S105
        return metadata

    async def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        if force:
            now = time.monotonic()
            last = self._last_forced_jwks
            if last is not None and now - last < JWKS_REFETCH_SECONDS:
                cached: dict[str, Any] = self.server_metadata["jwks"]
                return cached  # refetched recently: an unknown kid stays unknown
            self._last_forced_jwks = now
        jwks: dict[str, Any] = await super().fetch_jwk_set(force=force)
        return jwks


class ClientCache:
    """Per-process clients by tenant, rebuilt when the configuration changes."""

    def __init__(self) -> None:
        self._clients: dict[uuid.UUID, TenantOidcClient] = {}

    def get(self, config: OidcConfig, secret: Callable[[], str]) -> TenantOidcClient:
        """``secret`` returns the client secret; it is unsealed only when (re)building."""
        client = self._clients.get(config.tenant_id)
        if client is None or client.version != config.updated_at or client.is_stale():
            client = TenantOidcClient(
                tenant_id=config.tenant_id,
                issuer=config.issuer,
                client_id=config.client_id,
                client_secret=secret(),
                scopes=list(config.scopes),
                version=config.updated_at,
            )
            self._clients[config.tenant_id] = client
        return client

    def forget(self, tenant_id: uuid.UUID) -> None:
        self._clients.pop(tenant_id, None)


clients = ClientCache()
