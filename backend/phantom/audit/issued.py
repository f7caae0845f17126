"""Was this file issued? A model report's SHA-256 looked up in the tenant's chain, where
``registry.model_report.generated`` recorded it (``proof.report_resource_id``). The
chain itself is verified by the caller (``phantom audit verify-report``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit.proof import report_hashes
from phantom.audit.reading import DetailsState, open_details
from phantom.audit.repository import AuditRepository


@dataclass(frozen=True, slots=True)
class IssuedReport:
    seq: int
    report_id: str
    kind: str  # "html" or "pdf"
    occurred_at: datetime
    actor_id: str | None
    details: dict[str, Any]  # model, version, ... ({} when purged by retention)
    generated_by: str | None  # the generator's email, unless erased or purged


async def issued_report(session: AsyncSession, sha256: str) -> IssuedReport | None:
    """The event that recorded this SHA-256 (hex) as a generated report, if any."""
    repo = AuditRepository(session)
    for event in await repo.report_events(sha256.lower()):
        hashes = report_hashes(event.resource_id)
        if hashes is None or sha256 not in hashes[1:]:
            continue  # the digest appears elsewhere in the id: not this report's
        opened = (await open_details(repo, [event]))[event.id]
        available = opened.state is DetailsState.AVAILABLE
        personal = (opened.personal or {}).get(str(event.actor_id)) if available else None
        return IssuedReport(
            seq=event.seq,
            report_id=hashes[0],
            kind="html" if hashes[1] == sha256 else "pdf",
            occurred_at=event.occurred_at,
            actor_id=None if event.actor_id is None else str(event.actor_id),
            details=dict(opened.details or {}) if available else {},
            generated_by=(personal or {}).get("email"),
        )
    return None
