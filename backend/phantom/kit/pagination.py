"""Keyset pagination, newest first, behind opaque Relay cursors."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.kit.errors import BadUserInput
from phantom.kit.rows import IdMixin

MAX_PAGE_SIZE = 100
ModelT = TypeVar("ModelT", bound=IdMixin)


@dataclass(frozen=True, slots=True)
class PageRequest:
    first: int
    after: tuple[datetime, uuid.UUID] | None


@dataclass(frozen=True, slots=True)
class Page(Generic[ModelT]):
    items: Sequence[ModelT]
    has_next_page: bool
    has_previous_page: bool
    total_count: int


def encode_cursor(item: IdMixin) -> str:
    raw = f"{item.created_at.isoformat()}|{item.id}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created_at, item_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created_at), uuid.UUID(item_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadUserInput("Invalid cursor: pass a cursor returned by this connection.") from None


def page_request(first: int | None, after: str | None, default: int = 20) -> PageRequest:
    first = default if first is None else first
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE_SIZE}.")
    if after is not None and len(after) > 200:
        raise BadUserInput("Invalid cursor: pass a cursor returned by this connection.")
    return PageRequest(first=first, after=decode_cursor(after) if after else None)


async def paginate(
    session: AsyncSession, statement: Select[ModelT], model: type[ModelT], page: PageRequest
) -> Page[ModelT]:
    """``statement`` selects ``model`` rows with any filters; ordering is applied here."""
    key: Any = tuple_(model.created_at, model.id)
    # the same statement with a count for columns: the ORM tenant filter applies to it
    # (it does not reach into a subquery, which would count every tenant's rows)
    counting = statement.with_only_columns(func.count(model.id)).order_by(None)
    total = await session.scalar(counting)
    if page.after is not None:
        statement = statement.where(key < tuple_(*page.after))
    statement = statement.order_by(model.created_at.desc(), model.id.desc()).limit(page.first + 1)
    rows = list((await session.scalars(statement)).all())
    return Page(
        items=rows[: page.first],
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        total_count=total or 0,
    )
