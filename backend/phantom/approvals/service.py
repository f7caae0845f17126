"""Four-eyes promotion. A tenant's policy says which stages need a second person's
approval; there, a direct ``promoteModelVersion`` is refused (the registry asks
``_gate``), ``request`` opens a request, and ``decide`` by someone else holding
``models:approve`` promotes through the registry in the same transaction, or rejects.
Requests expire (``expire_due``, from housekeeping). Every change is audited and
published on the tenant's ``approvals.*`` stream with the count of pending requests."""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.approvals import repository as request_rows
from phantom.approvals.errors import ApprovalRequired, Expired, NotPending, NotRequester, OwnRequest
from phantom.approvals.models import PromotionPolicy, PromotionRequest, PromotionStatus
from phantom.approvals.repository import PolicyRepository, RequestRepository
from phantom.authz.permissions import P
from phantom.authz.service import can, requires
from phantom.config import settings
from phantom.identity.principal import Principal
from phantom.kit.errors import BadUserInput, Conflict
from phantom.kit.events import Event, get_event_bus, publish_on_commit
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow
from phantom.registry.service import registry, set_promotion_gate, set_threshold_guard

MAX_JUSTIFICATION = 2000
MAX_COMMENT = 1000
MAX_TTL_HOURS = 24 * 90
PRODUCTION, STAGING = "PRODUCTION", "STAGING"  # the registry's stages that can be asked for
REQUESTABLE = (STAGING, PRODUCTION)
TOPICS = {
    PromotionStatus.PENDING: "approvals.promotion.requested",
    PromotionStatus.APPROVED: "approvals.promotion.approved",
    PromotionStatus.REJECTED: "approvals.promotion.rejected",
    PromotionStatus.WITHDRAWN: "approvals.promotion.withdrawn",
    PromotionStatus.EXPIRED: "approvals.promotion.expired",
}
AUDIT_ACTIONS = {
    PromotionStatus.PENDING: "registry.promotion.requested",
    PromotionStatus.APPROVED: "registry.promotion.approved",
    PromotionStatus.REJECTED: "registry.promotion.rejected",
    PromotionStatus.WITHDRAWN: "registry.promotion.withdrawn",
    PromotionStatus.EXPIRED: "registry.promotion.expired",
}
SYSTEM_ACTOR = "approvals.housekeeping"


@dataclass(frozen=True, slots=True)
class Policy:
    production_requires_approval: bool
    staging_requires_approval: bool
    request_ttl_hours: int
    is_default: bool  # the tenant has not set one
    updated_at: datetime | None = None

    def requires_approval(self, stage: str) -> bool:
        if stage == PRODUCTION:
            return self.production_requires_approval
        if stage == STAGING:
            return self.staging_requires_approval
        return False  # archiving takes a model out of service: never held back


def default_policy() -> Policy:
    return Policy(True, False, settings.PROMOTION_REQUEST_TTL_HOURS, is_default=True)


def _policy(row: PromotionPolicy | None) -> Policy:
    if row is None:
        return default_policy()
    return Policy(
        row.production_requires_approval,
        row.staging_requires_approval,
        row.request_ttl_hours,
        is_default=False,
        updated_at=row.updated_at,
    )


