"""Opening event details: the tenant's data key for the envelope, each subject's key for
their personal data (gone after an erasure)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from phantom.audit import keys
from phantom.audit.errors import AuditKeyUnavailable
from phantom.audit.models import AuditEvent, AuditSubjectKey
from phantom.audit.repository import AuditRepository


class DetailsState(StrEnum):
    AVAILABLE = "available"
    HIDDEN = "hidden"  # the caller may not read details
    PURGED = "purged"  # removed by the retention policy
    UNREADABLE = "unreadable"  # does not open (tampering or a lost key)


@dataclass(frozen=True, slots=True)
class OpenedDetails:
    state: DetailsState
    details: dict[str, Any] | None = None
    # personal data per subject id; None for an erased subject
    personal: dict[str, dict[str, Any] | None] | None = None


async def open_details(
    repo: AuditRepository, events: Sequence[AuditEvent]
) -> dict[uuid.UUID, OpenedDetails]:
    """Details of a page of events: two queries whatever the page size."""
    ciphertexts = await repo.details([e.seq for e in events])
    subject_ids = {uuid.UUID(s) for e in events for s in e.subjects.split()}
    subject_keys = await repo.subject_keys(sorted(subject_ids, key=str))
    data_keys: dict[uuid.UUID, bytes] = {}
    opened: dict[uuid.UUID, OpenedDetails] = {}
    for event in events:
        ciphertext = ciphertexts.get(event.seq)
        if ciphertext is None:
            opened[event.id] = OpenedDetails(DetailsState.PURGED)
            continue
        try:
            opened[event.id] = await _open(repo, event, ciphertext, data_keys, subject_keys)
        except (AuditKeyUnavailable, ValueError):
            opened[event.id] = OpenedDetails(DetailsState.UNREADABLE)
    return opened


async def _open(
    repo: AuditRepository,
    event: AuditEvent,
    ciphertext: bytes,
    data_keys: dict[uuid.UUID, bytes],
    subject_keys: dict[uuid.UUID, AuditSubjectKey],
) -> OpenedDetails:
    raw = data_keys.get(event.key_id)
    if raw is None:
        key = await repo.key(event.key_id)
        if key is None:
            raise AuditKeyUnavailable(f"data key {event.key_id} is missing")
        raw = data_keys[event.key_id] = keys.unwrap(
            key.wrapped, keys.DATA_KEY_PURPOSE, repo.tenant_id, key.id
        )
    aad = keys.details_aad(repo.tenant_id, event.seq, event.key_id)
    envelope = json.loads(keys.decrypt(raw, ciphertext, aad))
    personal: dict[str, dict[str, Any] | None] = {}
    for subject, blob in envelope.get("subjects", {}).items():
        personal[subject] = _open_personal(repo, event.seq, subject, blob, subject_keys)
    return OpenedDetails(DetailsState.AVAILABLE, envelope.get("details", {}), personal)


def _open_personal(
    repo: AuditRepository,
    seq: int,
    subject: str,
    blob: str | None,
    subject_keys: dict[uuid.UUID, AuditSubjectKey],
) -> dict[str, Any] | None:
    subject_id = uuid.UUID(subject)
    row = subject_keys.get(subject_id)
    if blob is None or row is None or row.wrapped is None:
        return None
    raw = keys.unwrap_uncached(row.wrapped, keys.SUBJECT_KEY_PURPOSE, repo.tenant_id, subject_id)
    data = keys.decrypt(
        raw, base64.b64decode(blob), keys.subject_aad(repo.tenant_id, seq, subject_id)
    )
    value: dict[str, Any] = json.loads(data)
    return value
