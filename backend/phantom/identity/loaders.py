"""Per-request DataLoaders (never module-level: a cache shared across requests would
cross tenants). Each batch opens its own short session in the caller's tenant. Other
domains show who created their rows through ``display_name_loader``, never ``User``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from phantom.graphql.context import Context
from phantom.identity.members import MemberView, members
from phantom.kit.errors import Forbidden


def member_loader(context: Context) -> DataLoader[uuid.UUID, MemberView | None]:
    async def load(user_ids: Sequence[uuid.UUID]) -> list[MemberView | None]:
        async with context.session() as session:
            found = await members.views_for(session, context.tenant_id, list(user_ids))
        return [found.get(user_id) for user_id in user_ids]

    loader: DataLoader[uuid.UUID, MemberView | None] = context.loaders.setdefault(
        "members", DataLoader(load_fn=load)
    )
    return loader


def display_name_loader(context: Context) -> DataLoader[uuid.UUID, str | None]:
    """Display names by user id: a page of rows costs one lookup, not one per row."""

    async def load(user_ids: Sequence[uuid.UUID]) -> list[str | None]:
        async with context.session() as session:
            names = await members.display_names(session, context.require_principal(), set(user_ids))
        return [names.get(user_id) for user_id in user_ids]

    loader: DataLoader[uuid.UUID, str | None] = context.loaders.setdefault(
        "display_names", DataLoader(load_fn=load)
    )
    return loader


async def visible_display_name(context: Context, user_id: uuid.UUID | None) -> str | None:
    """Who, for those who may see members' names (None otherwise, or when erased)."""
    if user_id is None:
        return None
    try:
        return await display_name_loader(context).load(user_id)
    except Forbidden:
        return None
