"""Counting the SQL statements a piece of code sends (Saleor's `count_queries`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
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


async def steady_selects(send: Callable[[], Awaitable[object]], attempts: int = 6) -> int:
    """The SELECTs one request costs once warm: measured until two runs in a row agree,
    since a credential-cache refill or a policy reload (broadcast by earlier work) can
    land in any single run on a loaded machine."""
    previous = None
    for _ in range(attempts):
        with count_queries() as statements:
            await send()
        count = len(selects(statements))
        if count == previous:
            return count
        previous = count
    raise AssertionError(f"no steady query count in {attempts} runs")


async def page_costs(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    query: str,
    sizes: tuple[int, ...],
) -> dict[int, int]:
    """Steady SELECTs per request for each page size (``$first``). Every page must be
    full, or the comparison says nothing."""
    costs = {}
    for size in sizes:

        async def send(size: int = size) -> None:
            response = await client.post(
                "/graphql", json={"query": query, "variables": {"first": size}}, headers=headers
            )
            body = response.json()
            assert "errors" not in body, body
            (connection,) = body["data"].values()
            assert len(connection["edges"]) == size, f"seed at least {size} rows"

        await send()  # warm
        costs[size] = await steady_selects(send)
    return costs
