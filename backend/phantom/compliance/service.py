"""Data subject requests: create, approve or reject (someone else: four eyes), execute.

An erasure crypto-shreds the person's audit key (their personal data in the log becomes
unreadable while the chain still verifies), deletes their sessions, API tokens, roles and
membership in this organization, deletes their user record when no other organization
has them, and reports what other domains hold about them (``hooks``). An access request
reports what we hold: the account, roles, and the audit events naming them, decrypted.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit import Actor, record
from phantom.audit.reading import DetailsState
from phantom.audit.service import subject_data
from phantom.authz.permissions import GOVERNANCE, P, permission_names
from phantom.authz.service import authz, requires, ungrantable
from phantom.compliance import repository as request_rows
from phantom.compliance.errors import CannotEraseYourself, FourEyesViolation, RequestNotInState
from phantom.compliance.hooks import find_references
from phantom.compliance.models import DataSubjectRequest, RequestKind, RequestStatus
from phantom.compliance.repository import ComplianceRepository
from phantom.db import transaction
from phantom.identity.members import members
from phantom.identity.principal import Principal
from phantom.identity.validation import clean_email
from phantom.kit import crypto
from phantom.kit.errors import BadUserInput, Forbidden, NotFound
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow

EMAIL_PURPOSE = "compliance-dsr-subject"
REPORT_PURPOSE = "compliance-dsr-report"


class ComplianceService:
    @requires(P.PRIVACY_REQUEST)
    async def create_request(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        kind: RequestKind,
        subject_email: str,
        reason: str,
    ) -> DataSubjectRequest:
        reason = reason.strip()
        if not 1 <= len(reason) <= 500:
            raise BadUserInput("Give the request's reason (1 to 500 characters).")
        email = clean_email(subject_email)
        found = await members.find_by_email(session, email)
        if found is None:
            raise NotFound("Member with that email")
        if kind == RequestKind.ERASURE:
            await _check_may_erase(session, principal, found.user.id)
        request = DataSubjectRequest(
            id=uuid.uuid4(),
            kind=kind.value,
            status=RequestStatus.PENDING.value,
            subject_id=found.user.id,
            reason=reason,
            requested_by=principal.user_id,
            updated_at=utcnow(),
        )
        request.tenant_id = principal.tenant_id
        request.subject_email_sealed = _seal(email.encode(), EMAIL_PURPOSE, request)
        await ComplianceRepository(session).add(request)
        await record(
            session,
            actor=Actor.from_principal(principal),
            action="compliance.request.created",
            resource=("data_subject_request", request.id),
            details={"kind": kind.value, "reason": reason},
            subjects={request.subject_id: {"email": email}},
        )
        return request

    @requires(P.PRIVACY_REQUEST)
    async def list_requests(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        status: RequestStatus | None = None,
    ) -> Page[DataSubjectRequest]:
        repo = ComplianceRepository(session)
        return await repo.page(repo.requests(status.value if status else None), page)

    @requires(P.PRIVACY_REQUEST)
    async def get_request(
        self, session: AsyncSession, principal: Principal, request_id: uuid.UUID
    ) -> DataSubjectRequest:
        return await ComplianceRepository(session).get(request_id)

    @requires(P.PRIVACY_APPROVE)
    async def decide(
        self,
        session: AsyncSession,
        principal: Principal,
        request_id: uuid.UUID,
        *,
        approve: bool,
        note: str | None = None,
    ) -> DataSubjectRequest:
        request = await ComplianceRepository(session).get(request_id, for_update=True)
        if request.status != RequestStatus.PENDING:
            raise RequestNotInState(request.status, RequestStatus.PENDING.value)
        if request.requested_by == principal.user_id:
            raise FourEyesViolation()
        if note is not None and len(note) > 500:
            raise BadUserInput("Notes are limited to 500 characters.")
        if approve and request.kind == RequestKind.ERASURE:
            await _check_may_erase(session, principal, request.subject_id)
        status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.status, request.decision_note = status.value, note
        request.decided_by, request.decided_at = principal.user_id, utcnow()
        request.updated_at = utcnow()
        await record(
            session,
            actor=Actor.from_principal(principal),
            action=f"compliance.request.{status.value}",
            resource=("data_subject_request", request.id),
            details={"kind": request.kind, "note": note},
        )
        return request

    @requires(P.PRIVACY_EXECUTE)
    async def execute(self, principal: Principal, request_id: uuid.UUID) -> DataSubjectRequest:
        """In the tenant's transaction, then (erasure) the global user row in a system
        transaction: other organizations' memberships are invisible to a tenant's."""
        async with transaction(principal.tenant_id) as session:
            request = await self._execute_in_tenant(session, principal, request_id)
        if request.kind != RequestKind.ERASURE:
            return request
        async with transaction(None) as session:
            deleted, others = await members.delete_user_if_orphaned(session, request.subject_id)
        outcome = (
            "deleted" if deleted else f"kept: still a member of {others} other organization(s)"
        )
        async with transaction(principal.tenant_id) as session:
            request = await self.get_request(session, principal, request_id)
            report = {**(self.report(request) or {}), "user_record": outcome}
            request.report_sealed = _seal(json.dumps(report).encode(), REPORT_PURPOSE, request)
        return request

    async def _execute_in_tenant(
        self, session: AsyncSession, principal: Principal, request_id: uuid.UUID
    ) -> DataSubjectRequest:
        request = await ComplianceRepository(session).get(request_id, for_update=True)
        if request.status != RequestStatus.APPROVED:
            raise RequestNotInState(request.status, RequestStatus.APPROVED.value)
        references = [r.to_json() for r in await find_references(session, request.subject_id)]
        if request.kind == RequestKind.ACCESS:
            report = await self._access_report(session, request, references)
        else:
            if request.subject_id == principal.user_id:
                raise CannotEraseYourself()
            # the subject may have gained powers since: the executor, the requester and the
            # approver must each still cover them
            await _check_may_erase(session, principal, request.subject_id)
            for who, user_id in (
                ("requested", request.requested_by),
                ("approved", request.decided_by),
            ):
                await _check_covers(session, request, user_id, who)
            report = await self._erase(session, request, references)
            request.subject_email_sealed = None
        request.status = RequestStatus.EXECUTED.value
        request.executed_by, request.executed_at = principal.user_id, utcnow()
        request.updated_at = utcnow()
        request.report_sealed = _seal(json.dumps(report).encode(), REPORT_PURPOSE, request)
        await record(
            session,
            actor=Actor.from_principal(principal),
            action="compliance.request.executed",
            resource=("data_subject_request", request.id),
            details=_summary(report),
            subjects=[request.subject_id],
        )
        return request

    async def _access_report(
        self, session: AsyncSession, request: DataSubjectRequest, references: list[Any]
    ) -> dict[str, Any]:
        found = await members.find(session, request.tenant_id, request.subject_id)
        total, events = await subject_data.events_naming(session, request.subject_id)
        subject = str(request.subject_id)
        return {
            "kind": request.kind,
            "account": None
            if found is None
            else {
                "email": found.user.email,
                "display_name": found.user.display_name,
                "created_at": found.user.created_at.isoformat(),
                "last_login_at": _iso(found.membership.last_login_at),
                "status": found.membership.status,
                "roles": found.roles,
            },
            "audit_events_naming_subject": total,
            "audit_events": [
                {
                    "seq": v.event.seq,
                    "occurred_at": v.event.occurred_at.isoformat(),
                    "action": v.event.action,
                    "personal_data": (v.details.personal or {}).get(subject)
                    if v.details.state == DetailsState.AVAILABLE
                    else None,
                }
                for v in events
            ],
            "references": references,
        }

    async def _erase(
        self, session: AsyncSession, request: DataSubjectRequest, references: list[Any]
    ) -> dict[str, Any]:
        tenant_id, user_id = request.tenant_id, request.subject_id
        removed = await members.erase(session, tenant_id, user_id)
        total, _ = await subject_data.events_naming(session, user_id, limit=1)
        shredded = await subject_data.shred(session, user_id)
        return {
            "kind": request.kind,
            **removed,
            "audit_subject_key_destroyed": shredded,
            "audit_events_naming_subject": total,
            "references": references,
            "user_record": "pending",
        }

    def subject_email(self, request: DataSubjectRequest) -> str | None:
        if request.subject_email_sealed is None:
            return None
        return _unseal(request.subject_email_sealed, EMAIL_PURPOSE, request).decode()

    def report(self, request: DataSubjectRequest) -> dict[str, Any] | None:
        if request.report_sealed is None:
            return None
        value: dict[str, Any] = json.loads(_unseal(request.report_sealed, REPORT_PURPOSE, request))
        return value


async def _check_may_erase(
    session: AsyncSession, principal: Principal, subject_id: uuid.UUID
) -> None:
    """An erasure removes the subject from the organization: whoever requests, approves
    or executes it must hold (with this credential) every governance permission the
    subject holds, so no one is removed by people with less power than them."""
    held = await authz.stored_permissions(session, principal.tenant_id, subject_id)
    missing = await ungrantable(principal, held & GOVERNANCE)
    if missing:
        names = permission_names(missing)
        raise Forbidden(
            "This erasure would remove a member who holds permissions you lack: "
            f"{names}. Someone who holds them (for example an owner) must handle it."
        )


async def _check_covers(
    session: AsyncSession, request: DataSubjectRequest, user_id: uuid.UUID | None, who: str
) -> None:
    """The same rule for the requester and the approver, with their roles as they are now."""
    if user_id is None:
        return
    tenant_id = request.tenant_id
    subject = await authz.stored_permissions(session, tenant_id, request.subject_id)
    missing = (subject & GOVERNANCE) - await authz.stored_permissions(session, tenant_id, user_id)
    if missing:
        names = permission_names(missing)
        raise Forbidden(
            f"The person who {who} this erasure lacks permissions the member now holds: "
            f"{names}. File a new request, approved by people who hold them."
        )


def _aad(request: DataSubjectRequest) -> bytes:
    return request.tenant_id.bytes + request.id.bytes


def _seal(data: bytes, purpose: str, request: DataSubjectRequest) -> bytes:
    return crypto.seal(data, purpose=purpose, aad=_aad(request))


def _unseal(data: bytes, purpose: str, request: DataSubjectRequest) -> bytes:
    return crypto.unseal(data, purpose=purpose, aad=_aad(request))


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    """What the execution event records: counts and references, no personal data."""
    return {k: v for k, v in report.items() if k not in ("account", "audit_events")}


compliance = ComplianceService()


# --- for the overviews (phantom.overview), which check their own permission first ---


async def open_requests(session: AsyncSession) -> list[DataSubjectRequest]:
    """Data subject requests not yet closed, oldest first."""
    return await request_rows.open_requests(session)
