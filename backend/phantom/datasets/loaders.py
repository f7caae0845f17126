"""Per-request DataLoaders (never module-level: a cache shared across requests would
cross tenants). A page of datasets costs one uploader lookup, not one per row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from phantom.datasets.service import datasets
from phantom.graphql.context import Context


def uploader_loader(context: Context) -> DataLoader[uuid.UUID, str | None]:
    async def load(user_ids: Sequence[uuid.UUID]) -> list[str | None]:
        async with context.session() as session:
            names = await datasets.uploader_names(
                session, context.require_principal(), set(user_ids)
            )
        return [names.get(user_id) for user_id in user_ids]

    loader: DataLoader[uuid.UUID, str | None] = context.loaders.setdefault(
        "dataset_uploaders", DataLoader(load_fn=load)
    )
    return loader
