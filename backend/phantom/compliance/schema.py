"""Data subject requests in GraphQL: thin resolvers over the compliance service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.compliance import models
from phantom.compliance.models import RequestKind, RequestStatus, SubjectKind
from phantom.compliance.service import compliance
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.kit.pagination import page_request

DataSubjectRequestKind = strawberry.enum(RequestKind, name="DataSubjectRequestKind")
DataSubjectRequestStatus = strawberry.enum(RequestStatus, name="DataSubjectRequestStatus")
DataSubjectKind = strawberry.enum(
    SubjectKind,
    name="DataSubjectKind",
    description="MEMBER: a platform user (email). IDENTIFIER: a customer named by a column "
    "and a value in the tenant's datasets and prediction log.",
)
REPORT_URL = "/api/v1/data-subject-requests/{id}/report.{kind}"


@strawberry.type
class DataSubjectDatasetMatch:
    dataset_id: strawberry.ID
    name: str
    version_number: int
    rows: int = strawberry.field(description="Rows holding the identifier.")


@strawberry.type
class DataSubjectModelVersionRows:
    model_version_id: strawberry.ID
    model: str
    version: int
    rows: int = strawberry.field(description="Prediction-log rows holding the identifier.")


@strawberry.type
class ModelToRetrain:
    model_version_id: strawberry.ID
    model: str
    version: int
    stage: str
    dataset_id: strawberry.ID
    dataset_name: str


@strawberry.type(description="What the last search for a customer identifier found (no values).")
class DataSubjectMatches:
    searched_at: datetime
    datasets: list[DataSubjectDatasetMatch]
    prediction_rows: int
    prediction_batches: int
    model_versions: list[DataSubjectModelVersionRows]

    @classmethod
    def from_json(cls, m: dict[str, Any]) -> DataSubjectMatches:
        return cls(
            searched_at=datetime.fromisoformat(m["searched_at"]),
            datasets=[
                DataSubjectDatasetMatch(
                    dataset_id=strawberry.ID(d["id"]),
                    name=str(d["name"]),
                    version_number=int(d.get("version_number") or 1),
                    rows=int(d["rows"]),
                )
                for d in m.get("datasets", [])
            ],
            prediction_rows=int(m.get("prediction_rows", 0)),
            prediction_batches=int(m.get("prediction_batches", 0)),
            model_versions=[
                DataSubjectModelVersionRows(
                    model_version_id=strawberry.ID(v["model_version_id"]),
                    model=str(v["model"]),
                    version=int(v["version"]),
                    rows=int(v["rows"]),
                )
                for v in m.get("model_versions", [])
            ],
        )


def _retrain(m: dict[str, Any] | None) -> list[ModelToRetrain]:
    return [
        ModelToRetrain(
            model_version_id=strawberry.ID(v["model_version_id"]),
            model=str(v["model"]),
            version=int(v["version"]),
            stage=str(v["stage"]),
            dataset_id=strawberry.ID(v["dataset_id"]),
            dataset_name=str(v["dataset_name"]),
        )
        for v in (m or {}).get("models_to_retrain", [])
    ]


@strawberry.type
class DataSubjectRequest:
    id: strawberry.ID
    kind: RequestKind
    status: RequestStatus
    subject_id: strawberry.ID = strawberry.field(
        description="The subject's user id; for a customer identifier, a pseudonymous id."
    )
    subject_kind: SubjectKind
    subject_email: str | None = strawberry.field(description="Null once the subject is erased.")
    identifier_column: str | None = strawberry.field(
        description="The column naming the customer (IDENTIFIER requests)."
    )
    identifier_value: str | None = strawberry.field(
        description="The customer's identifier; null for a member, and once erased."
    )
    matches: DataSubjectMatches | None = strawberry.field(
        description="What the last search for the identifier found (IDENTIFIER requests)."
    )
    models_to_retrain: list[ModelToRetrain] = strawberry.field(
        description="Model versions trained on datasets holding the identifier: after an "
        "erasure, retrain them on the new dataset versions."
    )
    report_json_url: str | None = strawberry.field(
        description="Download of the report as JSON, once executed (privacy:request)."
    )
    report_csv_url: str | None = strawberry.field(
        description="Download of the report as CSV, once executed (privacy:request)."
    )
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
        identifier = compliance.identifier(r)
        has_report = r.report_sealed is not None
        return cls(
            id=strawberry.ID(str(r.id)),
            kind=RequestKind(r.kind),
            status=RequestStatus(r.status),
            subject_id=strawberry.ID(str(r.subject_id)),
            subject_kind=SubjectKind(r.subject_kind),
            subject_email=compliance.subject_email(r),
            identifier_column=r.identifier_column,
            identifier_value=identifier.value if identifier is not None else None,
            matches=DataSubjectMatches.from_json(r.matches) if r.matches else None,
            models_to_retrain=_retrain(r.matches),
            report_json_url=REPORT_URL.format(id=r.id, kind="json") if has_report else None,
            report_csv_url=REPORT_URL.format(id=r.id, kind="csv") if has_report else None,
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


@strawberry.input(description="A customer named by a value in a column of the data.")
class DataSubjectIdentifierInput:
    column: str = strawberry.field(
        description="The column's name, matched case-insensitively (e.g. customer_id)."
    )
    value: str = strawberry.field(
        description="Compared as text after trimming spaces (e.g. C-10023)."
    )


@strawberry.input(description="Name the subject by subjectEmail (a member) or identifier.")
class CreateDataSubjectRequestInput:
    kind: RequestKind
    reason: str
    subject_email: str | None = None
    identifier: DataSubjectIdentifierInput | None = None


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
                identifier_column=input.identifier.column if input.identifier else None,
                identifier_value=input.identifier.value if input.identifier else None,
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
