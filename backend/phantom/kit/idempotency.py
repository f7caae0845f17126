"""Idempotency keys (Stripe's contract): a creating request sent again with the same key
and the same request within 24 h answers the first result without doing the work again;
the same key with a different request is CONFLICT.

- A key belongs to a tenant and a caller: an API token's keys are its own (each
  integration is independent); a person's browser sessions share theirs (a retry after
  signing in again is still the same request). Another tenant's or another caller's
  identical key is a different key. Only the key's SHA-256 is stored.
- The key's row is inserted in the work's own transaction, first, and stores only what
  rebuilds the answer (the created entity's id, or a small summary of a bulk write),
  never a serialized response: a replay loads the entity again under the caller's
  permissions. So a failed request (any error, rolled back) leaves no key behind and a
  retry does the work; a crash cannot leave a key that claims work never committed.
- Concurrency: a second request with the key waits on the first's uncommitted row (the
  unique index) for ``IDEMPOTENCY_WAIT_SECONDS``, then answers the first's result, or
  CONFLICT "in progress" if the first is still running (PostgreSQL's ``lock_timeout``).
  At most two requests per key claim it at once in a process (a waiter holds a pooled
  connection); a third arriving meanwhile is CONFLICT "in progress" at once (W6-4).
- Expiry: a row older than 24 h is ignored (the next request with its key claims it
  again) and purged by the tenant's housekeeping (``purge_expired``).

Defined here (``kit`` sits below ``db``); ``phantom.models`` puts the table on the one
metadata, as ``keys.ring_table`` does.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any, Protocol, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    delete,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import Headers

from phantom.config import settings
from phantom.kit.errors import BadUserInput, Conflict

TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255
HEADER = "Idempotency-Key"
# printable ASCII (space allowed inside, not at either end)
_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
# the sentence each idempotent mutation's description ends with
DESCRIBED = (
    "`idempotencyKey` (1 to 255 printable ASCII characters): a retry with the same key "
    "and arguments within 24 h answers the first result without doing the work again; "
    "the same key with other arguments is CONFLICT (docs/api.md#idempotency)."
)
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired
_IN_PROGRESS = (
    "A request with this idempotency key is still in progress; retry it in a few seconds "
    "to get its result."
)
# How many requests of this process are claiming each key now: a waiter holds a pooled
# connection for up to IDEMPOTENCY_WAIT_SECONDS, so one credential's burst of retries of
# its own slow request would take every connection from every tenant (finding W6-4). Two
# at a time: two simultaneous first sends both claim (one does the work, one waits).
_CLAIMING_PER_KEY = 2
_waiting: dict[tuple[uuid.UUID, str, str], int] = {}

T = TypeVar("T")
# The operations this request answered as replays: the audit safety net (GraphQL) and
# the REST routes record a replay as such, not as a mutation that forgot its event.
replays: ContextVar[list[str] | None] = ContextVar("idempotency_replays", default=None)


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("id", Uuid(), primary_key=True),
        Column(
            "tenant_id",
            Uuid(),
            ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("scope", String(64), nullable=False),  # token:<id> or user:<id>
        Column("key_hash", String(64), nullable=False),  # SHA-256 of the key, hex
        Column("operation", String(64), nullable=False),
        Column("fingerprint", String(64), nullable=False),  # SHA-256 of the request
        Column("result", JSON(), nullable=True),  # what rebuilds the answer
        Column("created_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("tenant_id", "scope", "key_hash"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )


KEYS = idempotency_table(MetaData())


class Caller(Protocol):
    """What scopes a key (``identity.Principal`` has it)."""

    @property
    def tenant_id(self) -> uuid.UUID: ...
    @property
    def user_id(self) -> uuid.UUID: ...
    @property
    def credential_id(self) -> uuid.UUID: ...
    @property
    def auth_method(self) -> str: ...


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


E = TypeVar("E", bound=HasId)


def checked_key(key: str | None) -> str | None:
    """None (no key: no idempotency) or a valid key; anything else is BAD_USER_INPUT."""
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise BadUserInput(
            f"An idempotency key is 1 to {MAX_KEY_LENGTH} printable ASCII characters "
            "(no leading or trailing space); a UUID is a good choice."
        )
    return key


def header_key(headers: Headers) -> str | None:
    """The ``Idempotency-Key`` header of a REST request (sent at most once)."""
    values: list[str] = headers.getlist(HEADER)
    if len(values) > 1:
        raise BadUserInput(f"Send one {HEADER} header, not {len(values)}.")
    return checked_key(values[0]) if values else None


def fingerprint(operation: str, request: object) -> str:
    """The canonical request: sorted JSON of the operation and its arguments."""
    canonical = json.dumps(
        {"operation": operation, "request": request},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def file_sha256(stream: IO[bytes]) -> str:
    """An uploaded file's SHA-256 (part of an upload's request), rewound afterwards."""

    def digest() -> str:
        stream.seek(0)
        hasher = hashlib.sha256()
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(chunk)
        stream.seek(0)
        return hasher.hexdigest()

    return await asyncio.to_thread(digest)


def scope_of(caller: Caller) -> str:
    if str(caller.auth_method) == "API_TOKEN":
        return f"token:{caller.credential_id}"
    return f"user:{caller.user_id}"


@dataclass(frozen=True, slots=True)
class Claim:
    row_id: uuid.UUID
    replay: dict[str, Any] | None  # the first request's result; None: do the work


async def claim(
    session: AsyncSession, caller: Caller, key: str, operation: str, request: object
) -> Claim:
    """Take the key for this request in the session's transaction (first, before the
    work), or find the first request's result. CONFLICT if the key was used for another
    request, or if its first request is still running after the wait."""
    now = datetime.now(UTC)
    row = {
        "id": uuid.uuid4(),
        "tenant_id": caller.tenant_id,
        "scope": scope_of(caller),
        "key_hash": hashlib.sha256(key.encode()).hexdigest(),
        "operation": operation,
        "fingerprint": fingerprint(operation, request),
        "result": None,
        "created_at": now,
    }
    postgres = session.get_bind().dialect.name == "postgresql"
    dialect = postgresql if postgres else sqlite
    insert = dialect.insert(KEYS).values(**row)
    fresh = {c: insert.excluded[c] for c in ("operation", "fingerprint", "result", "created_at")}
    statement = insert.on_conflict_do_update(
        index_elements=[KEYS.c.tenant_id, KEYS.c.scope, KEYS.c.key_hash],
        set_=fresh,  # an expired key is claimed again (its row keeps its id)
        where=KEYS.c.created_at < now - TTL,
    ).returning(KEYS.c.id)
    wait = f"{int(settings.IDEMPOTENCY_WAIT_SECONDS * 1000)}ms"
    waiter = (caller.tenant_id, scope_of(caller), str(row["key_hash"]))
    if _waiting.get(waiter, 0) >= _CLAIMING_PER_KEY:  # the others answer now
        raise Conflict(_IN_PROGRESS)
    _waiting[waiter] = _waiting.get(waiter, 0) + 1
    try:
        before = await _lock_timeout(session, wait) if postgres else ""
        taken = (await session.execute(statement)).scalar_one_or_none()
        if postgres:
            await _lock_timeout(session, before)  # the work waits on locks as before
    except DBAPIError as failure:
        if getattr(failure.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise Conflict(_IN_PROGRESS) from None
        raise
    finally:
        left = _waiting.pop(waiter) - 1
        if left:
            _waiting[waiter] = left
    if taken is not None:
        return Claim(taken, None)
    return await _first(session, row)


async def _lock_timeout(session: AsyncSession, value: str) -> str:
    """Set this transaction's lock_timeout; the value it had."""
    found = await session.execute(
        text("SELECT current_setting('lock_timeout'), set_config('lock_timeout', :v, true)"),
        {"v": value},
    )
    return str(found.one()[0])


