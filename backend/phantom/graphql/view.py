"""The ``/graphql`` endpoint: HTTP POST and ``graphql-transport-ws`` subscriptions."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from phantom.config import settings
from phantom.graphql.context import NOT_SIGNED_IN, Context
from phantom.graphql.errors import classify
from phantom.graphql.schema import PhantomSchema
from phantom.identity.authn import authenticate, csrf_matches, throttle
from phantom.kit.errors import ErrorCode, PhantomError, RateLimited, Unauthenticated, Unavailable
from phantom.kit.logging import request_id_var

log = logging.getLogger(__name__)
MAX_SUBSCRIPTIONS_PER_SOCKET = 20
PREFLIGHT_HEADER = b"apollo-require-preflight"
TRY_AGAIN_LATER_CLOSE = 1013  # RFC 6455's registry: the server cannot serve it now
CREDENTIAL_ENDED_CLOSE = 4403  # as for a refused connection_init: clients do not retry it
HTTP_OPERATION_TYPES = frozenset({OperationType.QUERY, OperationType.MUTATION})
SUBSCRIPTIONS_OVER_WEBSOCKET = (
    "Subscriptions run over a WebSocket at /graphql (the graphql-transport-ws protocol), "
    "not over HTTP."
)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


class SocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Each operation on a socket is authenticated and rate-limited like an HTTP request:
    the credential the socket opened with is checked again through the credential cache
    and charged to the same per-credential and per-tenant budget. When the credential no
    longer holds, the operation gets UNAUTHENTICATED and the socket is closed (4403), which
    also ends its streams."""

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        try:
            await self.context.refresh_socket_principal()
            await throttle(self.context.require_principal())
        except (RateLimited, Unavailable) as error:  # this operation only, as over HTTP
            await operation.send_initial_errors([_refusal(error)])
            return
        except PhantomError as error:
            await operation.send_initial_errors([_refusal(error)])
            await self._close_for(error)
            return
        except Exception:  # e.g. the database is down: fail this operation, keep the socket
            log.exception("could not authenticate a WebSocket operation")
            await operation.send_initial_errors([_unexpected()])
            return
        self.context.loaders = {}  # per operation, as they are per request over HTTP
        await super().run_operation(operation)
        if self.context.principal is None:  # a stream's timer found the credential ended
            await self._close_for(self.context.auth_error or Unauthenticated(NOT_SIGNED_IN))

    async def handle_connection_init(self, message: Any) -> None:
        """Rate limits that cannot be checked at ``connection_init`` close the socket
        1013 (try again later): Strawberry's only refusal, 4403, is final for clients,
        and the exception itself would drop the socket with a traceback (W10-3)."""
        try:
            await super().handle_connection_init(message)
        except Unavailable as error:
            await self.websocket.close(code=TRY_AGAIN_LATER_CLOSE, reason=error.message[:120])

    async def _close_for(self, error: PhantomError) -> None:
        log.info("closing a socket whose credential ended", extra={"reason": error.message})
        await self.websocket.close(code=CREDENTIAL_ENDED_CLOSE, reason=error.message[:120])


def _is_plain_json(scope: Scope) -> bool:
    """``application/json``, any parameters. ``Accept`` does not matter: the view enables
    no streamed HTTP answer (subscriptions are WebSocket-only), and browser clients such
    as urql list ``multipart/mixed`` and ``text/event-stream`` in every request."""
    content_type = _header(scope, b"content-type") or ""
    return content_type.partition(";")[0].strip().lower() == "application/json"


def _one_operation(data: object) -> GraphQLRequestData | None:
    """One operation whose fields have the types Strawberry's view accepts, else None."""
    if type(data) is not dict:
        return None
    query, variables = data.get("query"), data.get("variables")
    operation_name, extensions = data.get("operationName"), data.get("extensions")
    if not (
        isinstance(query, str)
        and isinstance(variables, (dict, type(None)))
        and isinstance(operation_name, (str, type(None)))
        and isinstance(extensions, (dict, type(None)))
    ):
        return None
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        protocol="http",
    )


def _refusal(error: PhantomError) -> GraphQLError:
    return classify(GraphQLError(error.message, original_error=error))


def _unexpected() -> GraphQLError:
    extensions = {"code": ErrorCode.INTERNAL.value, "requestId": request_id_var.get()}
    return GraphQLError("Unexpected error.", extensions=extensions)


class PhantomGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = SocketHandler

    def __init__(self, schema: PhantomSchema) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.GRAPHIQL else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_SOCKET,
            allowed_origins=settings.ALLOWED_ORIGINS,
            multipart_uploads_enabled=True,
        )

    def is_websocket_origin_allowed(self, request: Any, origin: str) -> bool:
        """A page on another origin may open a socket when it brings no session cookie.
        The origin check guards cookie sockets (cross-site WebSocket hijacking: the
        browser sends the cookie whoever opened the socket); a socket without the cookie
        can only authenticate with a token in ``connection_init``, which a page on
        another site has only if the integrator gave it one. A cookie present still
        needs a same or allowed origin."""
        if super().is_websocket_origin_allowed(request, origin):
            return True
        return settings.SESSION_COOKIE not in request.cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Transport-level refusals (malformed JSON, no query, a batch) answer in the
        GraphQL error shape too, not as plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if (_header(scope, b"content-type") or "").startswith("multipart/"):
            await self._multipart(scope, receive, send)
            return
        await self._run(scope, receive, send)

    async def _lean_json(self, request: Request) -> Response:
        """The common request, ``POST application/json`` with one operation, without
        Strawberry's general HTTP view: the same steps (context, then the body, then
        ``execute_single``, ``process_result`` and ``create_response``) minus its
        per-request dispatch on method, IDE, content type and transports, which was a
        third of a cached ``viewer``'s time (docs/benchmarks.md). Any other
        body (a batch, a field of the wrong type, JSON that does not parse) goes to the
        general view with the same context: its answer stays Strawberry's, and the
        request is charged once. The body is read with ``json`` as the view reads it
        (orjson reads integers past 64 bits as floats)."""
        context = await self._http_context(request)
        body = await request.body()
        try:
            data = self.parse_json(body)
        except (HTTPException, RecursionError):
            data = None
        operation = _one_operation(data)
        if operation is None:
            return await self.run(request, context=context)
        sub_response = await self.get_sub_response(request)
        result = await self.execute_single(
            request=request,
            request_adapter=self.request_adapter_class(request),
            sub_response=sub_response,
            context=context,
            root_value=None,
            request_data=operation,
        )
        response_data = await self.process_result(request=request, result=result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self.create_response(response_data=response_data, sub_response=sub_response)

    async def _multipart(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Uploads: CSRF and a credential first, before a byte is read (the size cap is
        ``ops/bodies.py``'s, counted as the body streams in).
        A simple cross-site form can post multipart with the victim's cookie; it cannot
        set a custom header, so a cookie request must send ``Apollo-Require-Preflight``."""
        if _header(scope, b"authorization") is None and not _header(scope, PREFLIGHT_HEADER):
            response = _error(
                "Uploads signed in with a cookie must send the header "
                "'Apollo-Require-Preflight: true' (a defence against cross-site requests).",
                "FORBIDDEN",
                403,
            )
            await response(scope, receive, send)
            return
        principal, auth_error = await authenticate(
            Request(scope=scope), _header(scope, b"authorization"), True
        )
        if principal is None:  # refused before anyone's bytes are read or spooled to disk
            error = auth_error or Unauthenticated(NOT_SIGNED_IN)
            await _error(error.message, error.code.value, error.http_status)(scope, receive, send)
            return
        await self._run(scope, receive, send)

    def encode_json(self, data: object) -> str:
        """Every answer, over HTTP and the socket: orjson (several times faster than
        ``json.dumps``), and ``json`` for what orjson refuses (an integer past 64 bits).
        Text, not bytes: Strawberry's socket adapter sends bytes as binary frames."""
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()
        except orjson.JSONEncodeError:
            return json.dumps(data, separators=(",", ":"))

    def parse_json(self, data: str | bytes) -> Any:
        """HTTP bodies and multipart parts. Strawberry's, with the bodies it answered 500
        refused as 400: text that is not UTF-8, UTF-16 or UTF-32, JSON that Python's
        reader refuses without a ``JSONDecodeError`` (an integer past 4,300 digits), and
        JSON that is neither an object nor a list."""
        try:
            value = json.loads(data)
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The request body is not UTF-8 JSON.") from error
        except ValueError as error:
            raise HTTPException(400, "Unable to parse request body as JSON") from error
        if not isinstance(value, (dict, list)):
            raise HTTPException(400, "The request body must be a JSON object.")
        return value

    def decode_json(self, data: str | bytes) -> object:
        """WebSocket frames (Strawberry's socket adapter reads them with this): a frame
        that is not a JSON object is an invalid message, which closes the socket with the
        protocol's 4400, as malformed JSON does, instead of failing the handler."""
        try:
            value = json.loads(data)
        except ValueError as error:  # JSONDecodeError, or an integer past 4,300 digits
            raise json.JSONDecodeError(str(error), str(data), 0) from error
        if not isinstance(value, dict):
            raise json.JSONDecodeError("A message must be a JSON object.", str(data), 0)
        return value

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        """Strawberry's, with a ``map`` or ``operations`` of the wrong shape refused as
        400 (its placeholder replacement assumed the spec's shapes and failed 500)."""
        try:
            return await super().parse_multipart(request)
        except (AttributeError, TypeError, ValueError, IndexError) as error:
            raise HTTPException(
                400,
                "The multipart 'map' must map each file to a list of variable paths, such "
                'as {"0": ["variables.file"]} (the GraphQL multipart request spec).',
            ) from error

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Strawberry's, except that a subscription over HTTP is refused with a 400 that
        names the WebSocket: Strawberry would start it and answer INTERNAL. Queries and
        mutations run over POST only (a GET is refused: no state change or read from a
        link a cross-site page can make the browser follow)."""
        allowed = HTTP_OPERATION_TYPES if request_adapter.method == "POST" else frozenset()
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(400, SUBSCRIPTIONS_OVER_WEBSOCKET) from error
            raise HTTPException(400, error.as_http_error_reason(request_adapter.method)) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope=scope, receive=receive)
        try:
            if scope["method"] == "POST" and _is_plain_json(scope):
                response = await self._lean_json(request)
            else:
                response = await self.run(request)
        except HTTPException as error:
            code = "BAD_USER_INPUT" if error.status_code < 500 else "INTERNAL"
            response = JSONResponse(
                {"errors": [{"message": error.reason, "extensions": {"code": code}}]},
                status_code=error.status_code,
            )
        except RecursionError:  # JSON nested past the parser's depth (a 90 KB body does it)
            response = JSONResponse(
                {
                    "errors": [
                        {
                            "message": "The request body is nested too deeply.",
                            "extensions": {"code": "BAD_USER_INPUT"},
                        }
                    ]
                },
                status_code=400,
            )
        except RateLimited as error:
            extensions = {"code": error.code.value, "retryAfter": error.retry_after}
            response = JSONResponse(
                {"errors": [{"message": error.message, "extensions": extensions}]},
                status_code=429,
                headers={"Retry-After": str(error.retry_after)},
            )
        except Unavailable as error:  # the rate limits could not be checked (Redis)
            response = JSONResponse(
                {"errors": [{"message": error.message, "extensions": {"code": error.code.value}}]},
                status_code=503,
            )
        try:
            await response(scope, receive, send)
        finally:
            await request.close()  # an upload's spooled files, however the request ended

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if isinstance(request, Request):
            return await self._http_context(request)
        return Context(connection=request)

    async def _http_context(self, request: Request) -> Context:
        context = Context(connection=request)
        context.set_principal(
            *await authenticate(request, _header(request.scope, b"authorization"), True)
        )
        if context.principal is not None:
            await throttle(context.principal)  # RateLimited: a 429 for the whole request
        return context

    async def on_ws_connect(self, context: Context) -> dict[str, Any] | None:
        """Authenticate at ``connection_init``: a token in the payload, else the cookie.
        A cookie socket must also echo the CSRF token in the payload: besides the Origin
        check, a page on another site cannot read it, so it cannot hijack the socket."""
        params = context.connection_params or {}
        authorization = params.get("authorization") or context.connection.headers.get(
            "authorization"
        )
        if authorization is not None and not isinstance(authorization, str):
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        principal, error = await authenticate(context.connection, authorization, False)
        if principal is None:
            message = error.message if error else "Authentication required."
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": message})
        if authorization is None and not csrf_matches(params.get("csrfToken"), principal):
            raise ConnectionRejectionError(
                {"code": "FORBIDDEN", "message": "Send csrfToken in connection_init."}
            )
        try:
            await throttle(principal)
        except RateLimited as error:
            raise ConnectionRejectionError(
                {"code": "RATE_LIMITED", "message": error.message, "retryAfter": error.retry_after}
            ) from None
        context.set_principal(principal, None)
        context.ws_authorization = authorization
        return None
