"""Per-request DataLoaders that make a page of events readable (never module-level: a
cache shared across requests would cross tenants): each resource's human name. A page
costs one lookup per kind of resource, not one per row. Names come through the owning
domain's service with the viewer's permissions: a viewer who may not read datasets gets
no dataset names (the SPA then shows the kind and a short id). Who was erased comes with
the page itself (``AuditService.search``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from phantom.approvals.service import approvals
from phantom.automl.service import training
from phantom.datasets.service import datasets
from phantom.graphql.context import Context
from phantom.identity.loaders import display_name_loader
from phantom.identity.principal import Principal
from phantom.kit.errors import Forbidden
from phantom.registry.service import registry

ERASED = "Erased person"

ResourceKey = tuple[str, str]  # (resource type, resource id) as the event stores them


@dataclass(frozen=True, slots=True)
class ResolvedResource:
    name: str | None
    path: str | None  # the SPA page that shows it


Namer = Callable[[AsyncSession, Principal, set[uuid.UUID]], Awaitable[dict[uuid.UUID, str]]]


async def _datasets(s: AsyncSession, p: Principal, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {i: d.name for i, d in (await datasets.get_many(s, p, ids)).items()}


async def _versions(s: AsyncSession, p: Principal, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {i: f"{name} v{n}" for i, (name, n) in (await approvals.labels(s, p, ids)).items()}


# by resource type: how to name it, and its page (``{id}``: the resource's own page)
NAMERS: dict[str, tuple[Namer, str | None]] = {
    "dataset": (_datasets, "/data/{id}"),
    "model_version": (_versions, "/models/versions/{id}"),
    "registered_model": (registry.model_names, "/models?tab=registry"),
    "training_job": (training.model_names, "/models/jobs/{id}"),
}
MEMBERS_PAGE = "/admin/members"
PEOPLE = "user"  # named through identity's loader, which the actors' names share
PAGES: dict[str, str] = {  # kinds without a name to look up, listed on one page
    "role": "/admin/roles",
    "alert": "/alerts",
    "promotion_request": "/approvals",
    "promotion_policy": "/admin/approvals",
    "data_subject_request": "/compliance",
    "audit_retention_policy": "/compliance",
    "webhook": "/admin/webhooks",
    "api_token": "/admin/tokens",
    "oidc_config": "/admin/sso",
}


def resource_loader(context: Context) -> DataLoader[ResourceKey, ResolvedResource]:
    """Names and pages of the resources on a page of events: one query per kind."""

    async def load(keys: Sequence[ResourceKey]) -> list[ResolvedResource]:
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for kind, raw in keys:
            parsed = _uuid(raw)
            if (kind in NAMERS or kind == PEOPLE) and parsed is not None:
                wanted[kind].add(parsed)
        names: dict[str, dict[uuid.UUID, str]] = {}
        if wanted.get(PEOPLE):
            people = sorted(wanted.pop(PEOPLE), key=str)
            try:
                found = await display_name_loader(context).load_many(people)
            except Forbidden:  # members' names need datasets:read, as everywhere
                found = [None] * len(people)
            names[PEOPLE] = {p: n for p, n in zip(people, found, strict=True) if n}
        if wanted:
            principal = context.require_principal()
            async with context.session() as session:
                for kind, ids in wanted.items():
                    namer, _ = NAMERS[kind]
                    try:
                        names[kind] = await namer(session, principal, ids)
                    except Forbidden:
                        names[kind] = {}  # the viewer may not see these: kind and id only
        return [_resolved(kind, raw, names) for kind, raw in keys]

    loader: DataLoader[ResourceKey, ResolvedResource] = context.loaders.setdefault(
        "audit_resources", DataLoader(load_fn=load)
    )
    return loader


def _resolved(kind: str, raw: str, names: dict[str, dict[uuid.UUID, str]]) -> ResolvedResource:
    """Erased people never get here: the schema names them from the page's erasures."""
    if kind in PAGES:
        return ResolvedResource(raw if kind == "role" else None, PAGES[kind])
    if kind not in NAMERS and kind != PEOPLE:
        return ResolvedResource(None, None)
    parsed = _uuid(raw)
    name = names.get(kind, {}).get(parsed) if parsed else None
    if not name:  # deleted since, another tenant's, or not the viewer's to see
        return ResolvedResource(None, None)
    page = MEMBERS_PAGE if kind == PEOPLE else NAMERS[kind][1]
    return ResolvedResource(name, page.format(id=raw) if page else None)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
