"""Credential → Principal, with a short per-process cache so a warm request costs no
database round trip. A revocation is seen at once by the process that made it and
within ``PHANTOM_AUTH_CACHE_SECONDS`` by every other process."""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import HTTPConnection

from phantom.config import settings
from phantom.db import transaction
from phantom.identity.credentials import secret_hash
from phantom.identity.principal import AuthMethod, Principal
from phantom.identity.sessions import user_sessions
from phantom.identity.tokens import tokens
from phantom.kit.broadcast import broadcast
from phantom.kit.errors import Forbidden, PhantomError, RateLimited, Unauthenticated
from phantom.kit.ratelimit import RequestLimiter, current_quota
from phantom.kit.redis import unavailable_without_redis
from phantom.kit.rows import utcnow

log = logging.getLogger(__name__)
TOKEN_TOUCH_INTERVAL = 60.0
CACHE_SIZE = 10_000
REFRESH_AHEAD = 0.25  # of the TTL: in its last quarter, an entry is re-read in background


class Authenticator:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._cache: OrderedDict[str, tuple[Principal, float, float]] = OrderedDict()
        # written by the broadcast thread: what was revoked, and when (monotonic)
        self._forgotten: dict[uuid.UUID | tuple[uuid.UUID, uuid.UUID], float] = {}
        self._touched: dict[uuid.UUID, float] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._inflight: dict[str, asyncio.Future[Principal]] = {}

    async def from_bearer(self, secret: str) -> Principal:
        principal = await self._resolve("t:" + secret_hash(secret), secret, _load_token)
        self._record_use(principal)
        return principal

    async def from_session(self, secret: str) -> Principal:
        return await self._resolve("s:" + secret_hash(secret), secret, _load_session)

    async def _resolve(
        self, key: str, secret: str, load: Callable[[str], Awaitable[Principal]]
    ) -> Principal:
        """Cache hit, or one database lookup shared by every concurrent request with the
        same credential (when an entry expires under load, they all miss at once). In an
        entry's last quarter of life, a hit also starts that lookup in background, so
        steady traffic never waits for the database; a credential found revoked then
        leaves the cache at once."""
        principal = self._cached(key)
        if principal is not None:
            if self._cache[key][1] - self.ttl * REFRESH_AHEAD <= time.monotonic():
                if key not in self._inflight:
                    self._lookup(key, secret, load).add_done_callback(_ignore_failure)
            return principal
        return await asyncio.shield(self._lookup(key, secret, load))

    def _lookup(
        self, key: str, secret: str, load: Callable[[str], Awaitable[Principal]]
    ) -> asyncio.Future[Principal]:
        pending = self._inflight.get(key)
        if pending is None or pending.get_loop() is not asyncio.get_running_loop():
            pending = self._inflight[key] = asyncio.ensure_future(self._load(key, secret, load))
            pending.add_done_callback(lambda done: self._settled(key, done))
        return pending

    def _settled(self, key: str, done: asyncio.Future[Principal]) -> None:
        """A lookup ended: no longer in flight, unless ``on_forget`` already let a newer
        one take its place."""
        if self._inflight.get(key) is done:
            self._inflight.pop(key, None)

    async def _load(
        self, key: str, secret: str, load: Callable[[str], Awaitable[Principal]]
    ) -> Principal:
        started = time.monotonic()  # a revocation during the lookup must win
        try:
            principal = await load(secret)
        except Unauthenticated:
            self._cache.pop(key, None)  # revoked or expired since it was cached
            raise
        self._store(key, principal, started)
        return principal

    def forget_session(self, secret: str) -> None:
        self._cache.pop("s:" + secret_hash(secret), None)

    def on_forget(self, message: dict[str, Any]) -> None:
        """A broadcast (any thread): drop what was cached before now for a revoked
        credential or a member whose access changed. ``kind == "*"``: after a lost
        connection, drop everything."""
        now = time.monotonic()
        # a request from now on must not join a lookup from before (it may have read the
        # credential before the revocation); which keys it concerns is not known here
        self._inflight = {}
        if message.get("kind") == "*":
            self._forgotten = {}
            self._cache = OrderedDict()
            return
        if message.get("credential_id"):
            self._forgotten[uuid.UUID(message["credential_id"])] = now
        if message.get("tenant_id") and message.get("user_id"):
            member = (uuid.UUID(message["tenant_id"]), uuid.UUID(message["user_id"]))
            self._forgotten[member] = now

    def _cached(self, key: str) -> Principal | None:
        entry = self._cache.get(key)
        now = time.monotonic()
        if entry is None or entry[1] < now:
            return None
        principal, _, stored_at = entry
        if principal.expires_at is not None and principal.expires_at <= utcnow():
            self._cache.pop(key, None)  # a token that expired while cached is checked anew
            return None
        for forgotten in (principal.credential_id, (principal.tenant_id, principal.user_id)):
            if self._forgotten.get(forgotten, -1.0) >= stored_at:
                self._cache.pop(key, None)
                return None
        self._cache.move_to_end(key)
        return principal

    def _store(self, key: str, principal: Principal, started: float) -> None:
        if self.ttl <= 0:
            return
        now = time.monotonic()
        self._cache[key] = (principal, now + self.ttl, started)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if len(self._forgotten) > 1000:  # only entries younger than the TTL still matter
            cutoff = now - self.ttl
            self._forgotten = {k: t for k, t in list(self._forgotten.items()) if t >= cutoff}

    async def flush(self) -> None:
        """Wait for pending last-used writes (at shutdown, so none is lost)."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    def _record_use(self, principal: Principal) -> None:
        """Last-used is written at most once a minute per token, off the request path."""
        token_id = principal.credential_id
        now = time.monotonic()
        if now - self._touched.get(token_id, -TOKEN_TOUCH_INTERVAL) < TOKEN_TOUCH_INTERVAL:
            return
        self._touched[token_id] = now
        task = asyncio.create_task(self._touch(principal.tenant_id, token_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _touch(self, tenant_id: uuid.UUID, token_id: uuid.UUID) -> None:
        try:
            async with transaction(tenant_id) as session:
                await tokens.record_use(session, token_id)
        except Exception:
            log.exception("could not record API token use")


def _ignore_failure(done: asyncio.Future[Principal]) -> None:
    """A background re-read that failed: the entry was dropped (revoked) or expires as
    usual (database down), and the next request learns why itself."""
    if not done.cancelled():
        done.exception()


async def _load_token(secret: str) -> Principal:
    async with transaction(None) as session:
        return await tokens.principal_for(session, secret)


async def _load_session(secret: str) -> Principal:
    async with transaction(None) as session:
        return await user_sessions.principal_for(session, secret)


authenticator = Authenticator(ttl=settings.AUTH_CACHE_SECONDS)
broadcast.on("identity.forget", authenticator.on_forget)


async def authenticate(
    connection: HTTPConnection, authorization: str | None, check_csrf: bool
) -> tuple[Principal | None, PhantomError | None]:
    """Bearer token first, else the session cookie. A credential that is present but bad
    is an error, never a silent fall back to anonymous."""
    try:
        if authorization is not None:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise Unauthenticated("The Authorization header must be 'Bearer <API token>'.")
            return await authenticator.from_bearer(secret.strip()), None
        cookie = connection.cookies.get(settings.SESSION_COOKIE)
        if cookie is None:
            return None, None
        principal = await authenticator.from_session(cookie)
        if check_csrf and not csrf_matches(connection.headers.get("x-csrf-token"), principal):
            raise Forbidden(
                "Missing or invalid X-CSRF-Token header: cookie-authenticated requests must "
                "echo the phantom_csrf cookie."
            )
        return principal, None
    except PhantomError as error:
        return None, error


def csrf_matches(sent: object, principal: Principal) -> bool:
    """The session's CSRF token, echoed by the page (header or WebSocket payload)."""
    expected = principal.csrf_token
    return (
        principal.auth_method is AuthMethod.SESSION
        and isinstance(sent, str)
        and expected is not None
        and hmac.compare_digest(sent.encode(), expected.encode())
    )


_requests = RequestLimiter("phantom:rate")


async def throttle(principal: Principal) -> None:
    """Per credential (session or token) and per tenant, shared by every API process:
    one client cannot starve its organization, nor one organization the others. Redis
    unreachable (or no connection free within the pool's timeout) is a 503 to retry, not
    a 500: nothing is served unmetered."""
    with unavailable_without_redis():
        quota = await _requests.charge(
            [
                (f"c:{principal.credential_id}", settings.RATE_LIMIT_PER_CREDENTIAL),
                (f"t:{principal.tenant_id}", settings.RATE_LIMIT_PER_TENANT),
            ]
        )
    current_quota.set(quota)  # the answer's RateLimit-* headers (ops/middleware.py)
    if quota.wait > 0:
        raise RateLimited(
            "Too many requests for this credential or organization; retry after "
            f"{math.ceil(quota.wait)} s.",
            retry_after=math.ceil(quota.wait),
        )
