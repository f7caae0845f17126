"""Data subject requests in GraphQL: thin resolvers over the compliance service."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.compliance import models
from phantom.compliance.models import RequestKind, RequestStatus
from phantom.compliance.service import compliance
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.kit.pagination import page_request

DataSubjectRequestKind = strawberry.enum(RequestKind, name="DataSubjectRequestKind")
DataSubjectRequestStatus = strawberry.enum(RequestStatus, name="DataSubjectRequestStatus")


@strawberry.type
class DataSubjectRequest:
    id: strawberry.ID
    kind: RequestKind
    status: RequestStatus
    subject_id: strawberry.ID = strawberry.field(description="The subject's user id.")
    subject_email: str | None = strawberry.field(description="Null once the subject is erased.")
    reason: str
    requested_by: strawberry.ID
    decided_by: strawberry.ID | None
    decided_at: datetime | None
    decision_note: str | None
    executed_by: strawberry.ID | None
    executed_at: datetime | None
    created_at: datetime
    report: JSON | None = strawberry.field(description="What execution did or found.")

    @classmethod
    def from_model(cls, r: models.DataSubjectRequest) -> DataSubjectRequest:
        report = compliance.report(r)
        return cls(
            id=strawberry.ID(str(r.id)),
            kind=RequestKind(r.kind),
            status=RequestStatus(r.status),
            subject_id=strawberry.ID(str(r.subject_id)),
            subject_email=compliance.subject_email(r),
            reason=r.reason,
            requested_by=strawberry.ID(str(r.requested_by)),
            decided_by=_id(r.decided_by),
            decided_at=r.decided_at,
            decision_note=r.decision_note,
            executed_by=_id(r.executed_by),
            executed_at=r.executed_at,
            created_at=r.created_at,
            report=JSON(report) if report is not None else None,
        )


@strawberry.input
class CreateDataSubjectRequestInput:
    kind: RequestKind
    subject_email: str
    reason: str


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@strawberry.type
class ComplianceQuery:
    @strawberry.field(extensions=authenticated(), description="Newest first.")
    async def data_subject_requests(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        status: RequestStatus | None = None,
    ) -> Connection[DataSubjectRequest]:
        ctx = info.context
        page = page_request(first, after)
        async with ctx.session() as session:
            result = await compliance.list_requests(session, ctx.require_principal(), page, status)
        return Connection.from_page(result, DataSubjectRequest.from_model)

    @strawberry.field(extensions=authenticated())
    async def data_subject_request(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> DataSubjectRequest:
        ctx = info.context
        async with ctx.session() as session:
            request = await compliance.get_request(
                session, ctx.require_principal(), parse_id(id, "Data subject request")
            )
        return DataSubjectRequest.from_model(request)


@strawberry.type
class ComplianceMutation:
    @strawberry.mutation(extensions=authenticated())
    async def create_data_subject_request(
        self, info: Info[Context, None], input: CreateDataSubjectRequestInput
    ) -> DataSubjectRequest:
        ctx = info.context
        async with ctx.session() as session:
            request = await compliance.create_request(
                session,
                ctx.require_principal(),
                kind=input.kind,
                subject_email=input.subject_email,
                reason=input.reason,
            )
        return DataSubjectRequest.from_model(request)

    @strawberry.mutation(
        extensions=authenticated(), description="Someone other than the requester approves."
    )
    async def approve_data_subject_request(
        self, info: Info[Context, None], id: strawberry.ID, note: str | None = None
    ) -> DataSubjectRequest:
        ctx = info.context
        async with ctx.session() as session:
            request = await compliance.decide(
                session,
                ctx.require_principal(),
                parse_id(id, "Data subject request"),
                approve=True,
                note=note,
            )
        return DataSubjectRequest.from_model(request)

    @strawberry.mutation(extensions=authenticated())
    async def reject_data_subject_request(
        self, info: Info[Context, None], id: strawberry.ID, note: str | None = None
    ) -> DataSubjectRequest:
        ctx = info.context
        async with ctx.session() as session:
            request = await compliance.decide(
                session,
                ctx.require_principal(),
                parse_id(id, "Data subject request"),
                approve=False,
                note=note,
            )
        return DataSubjectRequest.from_model(request)

    @strawberry.mutation(
        extensions=authenticated(),
        description="Run an approved request. Erasure cannot be undone.",
    )
    async def execute_data_subject_request(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> DataSubjectRequest:
        request = await compliance.execute(
            info.context.require_principal(), parse_id(id, "Data subject request")
        )
        return DataSubjectRequest.from_model(request)
