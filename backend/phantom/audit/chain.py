"""Appending to a tenant's chain, and signing its head.

``record`` writes in the caller's transaction: no change commits without its event, and
no event survives a rolled-back change. A refusal (a failed sign-in, a denied operation)
rolls its transaction back, so record it in a transaction of its own
(``record_separately``).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit import keys
from phantom.audit.errors import (
    AuditChainUnverified,
    AuditDetailsTooLarge,
    AuditKeyUnavailable,
    InvalidAuditAction,
)
from phantom.audit.headers import header_of
from phantom.audit.models import (
    AuditCheckpoint,
    AuditEvent,
    AuditEventDetails,
    AuditKey,
    AuditSubjectKey,
)
from phantom.audit.proof import (
    checkpoint_message,
    event_hash,
    event_mac,
    format_time,
    public_key_id,
)
from phantom.audit.proof import details_digest as digest_of
from phantom.audit.repository import AuditRepository, Head
from phantom.audit.verify import verify_since_checkpoint
from phantom.db import transaction
from phantom.identity.principal import AuthMethod, Principal
from phantom.kit.logging import client_ip_var, request_id_var
from phantom.kit.rows import utcnow
from phantom.kit.transactions import on_commit

log = logging.getLogger(__name__)
ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+){1,5}$")
MAX_DETAILS_BYTES = 16_384
MAX_SUBJECTS = 50  # the header lists them (space-separated ids, 2,000 characters)
CHECKPOINT_INTERVAL = timedelta(hours=1)  # docs/security.md: at most 1 h apart

CHECKPOINTS_REFUSED = Counter(
    "phantom_audit_checkpoints_refused_total",
    "Checkpoints not signed because the audit chain since the last one did not verify "
    "(forged or altered events): alert on any increase",
)

# Actions recorded in the current operation (the GraphQL mutation safety net reads it).
recorded_actions: ContextVar[list[str] | None] = ContextVar("recorded_actions", default=None)


class ActorType(StrEnum):
    USER = "user"  # a browser session
    TOKEN = "token"  # noqa: S105 - an API token; not a secret
    SYSTEM = "system"  # a job, the CLI, start-up
    ANONYMOUS = "anonymous"  # not signed in (e.g. a failed sign-in)


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"  # attempted and failed (bad input, not found, conflict)
    DENIED = "denied"  # refused: not authenticated or not permitted


@dataclass(frozen=True, slots=True)
class Actor:
    type: ActorType
    user_id: uuid.UUID | None = None
    credential_id: uuid.UUID | None = None  # the session's or API token's id
    label: str | None = None  # what a system actor is; the email tried by an anonymous one

    @classmethod
    def from_principal(cls, principal: Principal) -> Actor:
        kind = ActorType.TOKEN if principal.auth_method == AuthMethod.API_TOKEN else ActorType.USER
        return cls(kind, principal.user_id, principal.credential_id)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(ActorType.SYSTEM, label=name[:100])

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(ActorType.ANONYMOUS)


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    id: uuid.UUID
    seq: int
    hash: bytes


Json = Any  # JSON-serialisable: str, int, float, bool, None, lists and dicts of them
Subjects = Mapping[uuid.UUID, Mapping[str, Json]] | Iterable[uuid.UUID]


async def record(
    session: AsyncSession,
    *,
    actor: Actor,
    action: str,
    resource: tuple[str, object] | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    details: Mapping[str, Json] | None = None,
    subjects: Subjects | None = None,
    source_ip: str | None = None,
) -> RecordedEvent:
    """Append one event to the chain of the session's tenant, in the session's transaction.

    ``details`` are encrypted under the tenant's data key. Personal data goes in
    ``subjects``, keyed by the data subject's user id, and is encrypted again under that
    subject's key, which an erasure destroys. The client's IP (from the request unless
    given) is personal data: it is stored under the acting user's subject key.
    """
    if not ACTION_RE.fullmatch(action) or len(action) > 100:
        raise InvalidAuditAction(action)
    repo = AuditRepository(session)
    personal = _personal(subjects)
    if len(personal) > MAX_SUBJECTS:
        raise AuditDetailsTooLarge(len(personal), MAX_SUBJECTS, "data subjects")
    outer: dict[str, Json] = dict(details or {})
    ip = source_ip or client_ip_var.get()
    if ip and actor.user_id is not None:
        personal.setdefault(actor.user_id, {})["source_ip"] = ip
    elif ip:
        outer["source_ip"] = ip
    head = await repo.advance_head()  # holds the tenant's chain lock from here on
    now = utcnow()
    data_key = await _data_key(repo, head)
    raw_key = keys.unwrap(data_key.wrapped, keys.DATA_KEY_PURPOSE, repo.tenant_id, data_key.id)
    sealed = await _seal_personal(repo, head.seq, personal)
    plaintext = json.dumps({"details": outer, "subjects": sealed}, separators=(",", ":"))
    if len(plaintext) > MAX_DETAILS_BYTES:
        raise AuditDetailsTooLarge(len(plaintext), MAX_DETAILS_BYTES)
    ciphertext = keys.encrypt(
        raw_key, plaintext.encode(), keys.details_aad(repo.tenant_id, head.seq, data_key.id)
    )
    event = AuditEvent(
        id=uuid.uuid4(),
        created_at=now,
        tenant_id=repo.tenant_id,
        seq=head.seq,
        occurred_at=now,
        actor_type=actor.type.value,
        actor_id=actor.user_id,
        credential_id=actor.credential_id,
        actor_label=actor.label,
        action=action,
        resource_type=resource[0][:64] if resource else None,
        resource_id=str(resource[1])[:200] if resource and resource[1] is not None else None,
        outcome=outcome.value,
        request_id=(request_id_var.get() or None),
        subjects=" ".join(sorted(str(s) for s in personal)),
        key_id=data_key.id,
        details_digest=digest_of(ciphertext),
    )
    event.hash = event_hash(head.previous_hash, header_of(event), event.details_digest)
    event.mac = event_mac(await _mac_key(repo), str(repo.tenant_id), head.seq, event.hash)
    await repo.add(event, AuditEventDetails(seq=head.seq, ciphertext=ciphertext))
    await repo.set_head(last_hash=event.hash)
    if _checkpoint_due(repo.tenant_id, head, now):
        try:
            await _verify_then_sign(repo)
        except AuditChainUnverified:
            # logged and counted; the event is recorded all the same. Not retried by
            # appends for an interval: each try re-reads the tail under the chain lock
            _refused_at[repo.tenant_id] = now
    actions = recorded_actions.get()
    if actions is not None:
        actions.append(action)
    return RecordedEvent(event.id, event.seq, event.hash)


# When an append last found the chain unverifiable, per tenant (this process).
_refused_at: dict[uuid.UUID, datetime] = {}


def _checkpoint_due(tenant_id: uuid.UUID, head: Head, now: datetime) -> bool:
    refused = _refused_at.get(tenant_id)
    if refused is not None and now - refused < CHECKPOINT_INTERVAL:
        return False
    return head.checkpoint_at is None or now - head.checkpoint_at >= CHECKPOINT_INTERVAL


async def record_separately(tenant_id: uuid.UUID, **event: Any) -> RecordedEvent:
    """Record in a transaction of its own: for refusals, whose own transaction rolls back."""
    async with transaction(tenant_id) as session:
        return await record(session, **event)


def _personal(subjects: Subjects | None) -> dict[uuid.UUID, dict[str, Json]]:
    if subjects is None:
        return {}
    if isinstance(subjects, Mapping):
        return {uuid.UUID(str(k)): dict(v) for k, v in subjects.items()}
    return {uuid.UUID(str(s)): {} for s in subjects}


@dataclass(frozen=True, slots=True)
class _DataKey:
    id: uuid.UUID
    wrapped: bytes
    first_seq: int


# Data key rows never change (rotation adds a new one), so each process keeps the ones it
# has used: an append then costs no key lookup.
_data_keys: dict[uuid.UUID, _DataKey] = {}


async def _data_key(repo: AuditRepository, head: Head) -> _DataKey:
    """The tenant's current data key; a new one on the first event and before the
    random-nonce bound (``keys.MAX_EVENTS_PER_DATA_KEY``)."""
    current = _data_keys.get(head.data_key_id) if head.data_key_id else None
    if current is None and head.data_key_id is not None:
        row = await repo.key(head.data_key_id)
        if row is not None:
            current = _data_keys[row.id] = _DataKey(row.id, row.wrapped, row.first_seq or 0)
    if current is not None and head.seq - current.first_seq < keys.MAX_EVENTS_PER_DATA_KEY:
        return current
    if current is not None:
        await repo.retire_key(current.id, utcnow())
    key_id = uuid.uuid4()
    fresh = AuditKey(
        id=key_id,
        kind="data",
        wrapped=keys.wrap(keys.new_key(), keys.DATA_KEY_PURPOSE, repo.tenant_id, key_id),
        master_key_id=keys.master_key_id(),
        first_seq=head.seq,
    )
    await repo.add(fresh)
    await repo.set_head(data_key_id=key_id)
    return _DataKey(key_id, fresh.wrapped, head.seq)


# MAC keys never change either; one per tenant, kept per process once opened.
_mac_keys: dict[uuid.UUID, bytes] = {}


async def _mac_key(repo: AuditRepository) -> bytes:
    """The tenant's event MAC key: random, sealed under the master key (HKDF purpose
    ``audit-mac-key``, bound to tenant and key id), so it survives a master key rotation
    (``phantom audit rewrap``). Created by the first append, under the chain lock."""
    cached = _mac_keys.get(repo.tenant_id)
    if cached is not None:
        return cached
    for row in await repo.keys("mac"):
        try:
            raw = keys.unwrap(row.wrapped, keys.MAC_KEY_PURPOSE, repo.tenant_id, row.id)
        except AuditKeyUnavailable:
            continue  # not sealed by us: a planted row
        _mac_keys[repo.tenant_id] = raw
        return raw
    raw, key_id = keys.new_key(), uuid.uuid4()
    wrapped = keys.wrap(raw, keys.MAC_KEY_PURPOSE, repo.tenant_id, key_id)
    await repo.add(
        AuditKey(id=key_id, kind="mac", wrapped=wrapped, master_key_id=keys.master_key_id())
    )
    return raw


async def _seal_personal(
    repo: AuditRepository, seq: int, personal: Mapping[uuid.UUID, Mapping[str, Json]]
) -> dict[str, str | None]:
    """Each subject's personal data under that subject's key. An erased subject's data is
    dropped (None): it must not become readable again under a new key."""
    found = await repo.subject_keys(list(personal))
    sealed: dict[str, str | None] = {}
    for subject_id, data in sorted(personal.items(), key=lambda item: str(item[0])):
        row = found.get(subject_id)
        if row is None:
            row = await _new_subject_key(repo, subject_id)
        if row.wrapped is None or not data:
            sealed[str(subject_id)] = None
            continue
        raw = keys.unwrap_uncached(
            row.wrapped, keys.SUBJECT_KEY_PURPOSE, repo.tenant_id, subject_id
        )
        blob = keys.encrypt(
            raw,
            json.dumps(data, separators=(",", ":")).encode(),
            keys.subject_aad(repo.tenant_id, seq, subject_id),
        )
        sealed[str(subject_id)] = base64.b64encode(blob).decode()
    return sealed


async def _new_subject_key(repo: AuditRepository, subject_id: uuid.UUID) -> AuditSubjectKey:
    row = AuditSubjectKey(
        subject_id=subject_id,
        wrapped=keys.wrap(keys.new_key(), keys.SUBJECT_KEY_PURPOSE, repo.tenant_id, subject_id),
        master_key_id=keys.master_key_id(),
    )
    await repo.add(row)
    return row


async def checkpoint(session: AsyncSession) -> AuditCheckpoint | None:
    """Sign the tenant's current head unless it is already signed (the periodic job, and
    every export). Locks the head so the signed hash is the head's.

    Raises ``AuditChainUnverified``, signing nothing, unless every event since the last
    valid checkpoint links, carries a valid MAC and every purge matches the policy: the
    database role can write events and move the head, and a signature would vouch for
    whatever it wrote."""
    repo = AuditRepository(session)
    head = await repo.head(lock=True)
    if head is None or head.last_seq == 0:
        return None
    return await _verify_then_sign(repo)


async def _verify_then_sign(repo: AuditRepository) -> AuditCheckpoint:
    """The caller holds the chain lock. Returns the existing checkpoint when it is at
    the head (the head row's own ``checkpoint_seq`` is writable by the database role)."""
    verified = await verify_since_checkpoint(repo.session)
    result = verified.result
    if not result.ok:
        CHECKPOINTS_REFUSED.inc()
        log.error(
            "audit checkpoint refused: the chain does not verify",
            extra={
                "audit_tenant_id": str(repo.tenant_id),
                "audit_first_bad_seq": result.first_bad_seq,
                "audit_reason": result.reason,
            },
        )
        raise AuditChainUnverified(result.first_bad_seq, result.reason)
    head = await repo.head()
    assert head is not None  # noqa: S101 - verified a chain, so the tenant has a head
    if verified.anchor is not None and verified.anchor.seq == head.last_seq:
        return verified.anchor
    return await _sign(repo, head.last_seq, head.last_hash)


async def _sign(repo: AuditRepository, seq: int, head_hash: bytes) -> AuditCheckpoint:
    key = await repo.active_signing_key()
    if key is None:
        key = await _new_signing_key(repo)
    private = keys.unwrap(key.wrapped, keys.SIGNING_KEY_PURPOSE, repo.tenant_id, key.id)
    signed_at = utcnow()
    message = checkpoint_message(str(repo.tenant_id), seq, head_hash, format_time(signed_at))
    row = AuditCheckpoint(
        seq=seq,
        head_hash=head_hash,
        signed_at=signed_at,
        signing_key_id=key.public_key_id or "",
        signature=keys.sign(private, message),
    )
    await repo.add(row)
    await repo.set_head(checkpoint_seq=seq, checkpoint_at=signed_at)
    # a copy outside the database: a log pipeline (SIEM) that keeps these can show a
    # rewrite even by someone who holds the database and the master key
    entry = {
        "audit_tenant_id": str(repo.tenant_id),
        "audit_seq": seq,
        "audit_head_hash": head_hash.hex(),
        "audit_signed_at": format_time(signed_at),
        "audit_key_id": row.signing_key_id,
        "audit_signature": base64.b64encode(row.signature).decode(),
    }
    on_commit(repo.session, lambda: log.info("audit checkpoint signed", extra=entry))
    return row


async def _new_signing_key(repo: AuditRepository) -> AuditKey:
    private, public = keys.new_signing_key()
    key_id = uuid.uuid4()
    key = AuditKey(
        id=key_id,
        kind="signing",
        wrapped=keys.wrap(private, keys.SIGNING_KEY_PURPOSE, repo.tenant_id, key_id),
        master_key_id=keys.master_key_id(),
        public_key=public,
        public_key_id=public_key_id(public),
    )
    await repo.add(key)
    return key
