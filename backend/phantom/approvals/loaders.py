"""Per-request DataLoaders (never module-level: a cache shared across requests would
cross tenants): a page of versions costs one lookup of their approval histories, and a
page of requests one lookup of their model names."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from phantom.approvals.models import PromotionRequest
from phantom.approvals.service import approvals
from phantom.graphql.context import Context


def history_loader(context: Context) -> DataLoader[uuid.UUID, list[PromotionRequest]]:
    async def load(version_ids: Sequence[uuid.UUID]) -> list[list[PromotionRequest]]:
        async with context.session() as session:
            found = await approvals.of_versions(
                session, context.require_principal(), set(version_ids)
            )
        return [found.get(v, []) for v in version_ids]

    loader: DataLoader[uuid.UUID, list[PromotionRequest]] = context.loaders.setdefault(
        "approvals_history", DataLoader(load_fn=load)
    )
    return loader


def label_loader(context: Context) -> DataLoader[uuid.UUID, tuple[str, int] | None]:
    """(model name, version number) of a model version."""

    async def load(version_ids: Sequence[uuid.UUID]) -> list[tuple[str, int] | None]:
        async with context.session() as session:
            found = await approvals.labels(session, context.require_principal(), set(version_ids))
        return [found.get(v) for v in version_ids]

    loader: DataLoader[uuid.UUID, tuple[str, int] | None] = context.loaders.setdefault(
        "approvals_labels", DataLoader(load_fn=load)
    )
    return loader