async def _first(session: AsyncSession, row: dict[str, Any]) -> Claim:
    found = (
        await session.execute(
            select(KEYS.c.id, KEYS.c.operation, KEYS.c.fingerprint, KEYS.c.result).where(
                KEYS.c.tenant_id == row["tenant_id"],
                KEYS.c.scope == row["scope"],
                KEYS.c.key_hash == row["key_hash"],
            )
        )
    ).one()
    if found.operation != row["operation"]:
        raise Conflict(
            f"This idempotency key was already used for {found.operation} in the last 24 "
            "hours; use a new key for a new request."
        )
    if found.fingerprint != row["fingerprint"] or found.result is None:
        raise Conflict(
            "This idempotency key was already used with a different request in the last "
            "24 hours; use a new key for a new request, or resend the first one unchanged."
        )
    return Claim(found.id, dict(found.result))


async def complete(session: AsyncSession, taken: Claim, result: dict[str, Any]) -> None:
    """Store what rebuilds the answer, in the work's transaction."""
    await session.execute(KEYS.update().where(KEYS.c.id == taken.row_id).values(result=result))


async def once(
    session: AsyncSession,
    caller: Caller,
    key: str | None,
    operation: str,
    request: object,
    work: Callable[[], Awaitable[T]],
    remember: Callable[[T], dict[str, Any]],
    recall: Callable[[dict[str, Any]], Awaitable[T]],
) -> T:
    """``work()`` once per key and request; a replay answers ``recall(remember(first))``.
    No key: just ``work()``."""
    if checked_key(key) is None:
        return await work()
    assert key is not None  # noqa: S101 - narrowed by checked_key
    taken = await claim(session, caller, key, operation, request)
    if taken.replay is not None:
        answered = await recall(taken.replay)
        seen = replays.get()
        if seen is not None:
            seen.append(operation)
        return answered
    result = await work()
    await complete(session, taken, remember(result))
    return result


async def once_by_id(
    session: AsyncSession,
    caller: Caller,
    key: str | None,
    operation: str,
    request: object,
    work: Callable[[], Awaitable[E]],
    load: Callable[[uuid.UUID], Awaitable[E]],
) -> E:
    """``once`` for work that creates one entity: a replay loads it by id (under the
    caller's permissions, through ``load``)."""

    async def recall(result: dict[str, Any]) -> E:
        return await load(uuid.UUID(result["id"]))

    return await once(
        session, caller, key, operation, request, work, lambda e: {"id": str(e.id)}, recall
    )


async def purge_expired(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    """Delete the tenant's keys older than 24 h (housekeeping)."""
    cutoff = datetime.now(UTC) - TTL
    result = await session.execute(
        delete(KEYS).where(KEYS.c.tenant_id == tenant_id, KEYS.c.created_at < cutoff)
    )
    return int(getattr(result, "rowcount", 0) or 0)
