"""Data subject requests: create, approve or reject (someone else: four eyes), execute.

A request names its subject either as a platform member (their email) or as a customer
identifier (a column and a value, e.g. ``customer_id = C-10023``): the rows holding it in
the tenant's datasets and prediction log are found by the sources those domains register
(``hooks``), listed in the access report, and removed by an erasure (new dataset
versions, rewritten log batches; the models trained on the old versions are listed for
retraining).

An erasure crypto-shreds the person's audit key (their personal data in the log becomes
unreadable while the chain still verifies), deletes their sessions, API tokens, roles and
membership in this organization, deletes their user record when no other organization
has them, and reports what other domains hold about them (``hooks``). An access request
reports what we hold: the account, roles, and the audit events naming them, decrypted.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit import Actor, record
from phantom.audit.reading import DetailsState
from phantom.audit.service import subject_data
from phantom.authz.permissions import GOVERNANCE, P, permission_names
from phantom.authz.service import authz, can, requires, ungrantable
from phantom.compliance import repository as request_rows
from phantom.compliance.errors import CannotEraseYourself, FourEyesViolation, RequestNotInState
from phantom.compliance.hooks import (
    Identifier,
    IdentifierErased,
    IdentifierMatch,
    erase_identifier,
    find_identifier,
    find_references,
)
from phantom.compliance.models import DataSubjectRequest, RequestKind, RequestStatus, SubjectKind
from phantom.compliance.repository import ComplianceRepository
from phantom.db import transaction
from phantom.identity.members import members
from phantom.identity.principal import Principal
from phantom.identity.validation import clean_email
from phantom.kit import crypto
from phantom.kit.errors import BadUserInput, Forbidden, NotFound
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rowfilter import comparable
from phantom.kit.rows import utcnow
from phantom.registry.service import registry

EMAIL_PURPOSE = "compliance-dsr-subject"
IDENTIFIER_PURPOSE = "compliance-dsr-identifier"
REPORT_PURPOSE = "compliance-dsr-report"
MAX_COLUMN = 200
MAX_VALUE = 1_000
REPORT_FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A request's report rendered for download."""

    request_id: uuid.UUID
    kind: str  # json | csv
    content: bytes
    sha256: str

    @property
    def file_name(self) -> str:
        return f"data-subject-request-{str(self.request_id)[:8]}-report.{self.kind}"


def clean_identifier(column: str | None, value: str | None) -> Identifier:
    """A column name and a value, trimmed and bounded, with no control characters (they
    would hide in a report or a CSV cell)."""
    column = (column or "").strip()
    value = (value or "").strip()
    if not column:
        raise BadUserInput("Give the column that holds the identifier (e.g. customer_id).")
    if len(column) > MAX_COLUMN:
        raise BadUserInput(f"The column name is {len(column)} characters; at most {MAX_COLUMN}.")
    if not value:
        raise BadUserInput("Give the identifier's value (e.g. C-10023); it cannot be empty.")
    if len(value) > MAX_VALUE:
        raise BadUserInput(f"The value is {len(value):,} characters; at most {MAX_VALUE:,}.")
    for text, what in ((column, "column name"), (value, "value")):
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
            raise BadUserInput(f"The {what} contains control characters; type it again.")
    return Identifier(column=column, value=value)


