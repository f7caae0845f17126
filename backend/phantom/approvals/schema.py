"""Four-eyes promotion's GraphQL (names from API.md "Wave 2"): the policy, requests and
decisions, the pending list and count, and the live ``promotionRequests`` stream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry import Info

from phantom.approvals import models
from phantom.approvals.loaders import label_loader
from phantom.approvals.service import Policy, approvals, request_payload
from phantom.authz.permissions import P
from phantom.config import settings
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.identity.loaders import visible_display_name
from phantom.kit import idempotency
from phantom.kit.events import checked_every
from phantom.kit.pagination import page_request
from phantom.reports.service import reports

if TYPE_CHECKING:  # the same class: the registry's GraphQL module registers it as an enum
    from phantom.registry.models import ModelStage
else:
    from phantom.registry.types import ModelStage

PromotionStatus = strawberry.enum(models.PromotionStatus, name="PromotionStatus")


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type
class PromotionRequest:
    id: strawberry.ID
    model_version_id: strawberry.ID
    stage: ModelStage
    justification: str
    status: models.PromotionStatus
    requested_at: datetime
    expires_at: datetime = strawberry.field(description="Undecided by then: it expires.")
    decided_at: datetime | None = strawberry.field(description="Or withdrawn at.")
    comment: str | None = strawberry.field(description="The decider's comment.")
    report_sha256: str | None = strawberry.field(
        description="The model report the approver is shown: its PDF's SHA-256 (the newest "
        "report when the request was made; null if none had been generated)."
    )
    report_id: strawberry.ID | None = strawberry.field(
        description="That report: GET /api/v1/model-versions/<id>/report.pdf?id=<reportId>."
    )
    serving_threshold: float | None = strawberry.field(
        description="The threshold the version serves once approved (binary classifiers); "
        "null: it keeps its own."
    )
    requested_by_id: strawberry.Private[uuid.UUID]
    decided_by_id: strawberry.Private[uuid.UUID | None]
    label: strawberry.Private[tuple[str, int] | None] = None  # known from a stream event

    @strawberry.field
    async def model_name(self, info: Info[Context, None]) -> str:
        return (await self._label(info))[0]

    @strawberry.field(description="The model version's number.")
    async def version(self, info: Info[Context, None]) -> int:
        return (await self._label(info))[1]

    @strawberry.field(description="The display name of who asked.")
    async def requested_by(self, info: Info[Context, None]) -> str | None:
        return await visible_display_name(info.context, self.requested_by_id)

    @strawberry.field(description="The display name of who approved or rejected it.")
    async def decided_by(self, info: Info[Context, None]) -> str | None:
        return await visible_display_name(info.context, self.decided_by_id)

    @strawberry.field(
        description="The viewer may decide it: it is pending, not expired, not theirs, and "
        "they hold models:approve."
    )
    async def can_decide(self, info: Info[Context, None]) -> bool:
        return await approvals.can_decide(
            info.context.require_principal(),
            self.status.value,
            self.expires_at,
            self.requested_by_id,
        )

    async def _label(self, info: Info[Context, None]) -> tuple[str, int]:
        if self.label is None:
            version_id = uuid.UUID(str(self.model_version_id))
            self.label = await label_loader(info.context).load(version_id) or ("", 0)
        return self.label

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> PromotionRequest:
        return cls(
            id=strawberry.ID(p["id"]),
            model_version_id=strawberry.ID(p["modelVersionId"]),
            stage=ModelStage(p["stage"]),
            justification=p["justification"],
            status=models.PromotionStatus(p["status"]),
            requested_at=datetime.fromisoformat(p["requestedAt"]),
            expires_at=datetime.fromisoformat(p["expiresAt"]),
            decided_at=_time(p["decidedAt"]),
            comment=p["comment"],
            report_sha256=p["reportSha256"],
            report_id=strawberry.ID(p["reportId"]) if p["reportId"] else None,
            serving_threshold=p.get("servingThreshold"),
            requested_by_id=uuid.UUID(p["requestedById"]),
            decided_by_id=uuid.UUID(p["decidedById"]) if p["decidedById"] else None,
            label=(p["modelName"], int(p["version"])) if p.get("modelName") else None,
        )

    @classmethod
    def from_model(cls, request: models.PromotionRequest) -> PromotionRequest:
        return cls.from_payload(request_payload(request, "", 0))


@strawberry.type
class PromotionRequestEvent:
    type: str = strawberry.field(
        description="promotion.requested, .approved, .rejected, .withdrawn or .expired."
    )
    request: PromotionRequest
    pending_count: int = strawberry.field(description="Requests now awaiting a decision.")


@strawberry.type(name="PromotionPolicy")
class PromotionPolicyType:
    production_requires_approval: bool
    staging_requires_approval: bool
    request_ttl_hours: int = strawberry.field(description="How long a request waits.")
    is_default: bool = strawberry.field(description="The tenant has not set its own.")
    updated_at: datetime | None

    @classmethod
    def from_policy(cls, policy: Policy) -> PromotionPolicyType:
        return cls(
            production_requires_approval=policy.production_requires_approval,
            staging_requires_approval=policy.staging_requires_approval,
            request_ttl_hours=policy.request_ttl_hours,
            is_default=policy.is_default,
            updated_at=policy.updated_at,
        )


@strawberry.input
class RequestPromotionInput:
    model_version_id: strawberry.ID
    stage: ModelStage
    justification: str = strawberry.field(description="Why, for the approver (1 to 2,000).")
    serving_threshold: float | None = strawberry.field(
        default=None,
        description="Binary classifiers: the threshold to serve once approved. For the stage "
        "the version is already in, the request changes only its threshold (a gated stage's "
        "threshold cannot be set directly).",
    )


@strawberry.input
class SetPromotionPolicyInput:
    production_requires_approval: bool
    staging_requires_approval: bool
    request_ttl_hours: int | None = strawberry.field(
        default=None, description="1 to 2,160; null: the deployment's default."
    )


@strawberry.type
class ApprovalQuery:
    @strawberry.field(extensions=authenticated(), description="models:read.")
    async def promotion_policy(self, info: Info[Context, None]) -> PromotionPolicyType:
        async with info.context.session() as session:
            policy = await approvals.policy(session, info.context.require_principal())
        return PromotionPolicyType.from_policy(policy)

    @strawberry.field(
        extensions=authenticated(), description="models:read; newest first, by status."
    )
    async def promotion_requests(
        self,
        info: Info[Context, None],
        status: models.PromotionStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[PromotionRequest]:
        page = page_request(first, after)
        async with info.context.session() as session:
            principal = info.context.require_principal()
            result = await approvals.list_requests(session, principal, status, page)
        return Connection.from_page(result, PromotionRequest.from_model)

    @strawberry.field(
        extensions=authenticated(),
        description="models:read. Requests awaiting a decision (pending, not expired).",
    )
    async def pending_promotion_count(self, info: Info[Context, None]) -> int:
        async with info.context.session() as session:
            return await approvals.pending_count(session, info.context.require_principal())


@strawberry.type
class ApprovalMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="promotion_policy:manage. Which stages need a second person's approval.",
    )
    async def set_promotion_policy(
        self, info: Info[Context, None], input: SetPromotionPolicyInput
    ) -> PromotionPolicyType:
        async with info.context.session() as session:
            policy = await approvals.set_policy(
                session,
                info.context.require_principal(),
                production_requires_approval=input.production_requires_approval,
                staging_requires_approval=input.staging_requires_approval,
                request_ttl_hours=input.request_ttl_hours,
            )
        return PromotionPolicyType.from_policy(policy)

    @strawberry.mutation(
        extensions=authenticated(),
        description="models:promote. Opens a request someone else holding models:approve "
        "decides. " + idempotency.DESCRIBED,
    )
    async def request_promotion(
        self,
        info: Info[Context, None],
        input: RequestPromotionInput,
        idempotency_key: str | None = None,
    ) -> PromotionRequest:
        version_id = parse_id(input.model_version_id, "Model version")
        principal = info.context.require_principal()
        stage, justification = input.stage.value, input.justification
        threshold = input.serving_threshold
        async with info.context.session() as session:

            async def open_request() -> models.PromotionRequest:
                issued = await reports.issued(session, principal, version_id)
                return await approvals.request(
                    session, principal, version_id, stage, justification, issued, threshold
                )

            request = await idempotency.once_by_id(
                session,
                principal,
                idempotency_key,
                "requestPromotion",
                {
                    "modelVersionId": version_id,
                    "stage": stage,
                    "justification": justification,
                    "servingThreshold": threshold,
                },
                open_request,
                lambda found: approvals.get(session, principal, found),
            )
        return PromotionRequest.from_model(request)

    @strawberry.mutation(
        extensions=authenticated(),
        description="models:approve, never the requester. Approving promotes the version; "
        "rejecting needs a comment.",
    )
    async def decide_promotion(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        approve: bool,
        comment: str | None = None,
    ) -> PromotionRequest:
        request_id = parse_id(id, "Promotion request")
        async with info.context.session() as session:
            request = await approvals.decide(
                session,
                info.context.require_principal(),
                request_id,
                approve=approve,
                comment=comment,
            )
        return PromotionRequest.from_model(request)

    @strawberry.mutation(extensions=authenticated(), description="models:promote; the requester.")
    async def withdraw_promotion_request(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> PromotionRequest:
        request_id = parse_id(id, "Promotion request")
        async with info.context.session() as session:
            request = await approvals.withdraw(
                session, info.context.require_principal(), request_id
            )
        return PromotionRequest.from_model(request)


@strawberry.type
class ApprovalSubscription:
    @strawberry.subscription(
        extensions=authenticated(),
        description="models:read. Each request, decision, withdrawal and expiry in the "
        "tenant, with the pending count after it.",
    )
    async def promotion_requests(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[PromotionRequestEvent, None]:
        context = info.context
        stream_of = await approvals.open_stream(context.require_principal())
        async with stream_of as stream:
            async for event in checked_every(
                stream,
                settings.STREAM_REVALIDATE_SECONDS,
                lambda: context.revalidate(P.MODELS_READ),
            ):
                yield PromotionRequestEvent(
                    type=event.topic.removeprefix("approvals."),
                    request=PromotionRequest.from_payload(event.payload["request"]),
                    pending_count=int(event.payload["pendingCount"]),
                )
