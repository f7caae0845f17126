"""``GET /api/v1/data-subject-requests/<id>/report.json`` and ``.csv``: an executed
request's report as a download (``Content-Disposition: attachment``), authenticated like
``reports/routes.py`` (a bearer token, or the session cookie: a download link cannot
send headers, and a GET changes nothing). Needs ``privacy:request``, like the report
field; each download is an audit event with the file's SHA-256. Another tenant's
request is 404 like an unknown one; a request not yet executed is 404 saying so."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from phantom.compliance.service import REPORT_FORMATS, compliance
from phantom.db import transaction
from phantom.identity.authn import authenticate, throttle
from phantom.kit.errors import NotFound, PhantomError, Unauthenticated
from phantom.kit.responses import error_response


async def _serve(request: Request, kind: str) -> Response:
    try:
        principal, error = await authenticate(request, request.headers.get("authorization"), False)
        if principal is None:
            raise error or Unauthenticated("Sign in, or send 'Authorization: Bearer <API token>'.")
        await throttle(principal)
        try:
            request_id = uuid.UUID(str(request.path_params["request_id"]))
        except ValueError:
            raise NotFound("Data subject request") from None
        async with transaction(principal.tenant_id) as session:
            found = await compliance.report_file(session, principal, request_id, kind)
    except PhantomError as failure:
        return error_response(failure)
    headers = {
        "Content-Disposition": f'attachment; filename="{found.file_name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "X-Report-SHA256": found.sha256,
    }
    return Response(found.content, media_type=REPORT_FORMATS[kind], headers=headers)


async def report_json(request: Request) -> Response:
    return await _serve(request, "json")


async def report_csv(request: Request) -> Response:
    return await _serve(request, "csv")


routes = [
    Route("/api/v1/data-subject-requests/{request_id}/report.json", report_json, methods=["GET"]),
    Route("/api/v1/data-subject-requests/{request_id}/report.csv", report_csv, methods=["GET"]),
]