class ComplianceService:
    @requires(P.PRIVACY_REQUEST)
    async def create_request(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        kind: RequestKind,
        reason: str,
        subject_email: str | None = None,
        identifier_column: str | None = None,
        identifier_value: str | None = None,
    ) -> DataSubjectRequest:
        """The subject is a member (``subject_email``) or a customer identifier (column
        and value), never both. A customer's rows are searched for at once, so the
        request shows what it would touch before anyone approves it."""
        reason = reason.strip()
        if not 1 <= len(reason) <= 500:
            raise BadUserInput("Give the request's reason (1 to 500 characters).")
        by_identifier = identifier_column is not None or identifier_value is not None
        if by_identifier and subject_email is not None:
            raise BadUserInput(
                "Name the subject either by a member's email or by a customer identifier "
                "(column and value), not both."
            )
        if not by_identifier and subject_email is None:
            raise BadUserInput(
                "Name the subject: a member's email, or a customer identifier (column and value)."
            )
        if by_identifier:
            await _check_may_search(principal)
            return await self._create_for_identifier(
                session,
                principal,
                kind,
                reason,
                clean_identifier(identifier_column, identifier_value),
            )
        email = clean_email(subject_email or "")
        found = await members.find_by_email(session, email)
        if found is None:
            raise NotFound(
                "Member with that email (for a customer who is not a platform user, name "
                "them by a customer identifier: a column and a value)"
            )
        if kind == RequestKind.ERASURE:
            await _check_may_erase(session, principal, found.user.id)
        request = DataSubjectRequest(
            id=uuid.uuid4(),
            kind=kind.value,
            status=RequestStatus.PENDING.value,
            subject_id=found.user.id,
            subject_kind=SubjectKind.MEMBER.value,
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

    async def _create_for_identifier(
        self,
        session: AsyncSession,
        principal: Principal,
        kind: RequestKind,
        reason: str,
        identifier: Identifier,
    ) -> DataSubjectRequest:
        # a random subject id keys the customer's personal data in the audit log: an
        # erasure destroys that key, so the value becomes unreadable in the chain too
        request = DataSubjectRequest(
            id=uuid.uuid4(),
            kind=kind.value,
            status=RequestStatus.PENDING.value,
            subject_id=uuid.uuid4(),
            subject_kind=SubjectKind.IDENTIFIER.value,
            identifier_column=identifier.column,
            reason=reason,
            requested_by=principal.user_id,
            updated_at=utcnow(),
        )
        request.tenant_id = principal.tenant_id
        request.identifier_sealed = _seal(identifier.value.encode(), IDENTIFIER_PURPOSE, request)
        found = await find_identifier(session, identifier)
        request.matches = await _matches_summary(session, found)
        await ComplianceRepository(session).add(request)
        await record(
            session,
            actor=Actor.from_principal(principal),
            action="compliance.request.created",
            resource=("data_subject_request", request.id),
            details={
                "kind": kind.value,
                "reason": reason,
                "subject_kind": SubjectKind.IDENTIFIER.value,
                "identifier_column": identifier.column,
                "matching_datasets": len(request.matches["datasets"]),
                "matching_prediction_rows": request.matches["prediction_rows"],
            },
            subjects={request.subject_id: {"column": identifier.column, "value": identifier.value}},
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
        if approve and request.kind == RequestKind.ERASURE and _is_member(request):
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
        if request.kind != RequestKind.ERASURE or not _is_member(request):
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
        if not _is_member(request):
            report = await self._execute_identifier(session, request)
        else:
            report = await self._execute_member(session, principal, request)
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

    async def _execute_member(
        self, session: AsyncSession, principal: Principal, request: DataSubjectRequest
    ) -> dict[str, Any]:
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
            report["earlier_requests_erased"] = await self._forget_member_requests(session, request)
        return report

    async def _forget_member_requests(
        self, session: AsyncSession, request: DataSubjectRequest
    ) -> list[str]:
        """Other requests about the erased member keep nothing readable: their email is
        cleared and an access report (account, roles, the personal data of their audit
        events) is replaced by a note naming this erasure. Their ids, for the report."""
        forgotten: list[str] = []
        repo = ComplianceRepository(session)
        for other in await repo.other_requests_about(request.subject_id, request.id):
            if other.subject_email_sealed is None and other.report_sealed is None:
                continue
            other.subject_email_sealed = None
            if other.report_sealed is not None:
                note = {"kind": other.kind, "erased_by_request": str(request.id)}
                other.report_sealed = _seal(json.dumps(note).encode(), REPORT_PURPOSE, other)
            other.updated_at = utcnow()
            forgotten.append(str(other.id))
        return forgotten

    async def _execute_identifier(
        self, session: AsyncSession, request: DataSubjectRequest
    ) -> dict[str, Any]:
        """Access: every row found, with its values. Erasure: the rows removed (counts and
        where, never the values: the report must not keep what was erased), the models
        to retrain, and the customer's audit key destroyed."""
        identifier = self.identifier(request)
        if identifier is None:  # cleared only by an executed erasure
            raise RequestNotInState(request.status, RequestStatus.APPROVED.value)
        found = await find_identifier(session, identifier)
        request.matches = await _matches_summary(session, found)
        if request.kind == RequestKind.ACCESS:
            return {
                "kind": request.kind,
                "subject_kind": SubjectKind.IDENTIFIER.value,
                "identifier": {"column": identifier.column, "value": identifier.value},
                "datasets": [_match_json(m) for m in found if m.kind == "dataset"],
                "prediction_log": [_match_json(m) for m in found if m.kind != "dataset"],
                "models_trained_on_these_datasets": request.matches["models_to_retrain"],
            }
        erased = await erase_identifier(session, identifier, request.id)
        shredded = await subject_data.shred(session, request.subject_id)
        request.identifier_sealed = None
        earlier = await self._forget_earlier_requests(session, request, identifier)
        return {
            "kind": request.kind,
            "subject_kind": SubjectKind.IDENTIFIER.value,
            "identifier": {"column": identifier.column},
            "datasets": [_erased_json(e) for e in erased if e.kind == "dataset"],
            "prediction_log": [_erased_json(e) for e in erased if e.kind != "dataset"],
            "rows_removed": sum(e.rows_removed for e in erased),
            "models_to_retrain": request.matches["models_to_retrain"],
            "audit_subject_key_destroyed": shredded,
            "earlier_requests_erased": earlier,
        }

    async def _forget_earlier_requests(
        self, session: AsyncSession, request: DataSubjectRequest, identifier: Identifier
    ) -> list[str]:
        """Other requests naming the same customer (same column and value, as the search
        compares them) keep nothing readable: their identifier is cleared, an access
        report (every row, with its values) is replaced by a note naming this erasure,
        and their audit subject key is destroyed (each request keys the value it logged
        under a subject id of its own). Their ids, for the report."""
        wanted = comparable(identifier.value)
        forgotten: list[str] = []
        for other in await ComplianceRepository(session).other_identifier_requests(request.id):
            named = self.identifier(other)
            if named is None or not identifier.matches_column(named.column):
                continue
            if comparable(named.value) != wanted:
                continue
            other.identifier_sealed = None
            if other.report_sealed is not None:
                note = {
                    "kind": other.kind,
                    "subject_kind": SubjectKind.IDENTIFIER.value,
                    "identifier": {"column": other.identifier_column},
                    "erased_by_request": str(request.id),
                }
                other.report_sealed = _seal(json.dumps(note).encode(), REPORT_PURPOSE, other)
            other.updated_at = utcnow()
            await subject_data.shred(session, other.subject_id)
            forgotten.append(str(other.id))
        return forgotten

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

    @requires(P.PRIVACY_REQUEST)
    async def report_file(
        self, session: AsyncSession, principal: Principal, request_id: uuid.UUID, kind: str
    ) -> ReportFile:
        """The executed request's report as a file (JSON or CSV), the download audited
        with its SHA-256. Another tenant's request is ``NotFound`` like an unknown one."""
        if kind not in REPORT_FORMATS:
            raise NotFound("Report format")
        request = await ComplianceRepository(session).get(request_id)
        report = self.report(request)
        if report is None:
            raise NotFound(
                "Report of this data subject request (it is written when the request is executed)"
            )
        document = {
            "request": {
                "id": str(request.id),
                "kind": request.kind,
                "status": request.status,
                "subject_kind": request.subject_kind,
                "created_at": request.created_at.isoformat(),
                "executed_at": _iso(request.executed_at),
            },
            "report": report,
        }
        content = await asyncio.to_thread(_render, document, kind)
        digest = f"sha256:{hashlib.sha256(content).hexdigest()}"
        await record(
            session,
            actor=Actor.from_principal(principal),
            action="compliance.report.downloaded",
            resource=("data_subject_request", request.id),
            details={"format": kind, "sha256": digest, "bytes": len(content)},
        )
        return ReportFile(request.id, kind, content, digest)

    def identifier(self, request: DataSubjectRequest) -> Identifier | None:
        """The customer identifier; None for a member, or once an erasure cleared it."""
        if request.identifier_sealed is None or request.identifier_column is None:
            return None
        value = _unseal(request.identifier_sealed, IDENTIFIER_PURPOSE, request).decode()
        return Identifier(column=request.identifier_column, value=value)

    def subject_email(self, request: DataSubjectRequest) -> str | None:
        if request.subject_email_sealed is None:
            return None
        return _unseal(request.subject_email_sealed, EMAIL_PURPOSE, request).decode()

    def report(self, request: DataSubjectRequest) -> dict[str, Any] | None:
        if request.report_sealed is None:
            return None
        value: dict[str, Any] = json.loads(_unseal(request.report_sealed, REPORT_PURPOSE, request))
        return value


async def _check_may_search(principal: Principal) -> None:
    """Naming a customer searches every dataset and the prediction log, and the request
    shows which datasets and models hold the value: whoever asks must be allowed to see
    those (finding W4-6: privacy:request alone was an oracle over the data)."""
    missing = [p.value for p in (P.DATASETS_READ, P.MODELS_READ) if not await can(principal, p)]
    if missing:
        raise Forbidden(
            "Naming a customer searches every dataset and the prediction log, so it also "
            f"needs {' and '.join(missing)}."
        )


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
    """What the execution event records: counts and references, no personal data (a
    customer's rows and identifier value stay in the sealed report)."""
    if report.get("subject_kind") != SubjectKind.IDENTIFIER.value:
        return {k: v for k, v in report.items() if k not in ("account", "audit_events")}
    return {
        "kind": report["kind"],
        "subject_kind": report["subject_kind"],
        "identifier_column": report["identifier"]["column"],
        "datasets": [
            {k: d.get(k) for k in ("id", "name", "row_count", "rows_removed", "new_dataset_id")}
            for d in report["datasets"]
        ],
        "prediction_batches": [
            {k: b.get(k) for k in ("id", "model", "version", "row_count", "rows_removed")}
            for b in report["prediction_log"]
        ],
        "rows_removed": report.get("rows_removed"),
        "models_to_retrain": report.get("models_to_retrain"),
        "earlier_requests_erased": report.get("earlier_requests_erased"),
    }


def _is_member(request: DataSubjectRequest) -> bool:
    return request.subject_kind != SubjectKind.IDENTIFIER.value


def _match_json(match: IdentifierMatch) -> dict[str, Any]:
    return {"id": match.id, **match.facts, "row_count": match.row_count, "rows": match.rows}


def _erased_json(erased: IdentifierErased) -> dict[str, Any]:
    return {"id": erased.id, **erased.facts, "rows_removed": erased.rows_removed}


async def _matches_summary(session: AsyncSession, found: list[IdentifierMatch]) -> dict[str, Any]:
    """What a search found, without any value (kept in clear on the request): datasets
    and row counts, prediction rows per model version, the model versions trained on the
    matching datasets (to retrain after an erasure)."""
    datasets = [
        {
            "id": m.id,
            "name": m.facts.get("name"),
            "version_number": m.facts.get("version_number"),
            "rows": m.row_count,
        }
        for m in found
        if m.kind == "dataset"
    ]
    versions: dict[str, dict[str, Any]] = {}
    batches = 0
    for m in found:
        if m.kind == "dataset":
            continue
        batches += 1
        key = str(m.facts.get("model_version_id"))
        entry = versions.setdefault(
            key,
            {
                "model": m.facts.get("model"),
                "version": m.facts.get("version"),
                "model_version_id": key,
                "rows": 0,
            },
        )
        entry["rows"] += m.row_count
    retrain = await registry.trained_on(
        session, {uuid.UUID(m.id) for m in found if m.kind == "dataset"}
    )
    return {
        "searched_at": utcnow().isoformat(),
        "datasets": datasets,
        "prediction_batches": batches,
        "prediction_rows": sum(v["rows"] for v in versions.values()),
        "model_versions": list(versions.values()),
        "models_to_retrain": retrain,
    }


# --- report files ------------------------------------------------------------------------

CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["section", "source", "source_id", "version", "row", "time", "field", "value"]


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a leading =, +, -, @, tab or CR (a formula
    to Excel and LibreOffice) gets a leading apostrophe (OWASP's CSV injection advice)."""
    text = (
        ""
        if value is None
        else value
        if isinstance(value, str)
        else json.dumps(value, ensure_ascii=False)
    )
    return "'" + text if text.startswith(CSV_FORMULA_PREFIXES) else text


def _render(document: dict[str, Any], kind: str) -> bytes:
    if kind == "json":
        return json.dumps(document, indent=2, ensure_ascii=False).encode()
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _csv_rows(document["report"]):
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + sink.getvalue()).encode()  # the BOM: Excel reads UTF-8


def _csv_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One line per value: a matching row's cells, a logged prediction's inputs and
    output, what an erasure removed, the models to retrain; a member's report as
    field/value lines."""
    rows: list[list[Any]] = []
    if report.get("subject_kind") != SubjectKind.IDENTIFIER.value:
        for key, value in report.items():
            if isinstance(value, list):
                for index, item in enumerate(value):
                    rows.append([key, "", "", "", index, "", "", item])
            elif isinstance(value, dict):
                for field, inner in value.items():
                    rows.append([key, "", "", "", "", "", field, inner])
            else:
                rows.append(["summary", "", "", "", "", "", key, value])
        return rows
    identifier = report.get("identifier", {})
    rows.append(["identifier", "", "", "", "", "", "column", identifier.get("column")])
    if "value" in identifier:
        rows.append(["identifier", "", "", "", "", "", "value", identifier["value"]])
    for dataset in report.get("datasets", []):
        name, did, version = dataset.get("name"), dataset.get("id"), dataset.get("version_number")
        if "rows_removed" in dataset:
            rows.append(
                ["dataset", name, did, version, "", "", "rows_removed", dataset["rows_removed"]]
            )
            rows.append(
                [
                    "dataset",
                    name,
                    did,
                    version,
                    "",
                    "",
                    "new_dataset_id",
                    dataset.get("new_dataset_id"),
                ]
            )
            continue
        for row in dataset.get("rows", []):
            for field, value in row.items():
                if field != "_row":
                    rows.append(["dataset", name, did, version, row.get("_row"), "", field, value])
    for batch in report.get("prediction_log", []):
        source, bid, version = batch.get("model"), batch.get("id"), batch.get("version")
        if "rows_removed" in batch:
            rows.append(
                [
                    "prediction_log",
                    source,
                    bid,
                    version,
                    "",
                    "",
                    "rows_removed",
                    batch["rows_removed"],
                ]
            )
            continue
        for row in batch.get("rows", []):
            at, position = row.get("scored_at"), row.get("_row")
            rows.append(
                [
                    "prediction_log",
                    source,
                    bid,
                    version,
                    position,
                    at,
                    "prediction_id",
                    row.get("prediction_id"),
                ]
            )
            for field, value in (row.get("inputs") or {}).items():
                rows.append(
                    ["prediction_log", source, bid, version, position, at, f"input.{field}", value]
                )
            rows.append(
                [
                    "prediction_log",
                    source,
                    bid,
                    version,
                    position,
                    at,
                    "prediction",
                    row.get("prediction"),
                ]
            )
            for label, p in (row.get("probabilities") or {}).items():
                rows.append(
                    [
                        "prediction_log",
                        source,
                        bid,
                        version,
                        position,
                        at,
                        f"probability.{label}",
                        p,
                    ]
                )
    retrain = report.get("models_to_retrain", report.get("models_trained_on_these_datasets", []))
    for model in retrain:
        rows.append(
            [
                "model_to_retrain",
                model.get("model"),
                model.get("model_version_id"),
                model.get("version"),
                "",
                "",
                "trained_on_dataset",
                model.get("dataset_id"),
            ]
        )
    return rows


compliance = ComplianceService()


# --- for the overviews (phantom.overview), which check their own permission first ---


async def open_requests(session: AsyncSession) -> list[DataSubjectRequest]:
    """Data subject requests not yet closed, oldest first."""
    return await request_rows.open_requests(session)
