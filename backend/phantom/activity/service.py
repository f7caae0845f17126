"""Who may open the tenant's live event stream, and on which tenant: the caller's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import AbstractAsyncContextManager

from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.identity.principal import Principal
from phantom.kit.events import Event, get_event_bus


class ActivityService:
    @requires(P.EVENTS_READ)
    async def open_stream(
        self, principal: Principal, topics: Collection[str] | None
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        return get_event_bus().subscribe(principal.tenant_id, topics)


activity = ActivityService()
