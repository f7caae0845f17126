"""The header fields of a stored event, as the proof hashes them (``proof.HEADER_FIELDS``).
Apart from ``chain`` so that verification, which the chain's checkpoint calls, can use it."""

from __future__ import annotations

import uuid

from phantom.audit.models import AuditEvent
from phantom.audit.proof import format_time


def header_of(event: AuditEvent) -> dict[str, str | int | None]:
    """The header fields as the proof hashes them (``proof.HEADER_FIELDS``)."""
    return {
        "tenant_id": str(event.tenant_id),
        "seq": event.seq,
        "occurred_at": format_time(event.occurred_at),
        "actor_type": event.actor_type,
        "actor_id": _text(event.actor_id),
        "credential_id": _text(event.credential_id),
        "actor_label": event.actor_label,
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "outcome": event.outcome,
        "request_id": event.request_id,
        "subjects": event.subjects,
        "key_id": str(event.key_id),
    }


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
