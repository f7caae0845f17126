"""Per-request DataLoaders (never module-level: a cache shared across requests would
cross tenants). A page of jobs or model versions costs one dataset lookup, not one per
row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from phantom.datasets.models import Dataset
from phantom.datasets.service import datasets
from phantom.graphql.context import Context
from phantom.kit.errors import Forbidden


def dataset_loader(context: Context) -> DataLoader[uuid.UUID, Dataset | None]:
    """None for a dataset deleted since, or when the viewer may not read datasets."""

    async def load(dataset_ids: Sequence[uuid.UUID]) -> list[Dataset | None]:
        try:
            async with context.session() as session:
                found = await datasets.get_many(
                    session, context.require_principal(), set(dataset_ids)
                )
        except Forbidden:
            return [None] * len(dataset_ids)
        return [found.get(dataset_id) for dataset_id in dataset_ids]

    loader: DataLoader[uuid.UUID, Dataset | None] = context.loaders.setdefault(
        "datasets", DataLoader(load_fn=load)
    )
    return loader
