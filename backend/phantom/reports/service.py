"""Model documentation: editing a version's documentation fields, generating its report
(HTML and PDF, stored, their SHA-256s in the audit chain), and reading stored reports.

Permissions: editing and generating are ``models:promote``. A report is an issued,
signed record of the organization (an object in the store and an audit event) that a
promotion request cites, so it belongs to those who operate and promote models, like
refreshing health; ``models:read`` members read reports but do not issue them, and an
approver (``models:approve``) reviews what the requester issued rather than re-issuing
the document they decide on. Reading is ``models:read``."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.audit.proof import REPORT_ACTION, REPORT_RESOURCE, report_resource_id
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.identity.principal import Principal
from phantom.kit import idempotency
from phantom.kit.errors import BadUserInput, ErrorCode, NotFound, PhantomError
from phantom.kit.rows import utcnow
from phantom.kit.storage import get_store, tenant_key
from phantom.kit.transactions import on_rollback
from phantom.registry.service import registry
from phantom.reports import repository as report_rows
from phantom.reports.content import gather
from phantom.reports.models import ModelReport
from phantom.reports.render import render_html, render_pdf
from phantom.reports.repository import ReportRepository

if TYPE_CHECKING:  # the registry's row type, read through its service
    from phantom.registry.models import ModelVersion

# Bounds of the documentation fields, in characters: a page of prose each, a line for
# the owner. Longer text is refused (BAD_USER_INPUT), never truncated silently.
LIMITS = {"intended_use": 5000, "owner": 200, "limitations": 5000}
# control characters other than tab and newlines are refused: they have no place in
# prose, and some (NUL) PostgreSQL cannot store
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_LISTED = 100
FILES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@dataclass(frozen=True, slots=True)
class Documentation:
    """The fields to change; absent (None) ones stay as they are, "" clears one."""

    intended_use: str | None = None
    owner: str | None = None
    limitations: str | None = None


@dataclass(frozen=True, slots=True)
class ReportFile:
    report: ModelReport
    kind: str  # "html" or "pdf"
    model_name: str
    version: int
    key: str

    def read(self) -> bytes:
        with get_store().open(self.key) as stream:
            return stream.read()


def clean(field: str, value: str) -> str | None:
    """The text to store ("" and blanks clear the field), or BAD_USER_INPUT."""
    label = field.replace("_", " ")
    if len(value) > LIMITS[field]:
        raise BadUserInput(
            f"The {label} is {len(value)} characters long; shorten it to at most {LIMITS[field]}."
        )
    if CONTROL.search(value):
        raise BadUserInput(f"Remove the control characters from the {label}.")
    try:  # a lone surrogate ("\ud800", which JSON parsers accept) is not Unicode text
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadUserInput(
            f"The {label} is not valid Unicode text (it holds a lone surrogate); send it "
            "as UTF-8 text."
        ) from None
    text = value.strip()
    if field == "owner" and "\n" in text:
        raise BadUserInput("The owner is one line: a person or a team.")
    return text or None


def _write(key: str, content: bytes) -> None:
    get_store().write(key, io.BytesIO(content))


def _delete(*keys: str) -> None:
    for key in keys:
        get_store().delete(key)


class ReportService:
    @requires(P.MODELS_PROMOTE)
    async def document(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        changes: Documentation,
    ) -> ModelVersion:
        # the version first: another tenant's id is NOT_FOUND whatever the input
        version, _ = await registry.documented(session, version_id, for_update=True)
        given = {k: v for k, v in vars_of(changes).items() if v is not None}
        if not given:
            raise BadUserInput("Give at least one of intendedUse, owner and limitations.")
        cleaned = {k: clean(k, v) for k, v in given.items()}
        changed = sorted(k for k, v in cleaned.items() if getattr(version, k) != v)
        for name, value in cleaned.items():
            setattr(version, name, value)
        await session.flush()
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="registry.model_documentation.updated",
            resource=("model_version", version.id),
            details={
                "version": version.version,
                "changed": changed,
                # lengths and digests, not the text: prose may name people
                "sha256": {
                    k: hashlib.sha256((v or "").encode()).hexdigest() for k, v in cleaned.items()
                },
            },
        )
        return version

    @requires(P.MODELS_PROMOTE)
    async def generate(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> ModelReport:
        """Render, store both files, and record their SHA-256s in the chain, atomically
        with the row: a rolled-back transaction deletes the objects it wrote."""
        version, model_name = await registry.documented(session, version_id)
        report_id, now = uuid.uuid4(), utcnow()
        data = await gather(
            session,
            principal,
            version,
            model_name,
            report_id=str(report_id),
            generated_at=now,
            generated_by=f"{principal.display_name} <{principal.email}>",
            organization=principal.tenant_name,
        )
        html = render_html(data).encode()
        pdf = await asyncio.to_thread(render_pdf, html.decode())
        tenant = principal.tenant_id
        html_key = tenant_key(tenant, "reports", report_id, ".html")
        pdf_key = tenant_key(tenant, "reports", report_id, ".pdf")
        on_rollback(session, lambda: _delete(html_key, pdf_key))
        await asyncio.to_thread(_write, html_key, html)
        await asyncio.to_thread(_write, pdf_key, pdf)
        report = ModelReport(
            id=report_id,
            model_version_id=version.id,
            generated_by=principal.user_id,
            generated_at=now,
            html_key=html_key,
            pdf_key=pdf_key,
            html_sha256=hashlib.sha256(html).hexdigest(),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            bytes=len(html) + len(pdf),
        )
        await ReportRepository(session).add(report)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action=REPORT_ACTION,
            resource=(
                REPORT_RESOURCE,
                report_resource_id(str(report.id), report.html_sha256, report.pdf_sha256),
            ),
            details={
                "report_id": str(report.id),
                "model": model_name,
                "version": version.version,
                "model_version_id": str(version.id),
                "html_sha256": report.html_sha256,
                "pdf_sha256": report.pdf_sha256,
                "bytes": report.bytes,
            },
            subjects={principal.user_id: {"email": principal.email}},
        )
        return report

    @requires(P.MODELS_PROMOTE)
    async def generate_once(
        self,
        session: AsyncSession,
        principal: Principal,
        key: str | None,
        version_id: uuid.UUID,
        kind: str,
    ) -> uuid.UUID:
        """``generate`` under an idempotency key (REST POST): the report's id; a retry
        answers the first one's, whose file is then read under the caller's permissions."""

        async def generated() -> uuid.UUID:
            return (await self.generate(session, principal, version_id)).id

        async def recall(stored: dict[str, str]) -> uuid.UUID:
            return uuid.UUID(stored["id"])

        return await idempotency.once(
            session,
            principal,
            key,
            "generateReport",
            {"modelVersionId": version_id, "kind": kind},
            generated,
            lambda report_id: {"id": str(report_id)},
            recall,
        )

    @requires(P.MODELS_READ)
    async def issued(
        self, session: AsyncSession, principal: Principal, version_id: uuid.UUID
    ) -> tuple[uuid.UUID, str] | None:
        """The version's newest report (id, PDF SHA-256): what a promotion request cites."""
        report = await ReportRepository(session).latest(version_id)
        return (report.id, report.pdf_sha256) if report is not None else None

    @requires(P.MODELS_READ)
    async def newest(
        self,
        session: AsyncSession,
        principal: Principal,
        version_ids: Sequence[uuid.UUID],
        limit: int,
    ) -> dict[uuid.UUID, list[ModelReport]]:
        """Each version's newest reports (for ``ModelVersion.reports``/``latestReport``)."""
        if not 1 <= limit <= MAX_LISTED:
            raise BadUserInput(f"first must be between 1 and {MAX_LISTED}.")
        return await ReportRepository(session).newest_of(version_ids, limit)

    @requires(P.MODELS_READ)
    async def file(
        self,
        session: AsyncSession,
        principal: Principal,
        version_id: uuid.UUID,
        kind: str,
        report_id: uuid.UUID | None = None,
    ) -> ReportFile:
        """A stored report of the version: the latest, or the one named."""
        version, model_name = await registry.documented(session, version_id)
        repo = ReportRepository(session)
        report = await repo.find(report_id) if report_id else await repo.latest(version.id)
        if report is None and report_id is None:
            raise PhantomError(
                f"No report has been generated for version {version.version} of "
                f"'{model_name[:200]}' yet: generate one (POST this URL, or the "
                "generateModelReport mutation).",
                code=ErrorCode.NOT_FOUND,
            )
        if report is None or report.model_version_id != version.id:
            raise NotFound("Model report")
        key = report.pdf_key if kind == "pdf" else report.html_key
        return ReportFile(report, kind, model_name, version.version, key)


def vars_of(changes: Documentation) -> dict[str, str | None]:
    return {
        "intended_use": changes.intended_use,
        "owner": changes.owner,
        "limitations": changes.limitations,
    }


reports = ReportService()


# --- for the overviews (phantom.overview), which check their own permission first ---


async def newest_reports(
    session: AsyncSession, version_ids: set[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When each of these versions' newest report was generated (absent: none)."""
    return await report_rows.newest_generated(session, version_ids)
