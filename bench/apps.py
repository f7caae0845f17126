"""Reference ASGI apps for bench/graphql_overhead.py: the same answer three ways."""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

ANSWER = {"data": {"viewer": {"email": "bench@example.com"}}}


async def _plain(request: Request) -> JSONResponse:
    await request.json()
    return JSONResponse(ANSWER)


plain_app = Starlette(routes=[Route("/graphql", _plain, methods=["POST"])])


@strawberry.type
class Viewer:
    email: str


@strawberry.type
class Query:
    @strawberry.field
    def viewer(self) -> Viewer:
        return Viewer(email="bench@example.com")


bare_app = GraphQL(strawberry.Schema(query=Query), graphql_ide=None)
cached_app = GraphQL(
    strawberry.Schema(query=Query, extensions=[ParserCache, ValidationCache]), graphql_ide=None
)