def clean_text(value: str | None, *, what: str, limit: int, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise BadUserInput(f"Give a {what} (1 to {limit} characters).")
        return None
    if len(text) > limit:
        raise BadUserInput(f"A {what} is at most {limit} characters; got {len(text)}.")
    if not all(ch in "\n\t" or ch.isprintable() for ch in text):
        raise BadUserInput(f"A {what} must not contain control characters.")
    return text


def is_expired(request: PromotionRequest, now: datetime | None = None) -> bool:
    return request.expires_at <= (now or utcnow())


def request_payload(request: PromotionRequest, model_name: str, version: int) -> dict[str, Any]:
    """A request as the tenant's stream carries it (camelCase, ISO times, user ids)."""

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return {
        "id": str(request.id),
        "modelVersionId": str(request.model_version_id),
        "modelName": model_name,
        "version": version,
        "stage": request.stage,
        "justification": request.justification,
        "status": request.status,
        "requestedById": str(request.requested_by),
        "requestedAt": iso(request.requested_at),
        "expiresAt": iso(request.expires_at),
        "decidedById": str(request.decided_by) if request.decided_by else None,
        "decidedAt": iso(request.decided_at),
        "comment": request.comment,
        "reportId": str(request.report_id) if request.report_id else None,
        "reportSha256": request.report_sha256,
        "servingThreshold": request.serving_threshold,
    }


def _check_threshold(threshold: float, task_type: str) -> float:
    if task_type != "BINARY":
        raise BadUserInput(
            f"servingThreshold applies to binary classifiers only; this version is {task_type}."
        )
    if not math.isfinite(threshold) or not 0 <= threshold <= 1:
        raise BadUserInput("servingThreshold is a probability: between 0 and 1.")
    return float(threshold)


async def _gate(session: AsyncSession, stage: str) -> None:
    """The registry's check before a direct promotion."""
    policy = _policy(await PolicyRepository(session).current())
    if policy.requires_approval(stage):
        raise ApprovalRequired(stage)


set_promotion_gate(_gate)


async def _threshold_guard(session: AsyncSession, version_id: uuid.UUID, advice: str) -> None:
    """The registry's check before a threshold change, direct or approved (finding W6-1):
    while a request to move the version waits, its threshold is part of what the approver
    is asked to approve, so a change then would be promoted with nobody's approval.
    ``advice``: what the caller can do instead, ending the CONFLICT's message."""
    repo, now = RequestRepository(session), utcnow()
    for stage in REQUESTABLE:
        waiting = await repo.pending(version_id, stage)
        if waiting is not None and not is_expired(waiting, now):
            raise Conflict(
                f"A request to move this version to {stage} is pending (request "
                f"{waiting.id}), and its approver decides on the threshold served now: "
                f"{advice}"
            )


set_threshold_guard(_threshold_guard)


class ApprovalService:
    # --- the policy ------------------------------------------------------------------

    @requires(P.MODELS_READ)
    async def policy(self, session: AsyncSession, principal: Principal) -> Policy:
        return _policy(await PolicyRepository(session).current())

    @requires(P.PROMOTION_POLICY_MANAGE)
    async def set_policy(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        production_requires_approval: bool,
        staging_requires_approval: bool,
        request_ttl_hours: int | None,
    ) -> Policy:
        """``request_ttl_hours`` None: the deployment's default. Requests already open keep
        the expiry they were given."""
        default = settings.PROMOTION_REQUEST_TTL_HOURS
        ttl = default if request_ttl_hours is None else request_ttl_hours
        if not 1 <= ttl <= MAX_TTL_HOURS:
            raise BadUserInput(f"Requests last 1 to {MAX_TTL_HOURS} hours; got {ttl}.")
        repo = PolicyRepository(session)
        row = await repo.current(for_update=True)
        before = _policy(row)
        if row is None:
            row = PromotionPolicy(
                production_requires_approval=production_requires_approval,
                staging_requires_approval=staging_requires_approval,
                request_ttl_hours=ttl,
                updated_at=utcnow(),
            )
            await repo.add(row)
        row.production_requires_approval = production_requires_approval
        row.staging_requires_approval = staging_requires_approval
        row.request_ttl_hours = ttl
        row.updated_at, row.updated_by = utcnow(), principal.user_id
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="registry.promotion.policy_set",
            resource=("promotion_policy", row.id),
            details={
                "production_requires_approval": production_requires_approval,
                "staging_requires_approval": staging_requires_approval,
                "request_ttl_hours": ttl,
                "previous": {
                    "production_requires_approval": before.production_requires_approval,
                    "staging_requires_approval": before.staging_requires_approval,
                    "request_ttl_hours": before.request_ttl_hours,
                    "default": before.is_default,
                },
            },
        )
        return _policy(row)

    # --- requests --------------------------------------------------------------------

    @requires(P.MODELS_PROMOTE)
    async def request(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        stage: str,
        justification: str,
        report: tuple[uuid.UUID, str] | None = None,
        serving_threshold: float | None = None,
    ) -> PromotionRequest:
        """``report``: the newest model report of the version (id, PDF SHA-256), which
        the approver is shown and the request keeps. ``serving_threshold``: a binary
        classifier's threshold to serve once approved; asked for the stage the version is
        already in, the request changes only the threshold (finding W4-4)."""
        version = await registry.servable(session, version_id)  # NotFound: another tenant's
        if stage not in REQUESTABLE:
            raise BadUserInput("Request STAGING or PRODUCTION (archiving needs no approval).")
        text = clean_text(
            justification, what="justification", limit=MAX_JUSTIFICATION, required=True
        )
        if serving_threshold is not None:
            serving_threshold = _check_threshold(serving_threshold, version.task_type)
        repo = RequestRepository(session)
        now = utcnow()
        open_request = await repo.pending(version_id, stage, for_update=True)
        # then the version's row, as ``decide`` locks a request's then its version's: a
        # threshold change (which locks the version, then looks for pending requests) made
        # meanwhile waits for this request and is refused; one made before is what this
        # request is about (the race left by finding W6-1's fix)
        version = await registry.servable(session, version_id, for_update=True)
        if open_request is None:  # one opened (and committed) while this call waited
            opened = await repo.pending(version_id, stage)
            if opened is not None:
                raise Conflict(
                    f"A promotion of this version to {stage} was just requested (request "
                    f"{opened.id}); withdraw it or wait for its decision."
                )
        if version.stage == stage and serving_threshold is None:
            raise Conflict(
                f"This version is already in {stage}; to change the threshold it serves "
                "there, give servingThreshold."
            )
        if version.stage == stage and serving_threshold == version.threshold:
            raise Conflict(f"This version already serves the threshold {serving_threshold}.")
        if open_request is not None and is_expired(open_request, now):
            await self._expire(session, open_request)  # its slot frees for this one
            open_request = None
        if open_request is not None:
            raise Conflict(
                f"A promotion of this version to {stage} is already pending (request "
                f"{open_request.id}); withdraw it or wait for its decision."
            )
        policy = _policy(await PolicyRepository(session).current())
        request = await repo.add(
            PromotionRequest(
                model_version_id=version_id,
                stage=stage,
                justification=text,
                status=PromotionStatus.PENDING.value,
                requested_by=principal.user_id,
                requested_at=now,
                expires_at=now + timedelta(hours=policy.request_ttl_hours),
                report_id=report[0] if report else None,
                report_sha256=report[1] if report else None,
                serving_threshold=serving_threshold,
            )
        )
        await self._changed(session, audit.Actor.from_principal(principal), request, None)
        return request

    @requires(P.MODELS_APPROVE)
    async def decide(
        self,
        session: AsyncSession,
        principal: Principal,
        request_id: uuid.UUID,
        *,
        approve: bool,
        comment: str | None,
    ) -> PromotionRequest:
        """Approve (the version moves to the stage, in this transaction) or reject (it
        stays; a rejection says why)."""
        request = await RequestRepository(session).get(request_id, for_update=True)
        if request.requested_by == principal.user_id:
            raise OwnRequest()
        self._check_open(request)
        text = clean_text(comment, what="comment", limit=MAX_COMMENT, required=not approve)
        status = PromotionStatus.APPROVED if approve else PromotionStatus.REJECTED
        request.status = status.value
        request.decided_by, request.decided_at = principal.user_id, utcnow()
        request.comment = text
        await session.flush()
        if approve:
            await registry.promote_approved(
                session,
                principal,
                request.model_version_id,
                request.stage,
                request.id,
                request.requested_at,
                request.serving_threshold,
            )
        await self._changed(session, audit.Actor.from_principal(principal), request, text)
        return request

    @requires(P.MODELS_PROMOTE)
    async def withdraw(
        self, session: AsyncSession, principal: Principal, request_id: uuid.UUID
    ) -> PromotionRequest:
        request = await RequestRepository(session).get(request_id, for_update=True)
        if request.requested_by != principal.user_id:
            raise NotRequester()
        self._check_open(request)
        request.status = PromotionStatus.WITHDRAWN.value
        request.decided_at = utcnow()
        await session.flush()
        await self._changed(session, audit.Actor.from_principal(principal), request, None)
        return request

    async def expire_due(self, session: AsyncSession, now: datetime | None = None) -> int:
        """Mark the tenant's pending requests past their expiry EXPIRED, audited as the
        system (housekeeping)."""
        due = await RequestRepository(session).due_to_expire(now or utcnow())
        for request in due:
            await self._expire(session, request)
        return len(due)

    # --- reading ---------------------------------------------------------------------

    @requires(P.MODELS_READ)
    async def get(
        self, session: AsyncSession, principal: Principal, request_id: uuid.UUID
    ) -> PromotionRequest:
        return await RequestRepository(session).get(request_id)

    @requires(P.MODELS_READ)
    async def list_requests(
        self,
        session: AsyncSession,
        principal: Principal,
        status: PromotionStatus | None,
        page: PageRequest,
    ) -> Page[PromotionRequest]:
        repo = RequestRepository(session)
        return await repo.page(repo.listing(status.value if status else None), page)

    @requires(P.MODELS_READ)
    async def of_versions(
        self, session: AsyncSession, principal: Principal, version_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, list[PromotionRequest]]:
        """Each version's history, newest first (one query for a page of versions)."""
        found: dict[uuid.UUID, list[PromotionRequest]] = {v: [] for v in version_ids}
        for request in await RequestRepository(session).of_versions(version_ids):
            found[request.model_version_id].append(request)
        return found

    @requires(P.MODELS_READ)
    async def labels(
        self, session: AsyncSession, principal: Principal, version_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[str, int]]:
        return await registry.labels(session, version_ids)

    @requires(P.MODELS_READ)
    async def pending_count(self, session: AsyncSession, principal: Principal) -> int:
        return await RequestRepository(session).count_pending(utcnow())

    async def can_decide(
        self, principal: Principal, status: str, expires_at: datetime, requested_by: uuid.UUID
    ) -> bool:
        """What the SPA offers: pending, not expired, not the viewer's own, and the
        viewer holds models:approve."""
        return (
            status == PromotionStatus.PENDING.value
            and expires_at > utcnow()
            and requested_by != principal.user_id
            and await can(principal, P.MODELS_APPROVE)
        )

    @requires(P.MODELS_READ)
    async def open_stream(
        self, principal: Principal
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        return get_event_bus().subscribe(principal.tenant_id, set(TOPICS.values()))

    # --- shared ----------------------------------------------------------------------

    def _check_open(self, request: PromotionRequest) -> None:
        if request.status != PromotionStatus.PENDING.value:
            raise NotPending(request.status)
        if is_expired(request):
            raise Expired()

    async def _expire(self, session: AsyncSession, request: PromotionRequest) -> None:
        request.status = PromotionStatus.EXPIRED.value
        await session.flush()
        await self._changed(session, audit.Actor.system(SYSTEM_ACTOR), request, None)

    async def _changed(
        self,
        session: AsyncSession,
        actor: audit.Actor,
        request: PromotionRequest,
        comment: str | None,
    ) -> None:
        """The audit event and the stream event (after commit) of one change."""
        status = PromotionStatus(request.status)
        model_name, version = (await registry.labels(session, {request.model_version_id}))[
            request.model_version_id
        ]
        details: dict[str, Any] = {
            "model": model_name,
            "version": version,
            "model_version_id": str(request.model_version_id),
            "stage": request.stage,
            "requested_by": str(request.requested_by),
        }
        if status == PromotionStatus.PENDING:
            details["justification"] = request.justification
            details["expires_at"] = request.expires_at.isoformat()
            details["report_sha256"] = request.report_sha256
        if comment is not None:
            details["comment"] = comment
        await audit.record(
            session,
            actor=actor,
            action=AUDIT_ACTIONS[status],
            resource=("promotion_request", request.id),
            details=details,
        )
        pending = await RequestRepository(session).count_pending(utcnow())
        publish_on_commit(
            session,
            request.tenant_id,
            TOPICS[status],
            {"request": request_payload(request, model_name, version), "pendingCount": pending},
        )


approvals = ApprovalService()


# --- for the overviews (phantom.overview), which check their own permission first ---


async def pending_summary(session: AsyncSession) -> tuple[int, datetime | None]:
    """Requests waiting for a decision, and when the oldest was made."""
    return await request_rows.pending_summary(session)


async def pending_version_ids(session: AsyncSession) -> set[uuid.UUID]:
    """Versions with a request waiting for a decision."""
    return await request_rows.pending_version_ids(session)


async def last_approved(
    session: AsyncSession, version_ids: set[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When each of these versions was last approved (absent: never)."""
    return await request_rows.last_approved(session, version_ids)
