"""All webhook SQL."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, delete, func, select, text

from phantom.kit.repository import Repository
from phantom.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery


class WebhookRepository(Repository[Webhook]):
    model = Webhook
    noun = "Webhook"

    def listing(self) -> Select[Webhook]:
        return select(Webhook)

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count(Webhook.id))) or 0)

    async def count_locked(self, tenant_id: uuid.UUID) -> int:
        """The count, with the tenant's webhook creations serialized until this transaction
        ends (a transaction-scoped advisory lock): concurrent creations cannot all see
        room under the cap."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"webhooks.create:{tenant_id}"},
        )
        return await self.count()

    async def subscribed(self, event: str) -> list[Webhook]:
        """The tenant's webhooks that want ``event`` (a tenant has a few dozen at most)."""
        rows = (await self.session.scalars(select(Webhook))).all()
        return [row for row in rows if event in row.events]


class DeliveryRepository(Repository[WebhookDelivery]):
    model = WebhookDelivery
    noun = "Webhook delivery"

    def of_webhook(self, webhook_id: uuid.UUID) -> Select[WebhookDelivery]:
        return select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)

    async def due_everywhere(
        self, now: datetime, quiet_since: datetime, limit: int
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(tenant, delivery) of every tenant's due deliveries untouched since
        ``quiet_since`` (younger ones have their message in flight), for the sweep (a
        system session: the schedule belongs to no tenant)."""
        statement = (
            select(WebhookDelivery.tenant_id, WebhookDelivery.id)
            .where(
                WebhookDelivery.status.in_(
                    [DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value]
                ),
                (WebhookDelivery.next_attempt_at.is_(None))
                | (WebhookDelivery.next_attempt_at <= now),
                (WebhookDelivery.claimed_until.is_(None)) | (WebhookDelivery.claimed_until < now),
                WebhookDelivery.updated_at <= quiet_since,
            )
            .order_by(WebhookDelivery.created_at)
            .limit(limit)
            .execution_options(all_tenants=True)  # tenant-scope: the sweep serves every tenant
        )
        rows = await self.session.execute(statement)
        return [(row[0], row[1]) for row in rows]

    async def purge_finished_everywhere(self, before: datetime) -> int:
        """Delete every tenant's delivered and failed deliveries last touched before
        ``before`` (retention; a system session, like the sweep)."""
        result = await self.session.execute(
            delete(WebhookDelivery)
            .where(
                WebhookDelivery.status.in_(
                    [DeliveryStatus.DELIVERED.value, DeliveryStatus.FAILED.value]
                ),
                WebhookDelivery.updated_at < before,
            )
            .execution_options(all_tenants=True)  # tenant-scope: retention serves every tenant
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
