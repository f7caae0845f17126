"""``GET /api/v1/model-versions/<id>/report.pdf`` and ``.html``: the version's latest
stored report (``?id=<report id>``: an earlier one), exactly the bytes whose SHA-256s the
audit log recorded. ``POST`` to the same URL generates a new report first and answers
it (201). Authenticated like ``batch/routes.py``: a bearer token, or the session cookie
(a download link cannot send headers; a GET changes nothing, and a cookie POST must
carry the CSRF header). GET needs ``models:read``, POST ``models:promote``; a POST's
``Idempotency-Key`` header makes a retry answer the report the first one generated
(``kit/idempotency.py``; the same key for the other format is CONFLICT). Another
tenant's version or report is 404 like an unknown one; no report yet is 404 saying how
to generate one."""

from __future__ import annotations

import asyncio
import re
import uuid

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from phantom.audit.safety_net import replays_recorded
from phantom.db import transaction
from phantom.identity.authn import authenticate, throttle
from phantom.kit import idempotency
from phantom.kit.errors import NotFound, PhantomError, Unauthenticated
from phantom.kit.responses import error_response
from phantom.reports.service import FILES, ReportFile, reports

# The HTML is escaped throughout; if anything ever slipped through, it still may run
# nothing, load nothing and reach no origin (a sandboxed, opaque document).
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def file_name(found: ReportFile) -> str:
    """ASCII letters, digits, dots, dashes only: no quote, slash or header break."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", found.model_name).strip("-.")[:60] or "model"
    return f"model-report-{stem}-v{found.version}-{str(found.report.id)[:8]}.{found.kind}"


def _uuid(value: str | None, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(what) from None


async def _serve(request: Request, kind: str) -> Response:
    generate = request.method == "POST"
    try:
        authorization = request.headers.get("authorization")
        principal, error = await authenticate(request, authorization, generate)
        if principal is None:
            raise error or Unauthenticated("Sign in, or send 'Authorization: Bearer <API token>'.")
        await throttle(principal)
        version_id = _uuid(request.path_params["version_id"], "Model version")
        wanted = request.query_params.get("id")
        report_id = _uuid(wanted, "Model report") if wanted is not None and not generate else None
        if generate:
            key = idempotency.header_key(request.headers)
            async with (
                replays_recorded(principal, "generate_model_report"),
                transaction(principal.tenant_id) as session,
            ):
                report_id = await reports.generate_once(session, principal, key, version_id, kind)
        async with transaction(principal.tenant_id) as session:
            found = await reports.file(session, principal, version_id, kind, report_id)
        content = await asyncio.to_thread(found.read)
    except PhantomError as failure:
        return error_response(failure)
    headers = {
        "Content-Disposition": f'attachment; filename="{file_name(found)}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "X-Report-Id": str(found.report.id),
        "X-Report-SHA256": found.report.pdf_sha256 if kind == "pdf" else found.report.html_sha256,
    }
    if kind == "html":
        headers["Content-Security-Policy"] = HTML_POLICY
    status = 201 if generate else 200
    return Response(content, status_code=status, media_type=FILES[kind], headers=headers)


async def report_pdf(request: Request) -> Response:
    return await _serve(request, "pdf")


async def report_html(request: Request) -> Response:
    return await _serve(request, "html")


routes = [
    Route("/api/v1/model-versions/{version_id}/report.pdf", report_pdf, methods=["GET", "POST"]),
    Route("/api/v1/model-versions/{version_id}/report.html", report_html, methods=["GET", "POST"]),
]
