"""All value-model SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from phantom.kit.repository import Repository
from phantom.value.models import ValueModel


class ValueModelRepository(Repository[ValueModel]):
    model = ValueModel
    noun = "Value model"

    async def of_model(self, model_id: uuid.UUID, *, for_update: bool = False) -> ValueModel | None:
        statement = select(ValueModel).where(ValueModel.model_id == model_id)
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def of_models(self, model_ids: set[uuid.UUID]) -> dict[uuid.UUID, ValueModel]:
        """The value models of several of the session tenant's models, one query."""
        if not model_ids:
            return {}
        rows = await self.session.scalars(
            select(ValueModel).where(ValueModel.model_id.in_(model_ids))
        )
        return {row.model_id: row for row in rows}
