"""The Starlette application: GraphQL, auth, operations endpoints and the built SPA."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

import phantom.actors  # noqa: F401 - declares every actor: enqueue_job knows their names
from phantom.batch.routes import routes as batch_routes
from phantom.compliance.routes import routes as compliance_routes
from phantom.config import settings
from phantom.db import dispose_engine
from phantom.graphql.schema import schema
from phantom.graphql.view import PhantomGraphQL
from phantom.identity.authn import authenticator
from phantom.identity.routes import routes as auth_routes
from phantom.identity.sso.routes import routes as sso_routes
from phantom.kit.broadcast import broadcast
from phantom.kit.jobs import start_in_process_worker
from phantom.kit.redis import close_redis
from phantom.kit.responses import http_exception, server_error, under_api
from phantom.monitoring.predictionlog import prediction_log
from phantom.monitoring.routes import routes as monitoring_routes
from phantom.openapi import routes as openapi_routes
from phantom.ops.bodies import PREDICT_PATH, BodyLimit
from phantom.ops.middleware import RequestContext
from phantom.ops.routes import routes as ops_routes
from phantom.reports.routes import routes as report_routes
from phantom.serving.routes import predict_endpoint

log = logging.getLogger(__name__)

SPA_CSP = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'"
)
NOT_BUILT = """<!doctype html><title>Phantom ML Studio</title>
<p>The web app has not been built. Run <code>make frontend</code> (or <code>make run</code>),
then reload. The GraphQL API is at <code>/graphql</code>.</p>"""


def spa_routes(dist: Path) -> list[BaseRoute]:
    """Static assets, and ``index.html`` for every other GET (client-side routing).
    The build's files are listed once at start-up: no path from a request touches the
    file system, so traversal is impossible by construction."""
    index = dist / "index.html"
    files = (
        {p.relative_to(dist).as_posix(): p for p in dist.rglob("*") if p.is_file()}
        if dist.is_dir()
        else {}
    )

    async def spa(request: Request) -> Response:
        path = request.path_params["path"]
        if path.startswith(("graphql", "auth/")):
            raise HTTPException(404)
        if path in files and path != "index.html":
            return FileResponse(files[path])
        if "index.html" not in files:
            return HTMLResponse(NOT_BUILT, status_code=503)
        return FileResponse(
            index, headers={"content-security-policy": SPA_CSP, "cache-control": "no-cache"}
        )

    routes: list[BaseRoute] = []
    if (dist / "assets").is_dir():
        routes.append(Mount("/assets", StaticFiles(directory=dist / "assets"), name="assets"))
    routes.append(SpaRoute("/{path:path}", spa, methods=["GET", "HEAD"]))
    return routes


class SpaRoute(Route):
    """The SPA's catch-all, which never matches under ``/api/``: there the router's own
    404, or its 405 for a route's other method, answers (as JSON: kit/responses.py),
    never the web app's HTML nor a 405 for the catch-all's GET."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and under_api(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)


class PhantomApp:
    """The ASGI entry point. ``/graphql`` (HTTP and WebSocket) goes straight to the
    GraphQL view and REST predict to its endpoint; everything else through Starlette's
    router. Those two are the hot paths, and the router and Starlette's exception
    middleware would cost on every call (docs/benchmarks.md). Both answer their own
    errors."""

    def __init__(self, graphql: ASGIApp, predict: ASGIApp, rest: Starlette) -> None:
        self.graphql = graphql
        self.predict = predict
        self.rest = rest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            path = scope["path"]
            if path == "/graphql":
                await self.graphql(scope, receive, send)
                return
            if scope["type"] == "http" and PREDICT_PATH.fullmatch(path):
                await self.predict(scope, receive, send)
                return
        await self.rest(scope, receive, send)


def create_app(
    *,
    in_process_worker: bool = False,
    on_ready: Callable[[], None] | None = None,
    background: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> PhantomApp:
    """``in_process_worker`` runs the Dramatiq actors inside this process (standalone);
    ``on_ready`` runs once the app has started (standalone prints its banner);
    ``background`` runs as a task beside the server, cancelled at shutdown (standalone's
    demo data)."""
    graphql_app = PhantomGraphQL(schema)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        broadcast.start()  # policy and revocation notices from other processes
        # what start-up allocated (modules, schema, caches) lives as long as the process:
        # keep it out of the collector's full passes, which otherwise walk it all and
        # pause every request in flight (serving's p99; docs/benchmarks.md)
        gc.freeze()
        worker = None
        if in_process_worker:
            worker = start_in_process_worker()
        if on_ready is not None:
            on_ready()
        task = asyncio.create_task(background()) if background is not None else None
        try:
            yield
        finally:
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            await prediction_log.close()  # every scored row reaches the log
            if worker is not None:
                worker.stop()
            broadcast.stop()
            await authenticator.flush()
            await close_redis()
            await dispose_engine()

    rest = Starlette(
        routes=[
            *ops_routes,
            *openapi_routes,
            *auth_routes,
            *sso_routes,
            *batch_routes,
            *monitoring_routes,
            *report_routes,
            *compliance_routes,
            *spa_routes(settings.FRONTEND_DIST),
        ],
        middleware=[Middleware(RequestContext), Middleware(BodyLimit)],
        exception_handlers={HTTPException: http_exception, Exception: server_error},
        lifespan=lifespan,
    )
    # every body, every way in
    graphql = RequestContext(BodyLimit(graphql_app), route="/graphql")
    predict = RequestContext(predict_endpoint, route="/api")  # its body limit is inside
    return PhantomApp(graphql, predict, rest)
