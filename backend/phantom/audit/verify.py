"""Verifying a tenant's chain in the database, and exporting a range with its proofs.
Both feed ``proof.py``, the same code an auditor runs on an export."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit import keys
from phantom.audit.chain import header_of
from phantom.audit.errors import AuditKeyUnavailable
from phantom.audit.models import AuditCheckpoint, AuditEvent
from phantom.audit.proof import (
    EXPORT_FORMAT,
    ZERO_HASH,
    ChainVerifier,
    Checkpoint,
    Event,
    Result,
    format_time,
    public_key_id,
)
from phantom.audit.repository import AuditRepository
from phantom.db import transaction, utcnow


def as_checkpoint(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        seq=row.seq,
        head_hash=row.head_hash,
        signed_at=format_time(row.signed_at),
        key_id=row.signing_key_id,
        signature=row.signature,
    )


def as_event(row: AuditEvent, ciphertext: bytes | None) -> Event:
    return Event(header_of(row), row.details_digest, row.hash, ciphertext)


async def public_keys(repo: AuditRepository) -> dict[str, bytes]:
    """The tenant's signing keys that are really ours: a key row is trusted only if its
    private key opens under the master key and matches its public key. Someone who can
    write to the database but holds no master key cannot add a key of their own and sign
    forged checkpoints with it."""
    trusted = {}
    for key in await repo.keys("signing"):
        if key.public_key is None or key.public_key_id != public_key_id(key.public_key):
            continue
        try:
            private = keys.unwrap(key.wrapped, keys.SIGNING_KEY_PURPOSE, repo.tenant_id, key.id)
        except AuditKeyUnavailable:
            continue
        if keys.public_of(private) == key.public_key:
            trusted[key.public_key_id] = key.public_key
    return trusted


async def verify_tenant_chain(tenant_id: uuid.UUID) -> Result:
    """Verify in a transaction of its own, on one snapshot of the database."""
    async with transaction(tenant_id) as session:
        if session.get_bind().dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return await verify_chain(session)


async def verify_chain(session: AsyncSession) -> Result:
    """Needs one snapshot (``verify_tenant_chain``): a checkpoint or event committed
    between two reads would otherwise look like truncation."""
    repo = AuditRepository(session)
    head = await repo.head()
    last, last_hash = (head.last_seq, head.last_hash) if head else (0, ZERO_HASH)
    verifier = ChainVerifier(
        str(repo.tenant_id),
        await public_keys(repo),
        [as_checkpoint(c) for c in await repo.checkpoints(up_to=2**62)],
    )
    async for row, ciphertext in repo.stream_events(1, last):
        verifier.add(as_event(row, ciphertext))
    return verifier.finish(head=(last, last_hash))


@dataclass(frozen=True, slots=True)
class ExportRange:
    first: int
    last: int
    events: int


async def export_range(session: AsyncSession, first: int, last: int | None) -> ExportRange:
    """Clamp a requested range to the chain (call after the export's checkpoint)."""
    repo = AuditRepository(session)
    head = await repo.head()
    top = head.last_seq if head else 0
    last = top if last is None else min(last, top)
    return ExportRange(first, last, await repo.count_events(first, last))


async def export_lines(
    session: AsyncSession, span: ExportRange, tenant_slug: str
) -> AsyncIterator[str]:
    """JSON Lines: a header with the public keys and the anchor (the hash before the
    range), the events, then the checkpoints inside the range."""
    repo = AuditRepository(session)
    anchor = await repo.event_hash(span.first - 1) if span.first > 1 else ZERO_HASH
    keys = await public_keys(repo)
    header = {
        "type": "header",
        "format": EXPORT_FORMAT,
        "tenant_id": str(repo.tenant_id),
        "tenant_slug": tenant_slug,
        "from_seq": span.first,
        "to_seq": span.last,
        "anchor_hash": (anchor or ZERO_HASH).hex(),
        "exported_at": format_time(utcnow()),
        "signing_keys": [
            {"key_id": key_id, "algorithm": "Ed25519", "public_key": _b64(raw)}
            for key_id, raw in keys.items()
        ],
    }
    yield _line(header)
    async for row, ciphertext in repo.stream_events(span.first, span.last):
        yield _line(
            {
                "type": "event",
                **header_of(row),
                "details_digest": row.details_digest.hex(),
                "details": None if ciphertext is None else _b64(ciphertext),
                "hash": row.hash.hex(),
            }
        )
    for checkpoint in await repo.checkpoints(up_to=span.last, since=span.first):
        yield _line(
            {
                "type": "checkpoint",
                **as_checkpoint(checkpoint).to_json(),
                "signature": _b64(checkpoint.signature),
            }
        )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _line(value: dict[str, object]) -> str:
    return json.dumps(value, separators=(",", ":")) + "\n"
