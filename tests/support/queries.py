"""Counting the SQL statements a piece of code sends (Saleor's `count_queries`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

from phantom.db import get_engine


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Statements sent through this event loop's engine while the block runs."""
    statements: list[str] = []
    engine = get_engine().sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def selects(statements: list[str]) -> list[str]:
    """The SELECTs among them, without the per-transaction RLS settings."""
    return [
        s for s in statements if s.lstrip().upper().startswith("SELECT") and "set_config" not in s
    ]


async def page_costs(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    query: str,
    sizes: tuple[int, ...],
) -> dict[int, int]:
    """SELECTs per request for each page size (``$first``), after one warm-up request.
    Every page must be full, or the comparison says nothing."""
    from phantom.identity.authn import authenticator

    costs = {}
    for size in sizes:
        response = await client.post(
            "/graphql", json={"query": query, "variables": {"first": size}}, headers=headers
        )
        assert "errors" not in response.json(), response.text
        await authenticator.flush()  # a token's last-used write is not part of the page
        with count_queries() as statements:
            response = await client.post(
                "/graphql", json={"query": query, "variables": {"first": size}}, headers=headers
            )
        body = response.json()
        assert "errors" not in body, body
        (connection,) = body["data"].values()
        assert len(connection["edges"]) == size, f"seed at least {size} rows"
        costs[size] = len(selects(statements))
    return costs
