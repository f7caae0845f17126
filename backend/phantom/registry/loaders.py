"""Per-request DataLoaders (never module-level: a cache shared across requests would
cross tenants). A page of model versions costs one model-name lookup, not one per row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from phantom.graphql.context import Context
from phantom.registry.service import registry


def model_name_loader(context: Context) -> DataLoader[uuid.UUID, str]:
    async def load(model_ids: Sequence[uuid.UUID]) -> list[str]:
        async with context.session() as session:
            names = await registry.model_names(session, context.require_principal(), set(model_ids))
        return [names.get(model_id, "") for model_id in model_ids]

    loader: DataLoader[uuid.UUID, str] = context.loaders.setdefault(
        "registry_model_names", DataLoader(load_fn=load)
    )
    return loader


def fairness_loader(context: Context) -> DataLoader[uuid.UUID, list[dict[str, Any]]]:
    """A page of versions reads its (deferred) fairness reports in one query."""

    async def load(version_ids: Sequence[uuid.UUID]) -> list[list[dict[str, Any]]]:
        async with context.session() as session:
            found = await registry.fairness(session, context.require_principal(), set(version_ids))
        return [found.get(version_id, []) for version_id in version_ids]

    loader: DataLoader[uuid.UUID, list[dict[str, Any]]] = context.loaders.setdefault(
        "registry_fairness", DataLoader(load_fn=load)
    )
    return loader


Insights = tuple[dict[str, Any] | None, dict[str, Any] | None]


def version_insights_loader(context: Context) -> DataLoader[uuid.UUID, Insights]:
    """A version's insights and reproducibility record: deferred columns, loaded once per
    request for every version and field that asks."""

    async def load(version_ids: Sequence[uuid.UUID]) -> list[Insights]:
        async with context.session() as session:
            found = await registry.insights(session, context.require_principal(), set(version_ids))
        return [found.get(version_id, (None, None)) for version_id in version_ids]

    loader: DataLoader[uuid.UUID, Insights] = context.loaders.setdefault(
        "registry_version_insights", DataLoader(load_fn=load)
    )
    return loader
