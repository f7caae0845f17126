"""The tenant's live event stream (job state, housekeeping, later alerts)."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry import Info
from strawberry.scalars import JSON

from phantom.activity.service import activity
from phantom.authz.permissions import P
from phantom.config import settings
from phantom.graphql.context import Context
from phantom.graphql.permissions import authenticated
from phantom.kit.errors import BadUserInput
from phantom.kit.events import Event, checked_every

TOPIC_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,99}$")
MAX_TOPICS = 50


@strawberry.type
class TenantEvent:
    topic: str
    occurred_at: datetime
    payload: JSON

    @classmethod
    def from_event(cls, event: Event) -> TenantEvent:
        return cls(topic=event.topic, occurred_at=event.occurred_at, payload=JSON(event.payload))


def clean_topics(topics: list[str] | None) -> set[str] | None:
    if topics is None:
        return None
    if len(topics) > MAX_TOPICS:
        raise BadUserInput(f"At most {MAX_TOPICS} topics per subscription.")
    for topic in topics:
        if not TOPIC_RE.fullmatch(topic):
            raise BadUserInput(
                "Invalid topic: use lowercase letters, digits, '.', '_' or '-' (at most 100)."
            )
    return set(topics)


@strawberry.type
class ActivitySubscription:
    @strawberry.subscription(
        extensions=authenticated(),
        description="Events of the caller's tenant, optionally only the given topics.",
    )
    async def tenant_events(
        self, info: Info[Context, None], topics: list[str] | None = None
    ) -> AsyncGenerator[TenantEvent, None]:
        context = info.context
        wanted = clean_topics(topics)
        stream_of = await activity.open_stream(context.require_principal(), wanted)
        async with stream_of as stream:
            async for event in checked_every(
                stream,
                settings.STREAM_REVALIDATE_SECONDS,
                lambda: context.revalidate(P.EVENTS_READ),
            ):
                yield TenantEvent.from_event(event)
