"""The base of every domain's repository: one table's rows by id, refused as
``NotFound`` when absent (or in another tenant, which the tenant filter hides), and
keyset pages. A repository is the only place a domain writes SQL for its tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar, Generic

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.kit.errors import NotFound
from phantom.kit.pagination import ModelT, Page, PageRequest, paginate


class Repository(Generic[ModelT]):
    """Subclasses name their table (``model``) and what a caller calls a row (``noun``,
    as in "Dataset not found.")."""

    model: ClassVar[type[Any]]
    noun: ClassVar[str]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _by_id(self, row_id: uuid.UUID) -> Select[Any]:
        return select(self.model).where(self.model.id == row_id)

    async def find(self, row_id: uuid.UUID, *, for_update: bool = False) -> ModelT | None:
        """The row, or None; ``for_update`` locks it until the transaction ends.

        The lock is PostgreSQL's ``FOR NO KEY UPDATE`` (the one an ``UPDATE`` of other
        columns takes): it still serializes writers of the row, but lets other
        transactions insert rows whose foreign keys name it. ``FOR UPDATE`` blocks those
        inserts, and a claim holding its organization's row deadlocked a cancel that
        audits (tests/automl/test_claim_locks.py)."""
        statement = self._by_id(row_id)
        if for_update:
            statement = statement.with_for_update(key_share=True)
        row: ModelT | None = await self.session.scalar(statement)
        return row

    async def get(self, row_id: uuid.UUID, *, for_update: bool = False) -> ModelT:
        """The row, or ``NotFound``; ``for_update`` locks it until the transaction ends."""
        row = await self.find(row_id, for_update=for_update)
        if row is None:
            raise NotFound(self.noun)
        return row

    async def get_many(self, row_ids: Iterable[uuid.UUID]) -> list[ModelT]:
        wanted = set(row_ids)
        if not wanted:
            return []
        rows = await self.session.scalars(select(self.model).where(self.model.id.in_(wanted)))
        return list(rows.all())

    async def add(self, row: ModelT) -> ModelT:
        self.session.add(row)
        await self.session.flush()
        return row

    async def delete(self, row: ModelT) -> None:
        await self.session.delete(row)
        await self.session.flush()

    async def page(self, statement: Select[Any], request: PageRequest) -> Page[ModelT]:
        """Newest first; ``statement`` selects this repository's rows with any filters."""
        return await paginate(self.session, statement, self.model, request)
