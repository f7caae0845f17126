"""All audit SQL. Tenant tables are scoped by the session's tenant (``db.py``); the chain
head is keyed by tenant id, which always comes from the session, never a caller."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit.models import (
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    AuditEventDetails,
    AuditKey,
    AuditMacEpoch,
    AuditRetentionPolicy,
    AuditSubjectKey,
    KeyCanary,
)
from phantom.audit.proof import POLICY_ACTION, PURGE_ACTION, REPORT_ACTION, ZERO_HASH
from phantom.kit.errors import TenantScopeError


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    previous_hash: bytes
    data_key_id: uuid.UUID | None
    checkpoint_seq: int
    checkpoint_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventFilter:
    actor_id: uuid.UUID | None = None
    actor_type: str | None = None
    action: str | None = None  # exact, or a prefix ending in '.'
    resource_type: str | None = None
    resource_id: str | None = None
    outcome: str | None = None
    subject_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        tenant_id = session.info.get("tenant_id")
        if tenant_id is None:
            raise TenantScopeError("the audit log is only used in a tenant's transaction")
        self.tenant_id: uuid.UUID = tenant_id

    async def add(self, *objects: object) -> None:
        self.session.add_all(objects)
        await self.session.flush()

    # --- the chain head ----------------------------------------------------------------

    async def advance_head(self) -> Head:
        """Take the next sequence number. The upsert locks the tenant's head row until the
        transaction ends, which is what keeps one gapless order across processes."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(AuditChainHead)
            .values(tenant_id=self.tenant_id, last_seq=1, last_hash=ZERO_HASH, checkpoint_seq=0)
            .on_conflict_do_update(
                index_elements=[AuditChainHead.tenant_id],
                set_={"last_seq": AuditChainHead.last_seq + 1},
            )
            .returning(
                AuditChainHead.last_seq,
                AuditChainHead.last_hash,
                AuditChainHead.data_key_id,
                AuditChainHead.checkpoint_seq,
                AuditChainHead.checkpoint_at,
            )
        )
        row = (await self.session.execute(statement)).one()
        return Head(row[0], row[1], row[2], row[3], row[4])

    async def set_head(self, **values: object) -> None:
        await self.session.execute(
            update(AuditChainHead)
            .where(AuditChainHead.tenant_id == self.tenant_id)
            .values(**values)
        )

    async def head(self, *, lock: bool = False) -> AuditChainHead | None:
        statement = select(AuditChainHead).where(AuditChainHead.tenant_id == self.tenant_id)
        if lock:
            statement = statement.with_for_update(key_share=True)
        return await self.session.scalar(statement.execution_options(populate_existing=True))

    # --- keys --------------------------------------------------------------------------

    async def key(self, key_id: uuid.UUID) -> AuditKey | None:
        return await self.session.scalar(select(AuditKey).where(AuditKey.id == key_id))

    async def keys(self, kind: str) -> Sequence[AuditKey]:
        statement = select(AuditKey).where(AuditKey.kind == kind).order_by(AuditKey.created_at)
        return (await self.session.scalars(statement)).all()

    async def active_signing_key(self) -> AuditKey | None:
        return await self.session.scalar(
            select(AuditKey)
            .where(AuditKey.kind == "signing", AuditKey.retired_at.is_(None))
            .order_by(AuditKey.created_at.desc())
            .limit(1)
        )

    async def retire_key(self, key_id: uuid.UUID, at: datetime) -> None:
        await self.session.execute(
            update(AuditKey).where(AuditKey.id == key_id).values(retired_at=at)
        )

    async def subject_keys(
        self, subject_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, AuditSubjectKey]:
        if not subject_ids:
            return {}
        rows = await self.session.scalars(
            select(AuditSubjectKey).where(AuditSubjectKey.subject_id.in_(subject_ids))
        )
        return {row.subject_id: row for row in rows}

    async def destroy_subject_key(self, subject_id: uuid.UUID, at: datetime) -> bool:
        result = await self.session.execute(
            update(AuditSubjectKey)
            .where(AuditSubjectKey.subject_id == subject_id, AuditSubjectKey.wrapped.is_not(None))
            .values(wrapped=None, master_key_id=None, destroyed_at=at)
        )
        destroyed = bool(result.rowcount)  # type: ignore[attr-defined]
        if not destroyed and subject_id not in await self.subject_keys([subject_id]):
            # a tombstone: the log then shows the person as erased, and their data in
            # later events is dropped as for anyone whose key was destroyed
            await self.add(AuditSubjectKey(subject_id=subject_id, wrapped=None, destroyed_at=at))
        return destroyed

    async def erased(self, subject_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these people were erased (their subject key destroyed)."""
        if not subject_ids:
            return set()
        rows = await self.session.scalars(
            select(AuditSubjectKey.subject_id).where(
                AuditSubjectKey.subject_id.in_(subject_ids),
                AuditSubjectKey.destroyed_at.is_not(None),
            )
        )
        return set(rows.all())

    # --- events and checkpoints ----------------------------------------------------------

    async def checkpoints(self, up_to: int, since: int = 0) -> Sequence[AuditCheckpoint]:
        statement = (
            select(AuditCheckpoint)
            .where(AuditCheckpoint.seq <= up_to, AuditCheckpoint.seq >= since)
            .order_by(AuditCheckpoint.seq)
        )
        return (await self.session.scalars(statement)).all()

    async def newest_checkpoints(self, limit: int) -> Sequence[AuditCheckpoint]:
        statement = select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(limit)
        return (await self.session.scalars(statement)).all()

    async def mac_epoch(self) -> int:
        """The last seq written before event MACs existed (0: every event has one)."""
        value = await self.session.scalar(
            select(AuditMacEpoch.pre_mac_through_seq).where(
                AuditMacEpoch.tenant_id == self.tenant_id
            )
        )
        return int(value or 0)

    async def latest_event(self, action: str, up_to: int) -> tuple[AuditEvent, bytes | None] | None:
        """The latest event with this action at or before ``up_to``, with its details."""
        statement = (
            _events_with_details()
            .where(AuditEvent.action == action, AuditEvent.seq <= up_to)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
        row = (await self.session.execute(statement)).first()
        return None if row is None else (row[0], row[1])

    async def report_events(self, sha256: str) -> Sequence[AuditEvent]:
        """Generated-report events whose header names this SHA-256 (``proof.report_hashes``
        checks which part), oldest first."""
        statement = (
            select(AuditEvent)
            .where(
                AuditEvent.tenant_id == self.tenant_id,
                AuditEvent.action == REPORT_ACTION,
                AuditEvent.resource_id.contains(sha256, autoescape=True),
            )
            .order_by(AuditEvent.seq)
        )
        return (await self.session.scalars(statement)).all()

    async def latest_checkpoint(self) -> AuditCheckpoint | None:
        return await self.session.scalar(
            select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)
        )

    async def stream_events(
        self, first: int, last: int
    ) -> AsyncIterator[tuple[AuditEvent, bytes | None]]:
        """Events in stored order, each with its details ciphertext (None when purged).
        Ordered by seq then id, so a duplicated seq shows up to the verifier."""
        statement = (
            _events_with_details()
            .where(AuditEvent.seq >= first, AuditEvent.seq <= last)
            .order_by(AuditEvent.seq, AuditEvent.id)
            .execution_options(yield_per=500)
        )
        result = await self.session.stream(statement)
        async for event, ciphertext in result:
            yield event, ciphertext

    async def max_seq(self) -> int:
        return int(await self.session.scalar(select(func.max(AuditEvent.seq))) or 0)

    async def event_hash(self, seq: int) -> bytes | None:
        return await self.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))

    async def count_events(self, first: int, last: int) -> int:
        statement = select(func.count()).where(
            AuditEvent.tenant_id == self.tenant_id, AuditEvent.seq >= first, AuditEvent.seq <= last
        )
        return int(await self.session.scalar(statement.select_from(AuditEvent)) or 0)

    def search(self, where: EventFilter) -> Select[AuditEvent]:
        # explicit tenant filter: the count below wraps this in a subquery, which the
        # ORM-level tenant criteria do not reach
        statement = select(AuditEvent).where(AuditEvent.tenant_id == self.tenant_id)
        if where.actor_id is not None:
            statement = statement.where(AuditEvent.actor_id == where.actor_id)
        if where.actor_type is not None:
            statement = statement.where(AuditEvent.actor_type == where.actor_type)
        if where.action:
            if where.action.endswith("."):
                statement = statement.where(AuditEvent.action.startswith(where.action))
            else:
                statement = statement.where(AuditEvent.action == where.action)
        if where.resource_type is not None:
            statement = statement.where(AuditEvent.resource_type == where.resource_type)
        if where.resource_id is not None:
            statement = statement.where(AuditEvent.resource_id == where.resource_id)
        if where.outcome is not None:
            statement = statement.where(AuditEvent.outcome == where.outcome)
        if where.subject_id is not None:
            statement = statement.where(AuditEvent.subjects.contains(str(where.subject_id)))
        if where.since is not None:
            statement = statement.where(AuditEvent.occurred_at >= where.since)
        if where.until is not None:
            statement = statement.where(AuditEvent.occurred_at < where.until)
        return statement

    async def page(
        self, statement: Select[AuditEvent], before_seq: int | None, limit: int
    ) -> tuple[list[AuditEvent], int]:
        """Newest first, keyset on seq; also the total matching count."""
        total = await self.session.scalar(select(func.count()).select_from(statement.subquery()))
        if before_seq is not None:
            statement = statement.where(AuditEvent.seq < before_seq)
        rows = await self.session.scalars(statement.order_by(AuditEvent.seq.desc()).limit(limit))
        return list(rows.all()), int(total or 0)

    async def details(self, seqs: Sequence[int]) -> dict[int, bytes]:
        if not seqs:
            return {}
        rows = await self.session.execute(
            select(AuditEventDetails.seq, AuditEventDetails.ciphertext).where(
                AuditEventDetails.seq.in_(seqs)
            )
        )
        return {row[0]: row[1] for row in rows}

    # --- retention ----------------------------------------------------------------------

    async def retention_policy(self) -> AuditRetentionPolicy | None:
        return await self.session.scalar(select(AuditRetentionPolicy))

    async def newest_of(self, actions: Sequence[str]) -> dict[str, AuditEvent]:
        """The newest event of each of these actions (absent: never recorded)."""
        newest = (
            select(func.max(AuditEvent.seq))
            .where(AuditEvent.tenant_id == self.tenant_id, AuditEvent.action.in_(actions))
            .group_by(AuditEvent.action)
        )
        rows = await self.session.scalars(
            select(AuditEvent).where(
                AuditEvent.tenant_id == self.tenant_id, AuditEvent.seq.in_(newest)
            )
        )
        return {event.action: event for event in rows.all()}

    async def purges(self, limit: int) -> list[AuditEvent]:
        """The retention purges, newest first (their details are never purged)."""
        rows = await self.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.tenant_id == self.tenant_id, AuditEvent.action == PURGE_ACTION)
            .order_by(AuditEvent.seq.desc())
            .limit(limit)
        )
        return list(rows.all())

    async def last_seq_before(self, cutoff: datetime) -> int:
        value = await self.session.scalar(
            select(func.max(AuditEvent.seq)).where(AuditEvent.occurred_at < cutoff)
        )
        return int(value or 0)

    async def purge_details(self, through_seq: int, cutoff: datetime) -> int:
        """Details of events up to ``through_seq`` that occurred before ``cutoff``, the
        exact rule the verifier excuses. Retention's own events keep their details: the
        verifier reads the policy and each purge's cut-off from them."""
        doomed = select(AuditEvent.seq).where(
            AuditEvent.tenant_id == self.tenant_id,
            AuditEvent.seq <= through_seq,
            AuditEvent.occurred_at < cutoff,
            AuditEvent.action.not_in([POLICY_ACTION, PURGE_ACTION]),
        )
        result = await self.session.execute(
            delete(AuditEventDetails).where(AuditEventDetails.seq.in_(doomed))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class RewrapRepository:
    """Every wrapped audit key of every tenant, for master key rotation (a system
    session: it re-seals keys, it never reads what they protect)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def keys(self, older_than: str) -> Sequence[AuditKey]:
        return (
            await self.session.scalars(
                select(AuditKey)
                .where(AuditKey.master_key_id != older_than)
                .with_for_update()
                .execution_options(all_tenants=True)  # tenant-scope: master key rotation
            )
        ).all()

    async def subject_keys(self, older_than: str) -> Sequence[AuditSubjectKey]:
        return (
            await self.session.scalars(
                select(AuditSubjectKey)
                .where(
                    AuditSubjectKey.wrapped.is_not(None),
                    AuditSubjectKey.master_key_id != older_than,
                )
                .with_for_update()
                .execution_options(all_tenants=True)  # tenant-scope: master key rotation
            )
        ).all()


class CanaryRepository:
    """The master-key canary is per database, not per tenant (a system session)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, name: str) -> KeyCanary | None:
        return await self.session.scalar(select(KeyCanary).where(KeyCanary.name == name))

    async def add_if_absent(self, canary: KeyCanary) -> None:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self.session.execute(
            insert(KeyCanary)
            .values(
                id=canary.id,
                created_at=canary.created_at,
                name=canary.name,
                master_key_id=canary.master_key_id,
                sealed=canary.sealed,
            )
            .on_conflict_do_nothing(index_elements=[KeyCanary.name])
        )

    async def replace(self, name: str, master_key_id: str, sealed: bytes) -> None:
        await self.session.execute(
            update(KeyCanary)
            .where(KeyCanary.name == name)
            .values(master_key_id=master_key_id, sealed=sealed)
        )

    async def wrapped_key_ids(self) -> list[str]:
        """Master key ids that wrapped audit keys in any tenant (start-up check)."""
        statement = (
            select(AuditKey.master_key_id)
            .distinct()
            .execution_options(all_tenants=True)  # tenant-scope: start-up key check, ids only
        )
        return list((await self.session.scalars(statement)).all())


def _events_with_details() -> Select[AuditEvent, bytes]:
    """Events with their details ciphertext (None once retention purged them)."""
    return select(AuditEvent, AuditEventDetails.ciphertext).outerjoin(
        AuditEventDetails,
        (AuditEventDetails.tenant_id == AuditEvent.tenant_id)
        & (AuditEventDetails.seq == AuditEvent.seq),
    )
