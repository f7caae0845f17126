"""The compliance officer's operations on the audit log: search, verify, export, retention.

Verification and export read one snapshot of the chain in a transaction of their own
(a concurrent append must not look like tampering), and record themselves in another:
their own transaction is read-only and would otherwise have to hold the chain lock while
it reads the whole log.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit import chain
from phantom.audit.chain import Actor, Outcome, record
from phantom.audit.errors import AuditChainUnverified, ExportRangeInvalid, ExportTooLarge
from phantom.audit.labels import all_labels
from phantom.audit.models import AuditEvent, AuditRetentionPolicy
from phantom.audit.proof import PURGE_ACTION, Checkpoint, Result, format_time, public_key_id
from phantom.audit.reading import DetailsState, OpenedDetails, open_details
from phantom.audit.repository import AuditRepository, EventFilter
from phantom.audit.verify import (
    ExportRange,
    as_checkpoint,
    export_lines,
    export_range,
    verify_since_checkpoint,
    verify_tenant_chain,
)
from phantom.authz.permissions import P
from phantom.authz.service import permissions_of, requires
from phantom.config import settings
from phantom.db import transaction
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput
from phantom.kit.jobs import HOUSEKEEPING_SCHEDULE, last_fired
from phantom.kit.rows import utcnow

log = logging.getLogger(__name__)
MAX_API_EXPORT_EVENTS = 5_000
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 1, 36_500


@dataclass(frozen=True, slots=True)
class EventView:
    event: AuditEvent
    details: OpenedDetails


@dataclass(frozen=True, slots=True)
class EventPage:
    items: list[EventView]
    has_next_page: bool
    has_previous_page: bool
    total_count: int
    # the people among the page's actors and resources an erasure removed
    erased: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class Export:
    content: str
    span: ExportRange
    checkpoint: Checkpoint | None
    filename: str


VERIFIED_ACTION = "audit.chain.verified"


@dataclass(frozen=True, slots=True)
class Happened:
    """When an audited action last happened, and whether it succeeded."""

    at: datetime
    ok: bool


@dataclass(frozen=True, slots=True)
class ComplianceStatus:
    """What the compliance overview shows of the audit log: the last verification, the
    last signed checkpoint, the detail retention policy and its last purge, and the last
    change of the actions asked for (e.g. single sign-on's)."""

    last_verification: Happened | None
    checkpoint_seq: int | None
    checkpoint_signed_at: datetime | None
    retention_details_days: int | None
    retention_set: bool
    retention_updated_at: datetime | None
    last_purge_at: datetime | None
    last_of: dict[str, Happened]


@dataclass(frozen=True, slots=True)
class ChainStatus:
    events: int
    checkpoint: Checkpoint | None
    signing_key_ids: list[str]


@dataclass(frozen=True, slots=True)
class PurgeRun:
    """One retention purge: when, up to which event, how many details it deleted, and
    the cut-off and policy it applied (read from its event, whose details are kept)."""

    at: datetime
    through_seq: int
    purged: int | None
    cutoff: str | None
    details_days: int | None


@dataclass(frozen=True, slots=True)
class RetentionSchedule:
    """The housekeeping schedule that applies retention (``audit/jobs.py``)."""

    interval_seconds: int
    last_run_at: datetime | None
    next_run_at: datetime | None


class AuditService:
    @requires(P.AUDIT_READ)
    async def search(
        self,
        session: AsyncSession,
        principal: Principal,
        where: EventFilter,
        *,
        first: int,
        before_seq: int | None,
    ) -> EventPage:
        """Newest first. Details are opened only for ``audit:read_details``."""
        if where.since and where.until and where.since >= where.until:
            raise BadUserInput("`since` must be before `until`.")
        repo = AuditRepository(session)
        rows, total = await repo.page(repo.search(where), before_seq, first + 1)
        items = rows[:first]
        # a soft check (details hidden, not refused): `permissions_of`, not `can`, which
        # the schema-wide test reads as a permission the field enforces with FORBIDDEN
        if P.AUDIT_READ_DETAILS in await permissions_of(principal):
            opened = await open_details(repo, items)
        else:
            opened = {e.id: OpenedDetails(DetailsState.HIDDEN) for e in items}
        people = {e.actor_id for e in items if e.actor_id is not None}
        people |= {p for e in items if e.resource_type == "user" if (p := _uuid_or_none(e))}
        return EventPage(
            items=[EventView(e, opened[e.id]) for e in items],
            has_next_page=len(rows) > first,
            has_previous_page=before_seq is not None,
            total_count=total,
            erased=frozenset(await repo.erased(sorted(people, key=str))),
        )

    @requires(P.AUDIT_READ)
    async def status(self, session: AsyncSession, principal: Principal) -> ChainStatus:
        repo = AuditRepository(session)
        head = await repo.head()
        latest = await repo.latest_checkpoint()
        return ChainStatus(
            events=head.last_seq if head else 0,
            checkpoint=as_checkpoint(latest) if latest else None,
            signing_key_ids=[
                public_key_id(k.public_key) for k in await repo.keys("signing") if k.public_key
            ],
        )

    @requires(P.AUDIT_VERIFY)
    async def verify(self, principal: Principal) -> Result:
        """Verify the caller's tenant's chain and record the run (with its result)."""
        result = await verify_tenant_chain(principal.tenant_id)
        async with transaction(principal.tenant_id) as session:
            await record(
                session,
                actor=Actor.from_principal(principal),
                action="audit.chain.verified",
                resource=("audit_chain", principal.tenant_id),
                outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
                details=_result_details(result),
            )
        return result

    @requires(P.AUDIT_EXPORT)
    async def export(self, principal: Principal, first_seq: int, last_seq: int | None) -> Export:
        """An export for the API: bounded (checked before anything is recorded), in
        memory. The CLI streams any size."""
        if first_seq < 1 or (last_seq is not None and last_seq < first_seq):
            raise ExportRangeInvalid()
        async with transaction(principal.tenant_id) as session:
            planned = await export_range(session, first_seq, last_seq)
        if planned.events + (last_seq is None) > MAX_API_EXPORT_EVENTS:
            raise ExportTooLarge(planned.events + (last_seq is None), MAX_API_EXPORT_EVENTS)
        async with self.exporting(
            principal.tenant_id,
            principal.tenant_slug,
            Actor.from_principal(principal),
            first_seq,
            last_seq,
        ) as (span, lines):
            content = "".join([line async for line in lines])
            async with transaction(principal.tenant_id) as session:
                latest = await AuditRepository(session).latest_checkpoint()
        return Export(
            content=content,
            span=span,
            checkpoint=as_checkpoint(latest) if latest else None,
            filename=f"audit-{principal.tenant_slug}-{span.first}-{span.last}.jsonl",
        )

    @asynccontextmanager
    async def exporting(
        self,
        tenant_id: uuid.UUID,
        tenant_slug: str,
        actor: Actor,
        first_seq: int,
        last_seq: int | None,
    ) -> AsyncIterator[tuple[ExportRange, AsyncIterator[str]]]:
        """Record the export and sign the head (every export ends on a checkpoint), then
        read the range from one snapshot. No principal: the CLI calls it too."""
        async with transaction(tenant_id) as session:
            await record(
                session,
                actor=actor,
                action="audit.log.exported",
                resource=("audit_chain", tenant_id),
                details={"from_seq": first_seq, "to_seq": last_seq},
            )
            try:
                await chain.checkpoint(session)
            except AuditChainUnverified:
                pass  # logged; the export still serves an investigation, ending unsigned
        async with transaction(tenant_id) as session:
            if session.get_bind().dialect.name == "postgresql":
                await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            span = await export_range(session, first_seq, last_seq)
            yield span, export_lines(session, span, tenant_slug)

    # --- retention -----------------------------------------------------------------------

    @requires(P.AUDIT_READ)
    async def retention(
        self, session: AsyncSession, principal: Principal
    ) -> AuditRetentionPolicy | None:
        return await AuditRepository(session).retention_policy()

    @requires(P.AUDIT_READ)
    async def purge_history(
        self, session: AsyncSession, principal: Principal, limit: int
    ) -> list[PurgeRun]:
        """The latest purges, newest first. Their counts and cut-offs are opened for
        anyone who may search the log: the retention job writes them and they name no
        one, unlike the details ``audit:read_details`` guards."""
        repo = AuditRepository(session)
        events = await repo.purges(limit)
        opened = await open_details(repo, events)
        runs = []
        for event in events:
            found = opened[event.id].details or {}
            runs.append(
                PurgeRun(
                    at=event.occurred_at,
                    through_seq=int(event.resource_id or 0),
                    purged=_int_or_none(found.get("purged")),
                    cutoff=str(found["cutoff"]) if found.get("cutoff") else None,
                    details_days=_int_or_none(found.get("details_days")),
                )
            )
        return runs

    @requires(P.AUDIT_READ)
    async def retention_schedule(self, principal: Principal) -> RetentionSchedule:
        """When housekeeping (which purges) last ran and runs next: from the scheduler's
        own record, so "never" means no worker has fired it since Redis was last empty."""
        interval = settings.HOUSEKEEPING_INTERVAL_SECONDS
        last = await asyncio.to_thread(last_fired, HOUSEKEEPING_SCHEDULE)
        return RetentionSchedule(
            interval_seconds=interval,
            last_run_at=last,
            next_run_at=last + timedelta(seconds=interval) if last else None,
        )

    @requires(P.AUDIT_READ)
    async def action_labels(self, principal: Principal) -> list[tuple[str, str]]:
        """Every labelled action code, by label (the SPA's action filter)."""
        return sorted(all_labels().items(), key=lambda item: item[1])

    @requires(P.RETENTION_MANAGE)
    async def set_retention(
        self, session: AsyncSession, principal: Principal, details_days: int | None
    ) -> AuditRetentionPolicy:
        """``None`` keeps details for ever. Headers and hashes are always kept."""
        if details_days is not None and not (
            MIN_RETENTION_DAYS <= details_days <= MAX_RETENTION_DAYS
        ):
            raise BadUserInput(
                f"Keep details for {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days, "
                "or null to keep them for ever."
            )
        repo = AuditRepository(session)
        policy = await repo.retention_policy()
        before = policy.details_days if policy else None
        if policy is None:
            policy = AuditRetentionPolicy(details_days=details_days, updated_at=utcnow())
            await repo.add(policy)
        policy.details_days, policy.updated_at = details_days, utcnow()
        policy.updated_by = principal.user_id
        await record(
            session,
            actor=Actor.from_principal(principal),
            action="audit.retention.updated",
            resource=("audit_retention_policy", policy.id),
            details={"details_days": details_days, "previous_details_days": before},
        )
        return policy

    async def apply_retention(self, session: AsyncSession, now: datetime | None = None) -> int:
        """Delete details older than the policy allows (the periodic job). The policy is
        the one recorded in the (verified) chain, not the policy row, which the database
        role can change; the row must agree with it. The purge is itself an event naming
        the last purged seq, its cut-off and the policy event that allowed it, which the
        verifier checks before it excuses missing details."""
        repo = AuditRepository(session)
        row = await repo.retention_policy()
        if row is None or row.details_days is None:
            return 0
        await repo.head(lock=True)  # no append (a policy change) between check and purge
        verified = await verify_since_checkpoint(session)
        policy = verified.policy
        if not verified.result.ok or policy is None or policy.days != row.details_days:
            log.error(
                "audit retention refused: the chain does not verify or its policy differs "
                "from the policy row (set the retention policy again)",
                extra={
                    "audit_tenant_id": str(repo.tenant_id),
                    "audit_reason": verified.result.reason,
                    "audit_row_days": row.details_days,
                    "audit_chain_days": policy.days if policy else None,
                },
            )
            return 0
        cutoff = (now or utcnow()) - timedelta(days=row.details_days)
        through = await repo.last_seq_before(cutoff)
        if through <= row.purged_through_seq:
            return 0
        purged = await repo.purge_details(through, cutoff)
        row.purged_through_seq = through
        await record(
            session,
            actor=Actor.system("audit.retention"),
            action=PURGE_ACTION,
            resource=("audit_event", through),
            details={
                "purged": purged,
                "cutoff": format_time(cutoff),
                "policy_seq": policy.seq,
                "details_days": policy.days,
            },
        )
        return purged


class SubjectData:
    """What the audit log holds about one data subject: for access and erasure requests
    (the compliance service checks their permissions)."""

    async def events_naming(
        self, session: AsyncSession, subject_id: uuid.UUID, limit: int = 500
    ) -> tuple[int, list[EventView]]:
        """How many events name the subject, and the latest ``limit`` of them, opened."""
        repo = AuditRepository(session)
        rows, total = await repo.page(repo.search(EventFilter(subject_id=subject_id)), None, limit)
        opened = await open_details(repo, rows)
        return total, [EventView(e, opened[e.id]) for e in rows]

    async def erased(self, session: AsyncSession, subject_ids: set[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these people this organization erased (their key destroyed here): a
        person another organization keeps still has a user row, so names read from it
        must leave them out."""
        return await AuditRepository(session).erased(sorted(subject_ids, key=str))

    async def shred(self, session: AsyncSession, subject_id: uuid.UUID) -> bool:
        """Crypto-shredding: destroy the subject's key. Their personal data in every
        event becomes unreadable; ciphertexts, hashes and checkpoints are untouched, so
        the chain still verifies."""
        return await AuditRepository(session).destroy_subject_key(subject_id, utcnow())


async def recorded_details(
    session: AsyncSession, action: str, resource_type: str, page_size: int = 1000
) -> AsyncIterator[tuple[str, dict[str, Any] | None]]:
    """Every event of ``action`` on ``resource_type`` as (resource id, opened details;
    None when purged or unreadable), oldest first: for domains whose own records are
    checked against what the chain says (the prediction log's batch digests)."""
    repo = AuditRepository(session)
    statement = repo.search(EventFilter(action=action, resource_type=resource_type))
    after = 0
    while True:
        rows = list(
            (
                await session.scalars(
                    statement.where(AuditEvent.seq > after)
                    .order_by(AuditEvent.seq)
                    .limit(page_size)
                )
            ).all()
        )
        if not rows:
            return
        opened = await open_details(repo, rows)
        for row in rows:
            details = opened[row.id]
            available = details.state is DetailsState.AVAILABLE
            yield str(row.resource_id), dict(details.details or {}) if available else None
        after = rows[-1].seq


def _result_details(result: Result) -> dict[str, object]:
    return {
        "ok": result.ok,
        "events": result.events,
        "first_bad_seq": result.first_bad_seq,
        "reason": result.reason,
        "checkpoint_seq": result.checkpoint.seq if result.checkpoint else None,
    }


def _uuid_or_none(event: AuditEvent) -> uuid.UUID | None:
    try:
        return uuid.UUID(event.resource_id or "")
    except ValueError:
        return None


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def encode_seq_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode()


def decode_seq_cursor(cursor: str) -> int:
    try:
        kind, value = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind != "seq":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise BadUserInput("Invalid cursor: pass a cursor returned by this connection.") from None


audit_service = AuditService()
subject_data = SubjectData()


async def compliance_status(session: AsyncSession, also: Sequence[str] = ()) -> ComplianceStatus:
    """For the compliance overview, which checked its own permission; ``also``: other
    actions whose last occurrence it shows (``last_of``)."""
    repo = AuditRepository(session)
    newest = await repo.newest_of([VERIFIED_ACTION, PURGE_ACTION, *also])
    checkpoint = await repo.latest_checkpoint()
    policy = await repo.retention_policy()

    def happened(event: AuditEvent) -> Happened:
        return Happened(event.occurred_at, event.outcome == Outcome.SUCCESS.value)

    verified, purged = newest.get(VERIFIED_ACTION), newest.get(PURGE_ACTION)
    return ComplianceStatus(
        last_verification=happened(verified) if verified else None,
        checkpoint_seq=checkpoint.seq if checkpoint else None,
        checkpoint_signed_at=checkpoint.signed_at if checkpoint else None,
        retention_details_days=policy.details_days if policy else None,
        retention_set=policy is not None,
        retention_updated_at=policy.updated_at if policy else None,
        last_purge_at=purged.occurred_at if purged else None,
        last_of={a: happened(newest[a]) for a in also if a in newest},
    )
