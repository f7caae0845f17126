"""The audit log's GraphQL types and thin resolvers."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.audit import models, proof
from phantom.audit.chain import ActorType as ActorTypeValue
from phantom.audit.chain import Outcome as OutcomeValue
from phantom.audit.labels import action_label
from phantom.audit.loaders import ERASED, resource_loader
from phantom.audit.reading import DetailsState as DetailsStateValue
from phantom.audit.repository import EventFilter
from phantom.audit.service import (
    EventView,
    audit_service,
    decode_seq_cursor,
    encode_seq_cursor,
)
from phantom.graphql.context import Context
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection, Edge
from phantom.identity.loaders import visible_display_name
from phantom.kit.errors import BadUserInput
from phantom.kit.pagination import page_request

AuditActorType = strawberry.enum(ActorTypeValue, name="AuditActorType")
AuditOutcome = strawberry.enum(OutcomeValue, name="AuditOutcome")
AuditDetailsState = strawberry.enum(DetailsStateValue, name="AuditDetailsState")


@strawberry.type
class AuditActor:
    type: ActorTypeValue
    user_id: strawberry.ID | None
    credential_id: strawberry.ID | None = strawberry.field(
        description="The session or API token used."
    )
    label: str | None = strawberry.field(description="What a system actor is.")
    erased: bool = strawberry.field(
        default=False, description="True once an erasure removed this person."
    )

    @strawberry.field(
        description="Who, for people: the display name (null without datasets:read, as "
        'everywhere names are shown), or "Erased person" after an erasure. For a system '
        "actor its label."
    )
    async def display_name(self, info: Info[Context, None]) -> str | None:
        if self.user_id is None:
            return self.label
        if self.erased:
            return ERASED
        return await visible_display_name(info.context, uuid.UUID(str(self.user_id)))


@strawberry.type(description="What an event acted on, named for people when it still exists.")
class AuditResource:
    type: str
    id: str
    erased: strawberry.Private[bool] = False  # a person an erasure removed

    @strawberry.field(
        description='Its name (a dataset\'s, "churn v3" for a model version, a '
        "person's); null when deleted, unknown or not the viewer's to read."
    )
    async def name(self, info: Info[Context, None]) -> str | None:
        if self.erased:
            return ERASED
        return (await resource_loader(info.context).load((self.type, self.id))).name

    @strawberry.field(description="The app page that shows it; null when there is none.")
    async def path(self, info: Info[Context, None]) -> str | None:
        if self.erased:
            return None
        return (await resource_loader(info.context).load((self.type, self.id))).path


@strawberry.type(description="An action code and its plain-English label.")
class AuditActionLabel:
    code: str
    label: str


@strawberry.type(description="One retention purge of event details.")
class AuditPurge:
    at: datetime
    through_seq: int = strawberry.field(description="The last event it purged up to.")
    purged: int | None = strawberry.field(description="How many events' details it deleted.")
    cutoff: str | None = strawberry.field(description="Details older than this were deleted.")
    details_days: int | None = strawberry.field(description="The policy it applied.")


@strawberry.type(description="When the housekeeping that applies retention runs.")
class AuditRetentionSchedule:
    interval_seconds: int
    last_run_at: datetime | None = strawberry.field(
        description="Null: no worker has run it yet (or Redis lost the record)."
    )
    next_run_at: datetime | None


@strawberry.type(description="Personal data about one data subject inside an event.")
class AuditSubjectData:
    subject_id: strawberry.ID
    data: JSON | None = strawberry.field(description="Null once the subject was erased.")
    erased: bool


@strawberry.type
class AuditEvent:
    id: strawberry.ID
    seq: int
    occurred_at: datetime
    actor: AuditActor
    action: str
    action_label: str | None = strawberry.field(
        description="The action in plain English; null for a code with no label."
    )
    resource_type: str | None
    resource_id: str | None
    resource: AuditResource | None
    outcome: OutcomeValue
    request_id: str | None
    details_state: DetailsStateValue
    details: JSON | None = strawberry.field(
        description="Decrypted details; null without the audit:read_details permission."
    )
    personal_data: list[AuditSubjectData]
    hash: str = strawberry.field(description="The event's chain hash (hex).")

    @classmethod
    def from_view(cls, view: EventView, erased: frozenset[uuid.UUID] = frozenset()) -> AuditEvent:
        e, opened = view.event, view.details
        return cls(
            id=strawberry.ID(str(e.id)),
            seq=e.seq,
            occurred_at=e.occurred_at,
            actor=AuditActor(
                type=ActorTypeValue(e.actor_type),
                user_id=_id(e.actor_id),
                credential_id=_id(e.credential_id),
                label=e.actor_label,
                erased=e.actor_id in erased,
            ),
            action=e.action,
            action_label=action_label(e.action),
            resource_type=e.resource_type,
            resource_id=e.resource_id,
            resource=AuditResource(
                type=e.resource_type,
                id=e.resource_id,
                erased=e.resource_type == "user" and e.resource_id in {str(p) for p in erased},
            )
            if e.resource_type and e.resource_id
            else None,
            outcome=OutcomeValue(e.outcome),
            request_id=e.request_id,
            details_state=opened.state,
            details=JSON(opened.details) if opened.details is not None else None,
            personal_data=[
                AuditSubjectData(
                    subject_id=strawberry.ID(subject),
                    data=JSON(data) if data is not None else None,
                    erased=data is None,
                )
                for subject, data in (opened.personal or {}).items()
            ],
            hash=e.hash.hex(),
        )


@strawberry.type(description="A signed checkpoint of the chain head.")
class AuditCheckpoint:
    seq: int
    head_hash: str
    signed_at: str
    key_id: str = strawberry.field(description="The Ed25519 signing key's id.")

    @classmethod
    def from_proof(cls, checkpoint: proof.Checkpoint | None) -> AuditCheckpoint | None:
        if checkpoint is None:
            return None
        return cls(
            seq=checkpoint.seq,
            head_hash=checkpoint.head_hash.hex(),
            signed_at=checkpoint.signed_at,
            key_id=checkpoint.key_id,
        )


@strawberry.type
class AuditVerification:
    ok: bool
    events: int
    first_bad_seq: int | None
    reason: str | None
    checkpoint: AuditCheckpoint | None = strawberry.field(
        description="The last signed checkpoint the verified chain reached."
    )


@strawberry.type
class AuditChainStatus:
    events: int
    latest_checkpoint: AuditCheckpoint | None
    signing_key_ids: list[str] = strawberry.field(
        description="Compare with the key id in an export, out of band."
    )


@strawberry.type
class AuditExport:
    filename: str
    content: str = strawberry.field(description="JSON Lines; verify with the standalone tool.")
    from_seq: int
    to_seq: int
    events: int
    checkpoint: AuditCheckpoint | None


@strawberry.type
class AuditRetentionPolicy:
    details_days: int | None = strawberry.field(description="Null: details are kept for ever.")
    updated_at: datetime
    purged_through_seq: int

    @classmethod
    def from_model(cls, policy: models.AuditRetentionPolicy) -> AuditRetentionPolicy:
        return cls(
            details_days=policy.details_days,
            updated_at=policy.updated_at,
            purged_through_seq=policy.purged_through_seq,
        )


@strawberry.input
class AuditEventFilter:
    actor_id: strawberry.ID | None = None
    actor_type: ActorTypeValue | None = None
    action: str | None = strawberry.field(
        default=None, description="Exact, or a prefix ending in '.', e.g. 'identity.'."
    )
    resource_type: str | None = None
    resource_id: str | None = None
    outcome: OutcomeValue | None = None
    subject_id: strawberry.ID | None = None
    since: datetime | None = None
    until: datetime | None = None

    def to_filter(self) -> EventFilter:
        return EventFilter(
            actor_id=_uuid(self.actor_id, "actorId"),
            actor_type=self.actor_type.value if self.actor_type else None,
            action=_bounded(self.action, 100),
            resource_type=_bounded(self.resource_type, 64),
            resource_id=_bounded(self.resource_id, 200),
            outcome=self.outcome.value if self.outcome else None,
            subject_id=_uuid(self.subject_id, "subjectId"),
            since=self.since,
            until=self.until,
        )


@strawberry.input
class ExportAuditLogInput:
    from_seq: int = 1
    to_seq: int | None = strawberry.field(default=None, description="Default: the head.")


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def _uuid(value: strawberry.ID | None, name: str) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadUserInput(f"`{name}` is not a valid id.") from None


def _bounded(value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise BadUserInput(f"Filter values are limited to {limit} characters.")
    return value


@strawberry.type
class AuditQuery:
    @strawberry.field(
        extensions=authenticated(), description="The organization's audit log, newest first."
    )
    async def audit_events(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        filter: AuditEventFilter | None = None,
    ) -> Connection[AuditEvent]:
        ctx = info.context
        size = page_request(first, None).first
        before = decode_seq_cursor(after) if after else None
        where = filter.to_filter() if filter else EventFilter()
        async with ctx.session() as session:
            page = await audit_service.search(
                session, ctx.require_principal(), where, first=size, before_seq=before
            )
        edges = [
            Edge(cursor=encode_seq_cursor(v.event.seq), node=AuditEvent.from_view(v, page.erased))
            for v in page.items
        ]
        return Connection.of(edges, page.has_next_page, page.has_previous_page, page.total_count)

    @strawberry.field(extensions=authenticated(), description="The chain's head and signing keys.")
    async def audit_chain(self, info: Info[Context, None]) -> AuditChainStatus:
        ctx = info.context
        async with ctx.session() as session:
            status = await audit_service.status(session, ctx.require_principal())
        return AuditChainStatus(
            events=status.events,
            latest_checkpoint=AuditCheckpoint.from_proof(status.checkpoint),
            signing_key_ids=status.signing_key_ids,
        )

    @strawberry.field(
        extensions=authenticated(),
        description="Every action code the platform records, with its label (filters).",
    )
    async def audit_action_labels(self, info: Info[Context, None]) -> list[AuditActionLabel]:
        labels = await audit_service.action_labels(info.context.require_principal())
        return [AuditActionLabel(code=code, label=label) for code, label in labels]

    @strawberry.field(
        extensions=authenticated(), description="The latest retention purges, newest first."
    )
    async def audit_purge_history(
        self, info: Info[Context, None], first: int = 20
    ) -> list[AuditPurge]:
        ctx = info.context
        if not 1 <= first <= 100:
            raise BadUserInput("`first` must be between 1 and 100.")
        async with ctx.session() as session:
            runs = await audit_service.purge_history(session, ctx.require_principal(), first)
        return [
            AuditPurge(
                at=r.at,
                through_seq=r.through_seq,
                purged=r.purged,
                cutoff=r.cutoff,
                details_days=r.details_days,
            )
            for r in runs
        ]

    @strawberry.field(extensions=authenticated())
    async def audit_retention_schedule(self, info: Info[Context, None]) -> AuditRetentionSchedule:
        found = await audit_service.retention_schedule(info.context.require_principal())
        return AuditRetentionSchedule(
            interval_seconds=found.interval_seconds,
            last_run_at=found.last_run_at,
            next_run_at=found.next_run_at,
        )

    @strawberry.field(extensions=authenticated())
    async def audit_retention_policy(
        self, info: Info[Context, None]
    ) -> AuditRetentionPolicy | None:
        ctx = info.context
        async with ctx.session() as session:
            policy = await audit_service.retention(session, ctx.require_principal())
        return AuditRetentionPolicy.from_model(policy) if policy else None


@strawberry.type
class AuditMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="Verify the audit chain (a mutation: the run is itself recorded).",
    )
    async def verify_audit_chain(self, info: Info[Context, None]) -> AuditVerification:
        result = await audit_service.verify(info.context.require_principal())
        return AuditVerification(
            ok=result.ok,
            events=result.events,
            first_bad_seq=result.first_bad_seq,
            reason=result.reason,
            checkpoint=AuditCheckpoint.from_proof(result.checkpoint),
        )

    @strawberry.mutation(
        extensions=authenticated(),
        description="Export a range with its checkpoints and public keys (signs the head).",
    )
    async def export_audit_log(
        self, info: Info[Context, None], input: ExportAuditLogInput | None = None
    ) -> AuditExport:
        wanted = input or ExportAuditLogInput()
        export = await audit_service.export(
            info.context.require_principal(), wanted.from_seq, wanted.to_seq
        )
        return AuditExport(
            filename=export.filename,
            content=export.content,
            from_seq=export.span.first,
            to_seq=export.span.last,
            events=export.span.events,
            checkpoint=AuditCheckpoint.from_proof(export.checkpoint),
        )

    @strawberry.mutation(
        extensions=authenticated(),
        description="How long event details are kept (null or omitted: for ever); "
        "headers and hashes always stay.",
    )
    async def set_audit_retention_policy(
        self, info: Info[Context, None], details_days: int | None = None
    ) -> AuditRetentionPolicy:
        ctx = info.context
        async with ctx.session() as session:
            policy = await audit_service.set_retention(
                session, ctx.require_principal(), details_days
            )
        return AuditRetentionPolicy.from_model(policy)
