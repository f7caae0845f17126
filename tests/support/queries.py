"""Counting the SQL statements a piece of code sends (Saleor's `count_queries`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
