#!/usr/bin/env python3
"""Phantom ML Studio audit chain verification: the one implementation of the proof.

The server verifies a tenant's chain with this module, and an auditor verifies an export
with this same file, run on its own: it depends only on the Python standard library and
``cryptography`` (``pip install cryptography``), never on the Phantom server.

    python3 proof.py export.jsonl [--expect-key KEY_ID [--report FILE]] [--json]

Exit 0 and ``{"ok": true, "events": N, ...}`` when the export is intact; exit 1 and
``{"ok": false, "first_bad_seq": K, "reason": "..."}`` otherwise; exit 2 on an unreadable
file. ``--expect-key`` pins the signing key id the auditor obtained out of band (from the
organization, not from the file), so a file re-signed with another key is refused; a
later key is accepted only if a checkpoint signed by a trusted key covers the event
that introduced it (``audit.keys.signing_rotated``). ``--report`` also says whether a
model report file (HTML or PDF) is one the export records as issued: its SHA-256 is named
in the header of a ``registry.model_report.generated`` event that a signed checkpoint
covers (exit 0), or it is not (exit 1). It needs ``--expect-key`` (exit 2 without):
an export lists its own keys, so without a pinned one anyone could write an export,
signed by a key of their own, naming any file.

The proof (docs/compliance.md):
- event hash = SHA-256("phantom-audit-event/v1\\0" | previous hash | canonical header |
  SHA-256(details ciphertext)); the first event's previous hash is 32 zero bytes;
- canonical header = JSON with sorted keys, no spaces, ASCII, of HEADER_FIELDS;
- checkpoint = Ed25519 signature of "phantom-audit-checkpoint/v1\\0" | canonical JSON of
  tenant id, seq, head hash (hex) and signing time;
- event MAC = HMAC-SHA256(tenant MAC key, "phantom-audit-event-mac/v1\\0" | canonical JSON of
  tenant id, seq and the event hash (hex)). The MAC key is the tenant's, sealed under the
  master key: only the server (``phantom audit verify``, ``phantom audit verify-export``)
  checks MACs. Without the key this file checks hashes and signatures, which is what an
  auditor relies on: a checkpoint is signed only after the server checked every MAC (and
  every purge against the retention policy) since the previous checkpoint.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EXPORT_FORMAT = "phantom-audit-export/1"
ZERO_HASH = bytes(32)
PURGE_ACTION = "audit.retention.purged"
POLICY_ACTION = "audit.retention.updated"
# names a new signing key (resource_id); trusted once a trusted key signs past it
KEY_ROTATION_ACTION = "audit.keys.signing_rotated"
# a generated model report: the resource id names the report and both files' SHA-256s,
# in the hashed header, so an export proves them while event details stay encrypted
REPORT_ACTION = "registry.model_report.generated"
REPORT_RESOURCE = "model_report"
HEADER_FIELDS = (
    "tenant_id",
    "seq",
    "occurred_at",
    "actor_type",
    "actor_id",
    "credential_id",
    "actor_label",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "request_id",
    "subjects",
    "key_id",
)
Header = Mapping[str, "str | int | None"]


def _canonical(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def format_time(moment: datetime) -> str:
    """Times in the proof: UTC, microseconds, a 'Z' suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(previous: bytes, header: Header, details_digest: bytes) -> bytes:
    digest = hashlib.sha256(b"phantom-audit-event/v1\x00")
    digest.update(previous)
    digest.update(_canonical({name: header[name] for name in HEADER_FIELDS}))
    digest.update(details_digest)
    return digest.digest()


def event_mac(key: bytes, tenant_id: str, seq: int, hash_: bytes) -> bytes:
    """Binds the event (its hash covers the previous hash, the header and the details
    digest) to its tenant and place under a key the database does not hold."""
    body = {"tenant_id": tenant_id, "seq": seq, "hash": hash_.hex()}
    message = b"phantom-audit-event-mac/v1\x00" + _canonical(body)
    return hmac.new(key, message, hashlib.sha256).digest()


def parse_time(text: object) -> datetime:
    """A proof time; an unreadable one is later than any cut-off (it excuses nothing)."""
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)


def details_digest(ciphertext: bytes) -> bytes:
    return hashlib.sha256(ciphertext).digest()


def checkpoint_message(tenant_id: str, seq: int, head_hash: bytes, signed_at: str) -> bytes:
    body = {
        "tenant_id": tenant_id,
        "seq": seq,
        "head_hash": head_hash.hex(),
        "signed_at": signed_at,
    }
    return b"phantom-audit-checkpoint/v1\x00" + _canonical(body)


