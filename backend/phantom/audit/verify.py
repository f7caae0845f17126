"""Verifying a tenant's chain in the database, and exporting a range with its proofs.
Both feed ``proof.py``, the same code an auditor runs on an export. The server adds what
needs keys the database does not hold (``proof.Keyed``): each event's MAC, and each purge
against the retention policy recorded in the chain."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit import keys
from phantom.audit.errors import AuditKeyUnavailable
from phantom.audit.headers import header_of
from phantom.audit.models import AuditCheckpoint, AuditEvent
from phantom.audit.proof import (
    EXPORT_FORMAT,
    POLICY_ACTION,
    ZERO_HASH,
    ChainVerifier,
    Checkpoint,
    Event,
    ExportError,
    Keyed,
    Policy,
    Result,
    format_time,
    public_key_id,
    signature_ok,
    verify_export,
)
from phantom.audit.repository import AuditRepository
from phantom.db import transaction
from phantom.kit.rows import utcnow


def as_checkpoint(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        seq=row.seq,
        head_hash=row.head_hash,
        signed_at=format_time(row.signed_at),
        key_id=row.signing_key_id,
        signature=row.signature,
    )


def as_event(row: AuditEvent, ciphertext: bytes | None) -> Event:
    return Event(header_of(row), row.details_digest, row.hash, ciphertext, row.mac)


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


async def mac_keys(repo: AuditRepository) -> list[bytes]:
    """The tenant's MAC keys that open under the master key: a row inserted by someone
    without it opens nothing, so it cannot make their MACs valid."""
    found = []
    for key in await repo.keys("mac"):
        try:
            found.append(keys.unwrap(key.wrapped, keys.MAC_KEY_PURPOSE, repo.tenant_id, key.id))
        except AuditKeyUnavailable:
            continue
    return found


class DetailsOpener:
    """Reads the (non-personal) details of retention events for the verifier: the
    policy's days and a purge's cut-off are encrypted like all details."""

    def __init__(self, tenant_id: uuid.UUID, data_keys: Mapping[str, bytes]) -> None:
        self.tenant_id, self.data_keys = tenant_id, data_keys

    @classmethod
    async def load(cls, repo: AuditRepository) -> DetailsOpener:
        opened = {}
        for key in await repo.keys("data"):
            try:
                opened[str(key.id)] = keys.unwrap(
                    key.wrapped, keys.DATA_KEY_PURPOSE, repo.tenant_id, key.id
                )
            except AuditKeyUnavailable:
                continue
        return cls(repo.tenant_id, opened)

    def __call__(self, event: Event) -> Mapping[str, Any] | None:
        key_id = str(event.header["key_id"])
        raw = self.data_keys.get(key_id)
        if raw is None or event.details is None:
            return None
        aad = keys.details_aad(self.tenant_id, event.seq, uuid.UUID(key_id))
        try:
            envelope = json.loads(keys.decrypt(raw, event.details, aad))
        except (AuditKeyUnavailable, ValueError):
            return None
        details = envelope.get("details") if isinstance(envelope, dict) else None
        return details if isinstance(details, dict) else None


async def keyed_checks(repo: AuditRepository, policy: Policy | None = None) -> Keyed:
    return Keyed(
        mac_keys=await mac_keys(repo),
        pre_mac_through=await repo.mac_epoch(),
        open_details=await DetailsOpener.load(repo),
        policy=policy,
    )


async def last_valid_checkpoint(
    repo: AuditRepository, public: Mapping[str, bytes]
) -> AuditCheckpoint | None:
    """The newest checkpoint whose signature is ours and whose hash is the stored one.
    Rows the database role inserted (bad signatures) are passed over; after 50 of them,
    verification starts from the beginning."""
    for row in await repo.newest_checkpoints(50):
        if signature_ok(str(repo.tenant_id), public, as_checkpoint(row)) and (
            await repo.event_hash(row.seq) == row.head_hash
        ):
            return row
    return None


async def policy_at(repo: AuditRepository, keyed: Keyed, seq: int) -> Policy | None:
    """The retention policy in force at ``seq`` (covered by a signed checkpoint)."""
    found = await repo.latest_event(POLICY_ACTION, seq)
    if found is None:
        return None
    details = keyed.open_details(as_event(*found)) or {}
    days = details.get("details_days")
    return Policy(found[0].seq, days if isinstance(days, int) else None)


@dataclass(frozen=True, slots=True)
class Verified:
    result: Result
    anchor: AuditCheckpoint | None  # the last valid checkpoint verification started from
    policy: Policy | None  # the retention policy in force at the head


async def verify_since_checkpoint(session: AsyncSession) -> Verified:
    """Verify from the last valid checkpoint to the head, with every keyed check: what
    the checkpoint and retention run before they sign or purge anything. Hold the chain
    lock (``repo.head(lock=True)``) so the head cannot move meanwhile."""
    repo = AuditRepository(session)
    head = await repo.head()
    last, last_hash = (head.last_seq, head.last_hash) if head else (0, ZERO_HASH)
    public = await public_keys(repo)
    anchor = await last_valid_checkpoint(repo, public)
    start = anchor.seq if anchor else 0
    keyed = await keyed_checks(repo)
    if start:
        keyed = replace(keyed, policy=await policy_at(repo, keyed, start))
    verifier = ChainVerifier(
        str(repo.tenant_id),
        public,
        [],
        anchor_seq=start,
        anchor_hash=anchor.head_hash if anchor else ZERO_HASH,
        keyed=keyed,
    )
    # past the head too: events beyond it (a head row moved back) are reported
    async for row, ciphertext in repo.stream_events(start + 1, max(last, await repo.max_seq())):
        verifier.add(as_event(row, ciphertext))
    return Verified(verifier.finish(head=(last, last_hash)), anchor, verifier.policy)


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
        keyed=await keyed_checks(repo),
    )
    async for row, ciphertext in repo.stream_events(1, max(last, await repo.max_seq())):
        verifier.add(as_event(row, ciphertext))
    return verifier.finish(head=(last, last_hash))


async def verify_export_with_keys(tenant_id: uuid.UUID, lines: list[str]) -> Result:
    """An export checked as the server checks its database: signatures by this tenant's
    own keys, and each event's MAC and purge (``phantom audit verify-export``). Raises
    ``proof.ExportError`` on an unreadable file."""
    try:
        header = json.loads(lines[0]) if lines else {}
        from_seq = int(header["from_seq"])
        file_keys = {str(k["key_id"]) for k in header["signing_keys"]}
        file_tenant = str(header["tenant_id"])
    except (KeyError, ValueError, TypeError) as error:
        raise ExportError(f"malformed export: {error!r}") from None
    async with transaction(tenant_id) as session:
        repo = AuditRepository(session)
        ours = await public_keys(repo)
        keyed = await keyed_checks(repo)
        if from_seq > 1:
            keyed = replace(keyed, policy=await policy_at(repo, keyed, from_seq - 1))
    if file_tenant != str(tenant_id):
        return Result(False, 0, from_seq, "the export belongs to another organization")
    if not file_keys <= set(ours):
        return Result(False, 0, from_seq, "the export names a signing key that is not ours")
    return verify_export(lines, None, keyed)


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
                "mac": None if row.mac is None else row.mac.hex(),
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
