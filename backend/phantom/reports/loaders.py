"""Per-request DataLoaders: a page of model versions costs one query for their reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from phantom.graphql.context import Context
from phantom.reports.models import ModelReport
from phantom.reports.service import reports


def reports_loader(context: Context, limit: int) -> DataLoader[uuid.UUID, list[ModelReport]]:
    """Each version's newest ``limit`` reports, newest first (one loader per limit)."""

    async def load(version_ids: Sequence[uuid.UUID]) -> list[list[ModelReport]]:
        async with context.session() as session:
            found = await reports.newest(
                session, context.require_principal(), list(version_ids), limit
            )
        return [found.get(version_id, []) for version_id in version_ids]

    loader: DataLoader[uuid.UUID, list[ModelReport]] = context.loaders.setdefault(
        f"model_reports:{limit}", DataLoader(load_fn=load)
    )
    return loader
