"""``GET /api/v1/batch-predictions/<id>/download?format=csv|parquet``: a SUCCEEDED job's
output, streamed: the stored Parquet as it is, or CSV converted one row group at a time
(never the whole file in memory). Authenticated like ``serving/routes.py`` (a bearer
token, or the session cookie: a browser download link cannot send headers, and a GET
changes nothing); ``predictions:export``; another tenant's id is 404 like an unknown one,
a job not SUCCEEDED 409, an unknown format 400."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import AsyncIterator, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from starlette.concurrency import iterate_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from phantom.batch.service import Output, batch_predictions
from phantom.config import settings
from phantom.db import transaction
from phantom.identity.authn import authenticate, throttle
from phantom.kit.errors import BadUserInput, NotFound, PhantomError, Unauthenticated
from phantom.kit.responses import error_response

FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}
CHUNK = 1024 * 1024
# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets (OWASP
# "CSV injection"); such text is exported with a leading apostrophe, which they display
# as text. Numbers are never touched (a negative number stays a number).
FORMULA_PATTERN = r"^[=+\-@\t\r]"


def _defused_text(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    risky = pc.fill_null(pc.match_substring_regex(values, FORMULA_PATTERN), False)
    return pc.if_else(risky, pc.binary_join_element_wise("'", values, ""), values)


def defused(table: pa.Table | pa.RecordBatch) -> pa.Table:
    """The rows with every text cell and column name safe to open in a spreadsheet."""
    names = [
        name if not re.match(FORMULA_PATTERN, name) else "'" + name for name in table.schema.names
    ]
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = _defused_text(column)
        columns.append(column)
    return pa.table(columns, names=names)


def file_name(output: Output, format: str) -> str:
    """ASCII letters, digits, dots, dashes only: no quote, slash or header break."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", output.dataset_name).strip("-.")[:60] or "dataset"
    return f"predictions-{stem}-{str(output.job_id)[:8]}.{format}"


def parquet_bytes(output: Output) -> Iterator[bytes]:
    with output.open() as stream:
        yield from iter(lambda: stream.read(CHUNK), b"")


def csv_bytes(output: Output) -> Iterator[bytes]:
    """One CSV piece per chunk of rows, the header once; text defused (``defused``)."""
    with output.open() as stream, pq.ParquetFile(stream) as parquet:
        header = True
        for batch in parquet.iter_batches(batch_size=settings.BATCH_CHUNK_ROWS):
            buffer = io.BytesIO()
            pacsv.write_csv(defused(batch), buffer, pacsv.WriteOptions(include_header=header))
            header = False
            yield buffer.getvalue()
        if header:  # no rows: the header alone
            buffer = io.BytesIO()
            pacsv.write_csv(defused(parquet.schema_arrow.empty_table()), buffer)
            yield buffer.getvalue()


async def _stream(pieces: Iterator[bytes]) -> AsyncIterator[bytes]:
    async for piece in iterate_in_threadpool(pieces):
        yield piece


async def download(request: Request) -> Response:
    try:
        principal, error = await authenticate(request, request.headers.get("authorization"), False)
        if principal is None:
            raise error or Unauthenticated("Sign in, or send 'Authorization: Bearer <API token>'.")
        await throttle(principal)
        format = request.query_params.get("format", "parquet")
        if format not in FORMATS:
            raise BadUserInput("format must be csv or parquet.")
        try:
            job_id = uuid.UUID(request.path_params["job_id"])
        except ValueError:
            raise NotFound("Batch prediction") from None
        async with transaction(principal.tenant_id) as session:
            output = await batch_predictions.output(session, principal, job_id)
    except PhantomError as failure:
        return error_response(failure)
    pieces = parquet_bytes(output) if format == "parquet" else csv_bytes(output)
    headers = {
        "Content-Disposition": f'attachment; filename="{file_name(output, format)}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    if format == "parquet":
        headers["Content-Length"] = str(output.size_bytes)
    return StreamingResponse(_stream(pieces), media_type=FORMATS[format], headers=headers)


routes = [
    Route("/api/v1/batch-predictions/{job_id}/download", download, methods=["GET"]),
]