def public_key_id(public_key: bytes) -> str:
    """A short public fingerprint of a signing key, to compare out of band."""
    return hashlib.sha256(b"phantom-audit-signing-key\x00" + public_key).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Event:
    header: Header
    details_digest: bytes
    hash: bytes
    details: bytes | None  # the ciphertext; None once retention purged it
    mac: bytes | None = None  # None: written before MACs existed, or not exported

    @property
    def seq(self) -> int:
        return int(self.header["seq"] or 0)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    head_hash: bytes
    signed_at: str
    key_id: str
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "head_hash": self.head_hash.hex(),
            "signed_at": self.signed_at,
            "key_id": self.key_id,
        }


@dataclass(slots=True)
class Result:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str | None = None
    checkpoint: Checkpoint | None = None  # the last signed checkpoint the chain reached

    def to_json(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True, "events": self.events}
        return {"ok": False, "first_bad_seq": self.first_bad_seq, "reason": self.reason}


def signature_ok(tenant_id: str, public_keys: Mapping[str, bytes], checkpoint: Checkpoint) -> bool:
    raw = public_keys.get(checkpoint.key_id)
    if raw is None:
        return False
    message = checkpoint_message(
        tenant_id, checkpoint.seq, checkpoint.head_hash, checkpoint.signed_at
    )
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(checkpoint.signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Policy:
    """A retention policy as recorded in the chain: the event that set it, and its days
    (None: keep for ever, or unreadable)."""

    seq: int
    days: int | None


@dataclass(frozen=True, slots=True)
class Keyed:
    """What only the server holds: the tenant's MAC keys, the last event written before
    MACs existed (``pre_mac_through``; those are trusted as the signed history of the
    upgrade), and a way to read the details of retention events (encrypted)."""

    mac_keys: Sequence[bytes]
    pre_mac_through: int
    open_details: Callable[[Event], Mapping[str, Any] | None]
    policy: Policy | None = None  # in force at the anchor, for a range


@dataclass
class ChainVerifier:
    """Feed events in stored order; ``finish`` names the first bad sequence number.

    ``anchor_seq``/``anchor_hash`` start a range in the middle of a chain (an export from
    seq > 1); a signed checkpoint at or after the range's end covers the anchor too.

    ``trusted``: the signing key ids trusted from the start (an auditor's pinned key);
    None trusts every key given. A key named by a rotation event becomes trusted once a
    checkpoint signed by an already trusted key covers that event.

    ``keyed``: the server's checks (MACs, purges against the policy in the chain). None
    (an export without the key): purges excuse missing details up to their seq, trusted
    because a signed checkpoint covers them, and the server signs only verified events.
    """

    tenant_id: str
    public_keys: Mapping[str, bytes]
    checkpoints: Sequence[Checkpoint]
    anchor_seq: int = 0
    anchor_hash: bytes = ZERO_HASH
    trusted: set[str] | None = None
    keyed: Keyed | None = None
    _valid: dict[int, Checkpoint] = field(default_factory=dict)
    _introduced: list[tuple[int, str]] = field(default_factory=list)
    _failures: list[tuple[int, str]] = field(default_factory=list)
    _expected: int = 0
    _previous: bytes = ZERO_HASH
    _last_good_checkpoint: int = 0
    _reached: Checkpoint | None = None
    _missing_details: list[tuple[int, datetime]] = field(default_factory=list)
    _purges: list[tuple[int, datetime | None]] = field(default_factory=list)  # through, cut-off
    _policy: Policy | None = None
    _broken: bool = False
    _count: int = 0

    def __post_init__(self) -> None:
        self._expected = self.anchor_seq + 1
        self._previous = self.anchor_hash
        self._last_good_checkpoint = self.anchor_seq
        self._policy = self.keyed.policy if self.keyed else None
        for checkpoint in self.checkpoints:
            if self._signature_ok(checkpoint):
                self._valid[checkpoint.seq] = checkpoint
            else:
                self._fail(checkpoint.seq, f"checkpoint at seq {checkpoint.seq}: bad signature")

    def _signature_ok(self, checkpoint: Checkpoint) -> bool:
        return signature_ok(self.tenant_id, self.public_keys, checkpoint)

    @property
    def policy(self) -> Policy | None:
        """The retention policy in force after the events added (keyed mode)."""
        return self._policy

    def _fail(self, seq: int, reason: str) -> None:
        self._failures.append((seq, reason))

    def add(self, event: Event) -> None:
        if self._broken:
            return
        seq = event.seq
        if seq > self._expected:
            return self._break(self._expected, f"event {self._expected} is missing (deleted)")
        if seq < self._expected:
            return self._break(seq, f"event {seq} appears twice or out of order")
        if event.header.get("tenant_id") != self.tenant_id:
            return self._break(seq, f"event {seq} belongs to another tenant")
        computed = event_hash(self._previous, event.header, event.details_digest)
        if computed != event.hash:
            return self._break(seq, f"event {seq} was altered, inserted or reordered")
        if event.details is None and self._purgeable(event):
            self._missing_details.append((seq, parse_time(event.header.get("occurred_at"))))
        elif event.details is None:  # retention keeps its own events' details
            return self._break(seq, f"details of event {seq} were deleted")
        elif details_digest(event.details) != event.details_digest:
            return self._break(seq, f"details of event {seq} were altered")
        problem = self._keyed_problem(event, computed)
        if problem is not None:
            return self._break(seq, problem)
        if event.header.get("action") == KEY_ROTATION_ACTION:
            self._introduced.append((seq, str(event.header.get("resource_id"))))
        self._previous, self._expected = computed, seq + 1
        self._count += 1
        checkpoint = self._valid.get(seq)
        if checkpoint is not None:
            if self.trusted is not None and checkpoint.key_id not in self.trusted:
                return self._break(
                    seq, f"checkpoint at seq {seq}: signed by untrusted key {checkpoint.key_id}"
                )
            if checkpoint.head_hash != computed:
                first = self._last_good_checkpoint + 1
                return self._break(
                    first,
                    f"events {first}..{seq} do not match the checkpoint signed at seq {seq}",
                )
            self._last_good_checkpoint, self._reached = seq, checkpoint
            if self.trusted is not None:
                self.trusted |= {key for at, key in self._introduced if at <= seq}

    def _break(self, seq: int, reason: str) -> None:
        self._fail(seq, reason)
        self._broken = True

    def _keyed_problem(self, event: Event, computed: bytes) -> str | None:
        """None if the event passes: its MAC (after the upgrade) and, for retention
        events, the policy. Without the key, purges are noted as the signatures vouch."""
        seq, action = event.seq, event.header.get("action")
        legacy = self.keyed is None or seq <= self.keyed.pre_mac_through
        if not legacy and not self._mac_ok(event, computed):
            return f"event {seq} has no valid MAC: it was not written by Phantom (forged)"
        if action == POLICY_ACTION and self.keyed is not None:
            details = self.keyed.open_details(event)
            days = details.get("details_days") if details else None
            self._policy = Policy(seq, days if isinstance(days, int) else None)
        if action == PURGE_ACTION and legacy:
            through = _int(event.header.get("resource_id"))
            if through is not None:
                self._purges.append((min(through, seq - 1), None))
        elif action == PURGE_ACTION and self.keyed is not None:
            return self._check_purge(event, self.keyed)
        return None

    def _purgeable(self, event: Event) -> bool:
        legacy = self.keyed is None or event.seq <= self.keyed.pre_mac_through
        return legacy or event.header.get("action") not in (POLICY_ACTION, PURGE_ACTION)

    def _mac_ok(self, event: Event, computed: bytes) -> bool:
        if event.mac is None or self.keyed is None:
            return False
        return any(
            hmac.compare_digest(event.mac, event_mac(key, self.tenant_id, event.seq, computed))
            for key in self.keyed.mac_keys
        )

    def _check_purge(self, event: Event, keyed: Keyed) -> str | None:
        """A purge must name the policy in force (the latest policy event before it), and
        its cut-off must be at least that policy's days before the purge."""
        seq, policy = event.seq, self._policy
        details = keyed.open_details(event) or {}
        through = _int(event.header.get("resource_id"))
        bad = f"purge event {seq} is not consistent with the retention policy"
        if policy is None or policy.days is None or details.get("policy_seq") != policy.seq:
            return f"{bad}: it does not name the policy in force"
        if "cutoff" not in details:
            return f"{bad}: no readable cut-off"
        cutoff = parse_time(details["cutoff"])
        occurred = parse_time(event.header.get("occurred_at"))
        if through is None or through >= seq or cutoff > occurred - timedelta(days=policy.days):
            return f"{bad} ({policy.days} days, set at seq {policy.seq})"
        self._purges.append((through, cutoff))
        return None

    def _excused(self, seq: int, occurred: datetime) -> bool:
        return any(
            seq <= through and (cutoff is None or occurred < cutoff)
            for through, cutoff in self._purges
        )

    def finish(self, head: tuple[int, bytes] | None = None) -> Result:
        """``head`` is the stored chain head (seq, hash), when verifying a database."""
        last = self._expected - 1
        if not self._broken:
            beyond = [seq for seq in self._valid if seq > last]
            if beyond:
                self._fail(last + 1, f"events after seq {last} are missing (truncated)")
            if head is not None:
                self._check_head(last, *head)
        for seq, occurred in self._missing_details:
            if not self._excused(seq, occurred) and (not self._broken or seq < self._expected):
                self._fail(seq, f"details of event {seq} were deleted")
                break
        if self._failures:
            seq, reason = min(self._failures, key=lambda failure: failure[0])
            return Result(False, self._count, seq, reason, self._reached)
        return Result(True, self._count, checkpoint=self._reached)

    def _check_head(self, last: int, head_seq: int, head_hash: bytes) -> None:
        if head_seq > last:
            self._fail(last + 1, f"events after seq {last} are missing (truncated)")
        elif head_seq < last:
            self._fail(head_seq + 1, f"events after seq {head_seq} were appended outside the chain")
        elif head_seq and head_hash != self._previous:
            self._fail(last, f"event {last} does not match the chain head")


def _int(value: str | int | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


# --- issued model reports -------------------------------------------------------------


def report_resource_id(report_id: str, html_sha256: str, pdf_sha256: str) -> str:
    """The header's resource id of a generated report (175 characters, under 200)."""
    return f"{report_id};html={html_sha256};pdf={pdf_sha256}"


def report_hashes(resource_id: object) -> tuple[str, str, str] | None:
    """(report id, HTML SHA-256, PDF SHA-256) of a report event's resource id."""
    parts = str(resource_id).split(";")
    if len(parts) != 3 or not parts[1].startswith("html=") or not parts[2].startswith("pdf="):
        return None
    return parts[0], parts[1][5:], parts[2][4:]


@dataclass(frozen=True, slots=True)
class Issued:
    """Where a chain recorded a report file: the event and which of its two files."""

    seq: int
    report_id: str
    kind: str  # "html" or "pdf"
    occurred_at: str
    actor_id: str | None


def issued_report(headers: Iterable[Header], sha256: str) -> Issued | None:
    """The first report event whose header names this SHA-256 (hex), if any."""
    for header in headers:
        if header.get("action") != REPORT_ACTION:
            continue
        hashes = report_hashes(header.get("resource_id"))
        if hashes is None or sha256 not in hashes[1:]:
            continue
        kind = "html" if hashes[1] == sha256 else "pdf"
        actor = header.get("actor_id")
        return Issued(
            int(header["seq"] or 0),
            hashes[0],
            kind,
            str(header.get("occurred_at")),
            None if actor is None else str(actor),
        )
    return None


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- exports (JSON Lines) -------------------------------------------------------------


class ExportError(Exception):
    """The file is not a readable Phantom audit export."""


def _b64(value: str | None) -> bytes | None:
    return None if value is None else base64.b64decode(value, validate=True)


def _event(line: Mapping[str, Any]) -> Event:
    header = {name: line[name] for name in HEADER_FIELDS}
    return Event(
        header=header,
        details_digest=bytes.fromhex(line["details_digest"]),
        hash=bytes.fromhex(line["hash"]),
        details=_b64(line.get("details")),
        mac=bytes.fromhex(line["mac"]) if line.get("mac") else None,
    )


def _checkpoint(line: Mapping[str, Any]) -> Checkpoint:
    return Checkpoint(
        seq=int(line["seq"]),
        head_hash=bytes.fromhex(line["head_hash"]),
        signed_at=str(line["signed_at"]),
        key_id=str(line["key_id"]),
        signature=base64.b64decode(line["signature"], validate=True),
    )


def verify_export(
    lines: Iterable[str], expect_key: str | None = None, keyed: Keyed | None = None
) -> Result:
    """Verify an export. Without a signed checkpoint at or after its last event, nothing
    in it is proven, so it fails. ``keyed``: the server also checks MACs and purges."""
    try:
        records = [json.loads(line) for line in lines if line.strip()]
        if not records or records[0].get("format") != EXPORT_FORMAT:
            raise ExportError(f"the first line must be a {EXPORT_FORMAT} header")
        header = records[0]
        keys = {k["key_id"]: base64.b64decode(k["public_key"]) for k in header["signing_keys"]}
        events = [_event(r) for r in records[1:] if r.get("type") == "event"]
        checkpoints = [_checkpoint(r) for r in records[1:] if r.get("type") == "checkpoint"]
        tenant_id, from_seq = str(header["tenant_id"]), int(header["from_seq"])
        to_seq, anchor = int(header["to_seq"]), bytes.fromhex(header["anchor_hash"])
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise ExportError(f"malformed export: {error!r}") from None
    for key_id, raw in keys.items():
        if public_key_id(raw) != key_id:
            return Result(False, 0, from_seq, f"signing key {key_id} does not match its id")
    if expect_key is not None and expect_key not in keys:
        return Result(False, 0, from_seq, f"export not signed with the expected key {expect_key}")
    trusted = None if expect_key is None else {expect_key}
    verifier = ChainVerifier(tenant_id, keys, checkpoints, from_seq - 1, anchor, trusted, keyed)
    for event in events:
        verifier.add(event)
    result = verifier.finish(head=(to_seq, events[-1].hash if events else anchor))
    if result.ok and (result.checkpoint is None or result.checkpoint.seq < to_seq):
        return Result(False, result.events, to_seq, f"no signed checkpoint covers seq {to_seq}")
    return result


def export_headers(lines: Iterable[str]) -> list[Header]:
    """The event headers of an export (read after ``verify_export`` accepted it)."""
    records = [json.loads(line) for line in lines if line.strip()]
    return [_event(r).header for r in records[1:] if r.get("type") == "event"]


def _check_report(lines: list[str], report: str, as_json: bool) -> int:
    """After the export verified: is the report file one it records as issued?"""
    try:
        sha256 = file_sha256(report)
    except OSError as error:
        _say(json.dumps({"ok": False, "error": str(error)}) if as_json else f"error: {error}")
        return 2
    issued = issued_report(export_headers(lines), sha256)
    if issued is None:
        body: dict[str, Any] = {"ok": False, "report": {"issued": False, "sha256": sha256}}
        text = f"NOT ISSUED: no report event in this export names SHA-256 {sha256}"
    else:
        found = {"issued": True, "sha256": sha256, "seq": issued.seq, "kind": issued.kind}
        found |= {"report_id": issued.report_id, "occurred_at": issued.occurred_at}
        body = {"ok": True, "report": found | {"actor_id": issued.actor_id}}
        text = (
            f"ISSUED: the {issued.kind.upper()} of report {issued.report_id}, generated at "
            f"{issued.occurred_at} by user {issued.actor_id} (event seq {issued.seq}, covered "
            "by a signed checkpoint)"
        )
    _say(json.dumps(body) if as_json else text)
    return 0 if issued is not None else 1


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Phantom ML Studio audit export.")
    parser.add_argument("export", help="the .jsonl file")
    parser.add_argument("--expect-key", help="the signing key id obtained out of band")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument(
        "--report", help="a model report (HTML or PDF): was it issued? (needs --expect-key)"
    )
    args = parser.parse_args(argv)
    if args.report and not args.expect_key:
        # an export lists its own signing keys: without one pinned out of band, anyone can
        # write an export (and sign it) that names any file's SHA-256
        error = "--report needs --expect-key: without a pinned signing key nothing is proven"
        _say(json.dumps({"ok": False, "error": error}) if args.json else f"error: {error}")
        return 2
    try:
        with open(args.export, encoding="utf-8") as file:
            lines = file.readlines()
        result = verify_export(lines, args.expect_key)
    except (OSError, UnicodeDecodeError, ExportError) as error:
        _say(json.dumps({"ok": False, "error": str(error)}) if args.json else f"error: {error}")
        return 2
    if result.ok and args.report:
        return _check_report(lines, args.report, args.json)
    if args.json:
        body = result.to_json()
        if result.checkpoint is not None:
            body["checkpoint"] = result.checkpoint.to_json()
        _say(json.dumps(body))
    elif result.ok:
        reached = result.checkpoint.to_json() if result.checkpoint else {}
        _say(f"OK: {result.events} events; signed checkpoint {reached}")
    else:
        _say(f"TAMPERED: first bad seq {result.first_bad_seq}: {result.reason}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
