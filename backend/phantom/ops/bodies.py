"""One streamed size cap for every request body, chosen by route and exact media type.

Every route's bodies are declared here, each media type with its own cap. Anything else
is refused before the application runs: a media type the route does not take (415),
a declared ``Content-Length`` over the cap (413). Then the bytes are counted as the
application reads them, and past the cap the client gets 413 at once while the
application sees a disconnect: no route reads past the cap, whatever the length said
(chunked bodies have none, and a header can lie).

Media types are compared exactly (the part before ``;``): Strawberry parses any type
*containing* ``application/json`` as JSON, so ``x-application/json`` once slipped past
a prefix check with no size limit at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phantom.config import settings
from phantom.datasets.errors import UploadTooLarge, human_size
from phantom.kit.errors import ErrorCode
from phantom.kit.responses import error_body

JSON = "application/json"
MULTIPART = "multipart/form-data"
NONE = ""  # no Content-Type header: only an empty body
AUTH_MAX_BODY_BYTES = 4096  # a tenant, an email and a password; or a token and a password
NO_BODY: Mapping[str, int] = {NONE: 0}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PREDICT_PATH = re.compile(r"/api/v1/models/.+/predict")  # a model name may hold "/"
OUTCOMES_PATH = re.compile(r"/api/v1/models/[^/]+/outcomes")
CSV = "text/csv"


def accepted(path: str) -> Mapping[str, int]:
    """The media types ``path`` takes, each with its cap in bytes. A route not listed
    takes no body. Read per request, so the caps follow the settings."""
    if path == "/graphql":
        return {
            JSON: settings.GRAPHQL_MAX_BODY_BYTES,
            # the file, plus the operations and map parts, bounded like a JSON body
            MULTIPART: settings.DATASET_MAX_BYTES + settings.GRAPHQL_MAX_BODY_BYTES,
        }
    if path in ("/auth/login", "/auth/invitation"):
        return {JSON: AUTH_MAX_BODY_BYTES}
    if path == "/auth/logout":
        return {NONE: 0, JSON: AUTH_MAX_BODY_BYTES}  # the SPA posts no body
    if OUTCOMES_PATH.fullmatch(path):
        return {JSON: settings.OUTCOMES_MAX_BODY_BYTES, CSV: settings.OUTCOMES_MAX_BODY_BYTES}
    if PREDICT_PATH.fullmatch(path):
        return {JSON: settings.PREDICT_MAX_BODY_BYTES}
    return NO_BODY


def media_type(scope: Scope) -> str | None:
    """The exact media type, ``NONE`` without the header, None when ambiguous (two
    headers): the application could read either."""
    values = [v for k, v in scope["headers"] if k == b"content-type"]
    if not values:
        return NONE
    if len(values) > 1:
        return None
    return str(values[0].decode("latin-1")).split(";", 1)[0].strip()


def _declared(scope: Scope) -> tuple[int | None, bool]:
    """``Content-Length`` (None when absent) and whether the body is chunked."""
    length, chunked = None, False
    for key, value in scope["headers"]:
        if key == b"content-length" and value.isdigit():
            length = max(length or 0, int(value))
        elif key == b"transfer-encoding":
            chunked = True
    return length, chunked


class BodyLimit:
    """Applies ``accepted`` to every HTTP request (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rules = accepted(scope["path"])
        length, chunked = _declared(scope)
        media: str | None = NONE
        cap: int | None = 0  # a GET and the like: nothing to read
        if scope["method"] in BODY_METHODS or length or chunked:
            media = media_type(scope)
            cap = rules.get(media) if media is not None else None
        if media is None or cap is None:
            await _refuse(scope, send, 415, _unsupported(media, rules))
            return
        if length is not None and length > cap:
            await _refuse(scope, send, 413, _too_large(media, cap))
            return
        await _Counted(self.app, cap, media)(scope, receive, send)


class _Counted:
    """One request whose body is counted as the application reads it."""

    def __init__(self, app: ASGIApp, cap: int, media: str) -> None:
        self.app, self.cap, self.media = app, cap, media
        self.received = 0
        self.refused = False  # our 413 went out: the application's answer goes nowhere
        self.started = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted_receive() -> Message:
            if self.refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.cap:
                    if not self.started:
                        await _refuse(scope, send, 413, _too_large(self.media, self.cap))
                    self.refused = True
                    return {"type": "http.disconnect"}  # the application stops reading
            return message

        async def guarded_send(message: Message) -> None:
            if self.refused:
                return
            if message["type"] == "http.response.start":
                self.started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not self.refused:  # a disconnect we caused is not the application's error
                raise


def _unsupported(media: str | None, rules: Mapping[str, int]) -> str:
    takes = [m for m in rules if m != NONE]
    if not takes:
        return "This endpoint takes no request body."
    sent = "two Content-Type headers" if media is None else f"'{media or 'none'}'"
    return f"Send the body as {' or '.join(takes)}; got {sent}."


def _too_large(media: str, cap: int) -> str:
    if media == MULTIPART:
        return UploadTooLarge(settings.DATASET_MAX_BYTES).message
    return f"The request body is larger than the limit of {human_size(cap)} ({cap} bytes)."


async def _refuse(scope: Scope, send: Send, status: int, message: str) -> None:
    """In the endpoint's own error shape: GraphQL's on /graphql, REST's elsewhere."""
    code = ErrorCode.BAD_USER_INPUT  # the status says which limit (413, 415)
    if scope["path"] == "/graphql":
        body: object = {"errors": [{"message": message, "extensions": {"code": code.value}}]}
    else:
        body = error_body(code, message)
    headers = {"connection": "close"}  # the rest of the body is never read

    async def no_receive() -> Message:
        return {"type": "http.disconnect"}

    await JSONResponse(body, status_code=status, headers=headers)(scope, no_receive, send)
