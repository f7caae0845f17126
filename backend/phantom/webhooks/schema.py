"""Webhooks' GraphQL: registration (the secret answered once), listing, deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import Info

from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.kit.pagination import page_request
from phantom.webhooks import models
from phantom.webhooks.service import webhooks

WebhookDeliveryStatus = strawberry.enum(models.DeliveryStatus, name="WebhookDeliveryStatus")


@strawberry.type
class Webhook:
    id: strawberry.ID
    url: str
    events: list[str]
    created_at: datetime

    @classmethod
    def from_model(cls, webhook: models.Webhook) -> Webhook:
        return cls(
            id=strawberry.ID(str(webhook.id)),
            url=webhook.url,
            events=list(webhook.events),
            created_at=webhook.created_at,
        )


@strawberry.type
class CreatedWebhook:
    webhook: Webhook
    secret: str = strawberry.field(
        description="Signs every delivery (X-Phantom-Signature). Shown once: store it now."
    )


@strawberry.input
class CreateWebhookInput:
    url: str = strawberry.field(
        description="https; private, loopback and link-local addresses are refused unless "
        "PHANTOM_WEBHOOK_ALLOW_PRIVATE (checked again at each delivery)."
    )
    events: list[str] = strawberry.field(
        description="alert.opened, alert.acknowledged, alert.resolved."
    )


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID
    webhook_id: strawberry.ID
    event_id: strawberry.ID = strawberry.field(
        description="X-Phantom-Event-Id: the same on retries."
    )
    event: str
    status: models.DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, delivery: models.WebhookDelivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(delivery.id)),
            webhook_id=strawberry.ID(str(delivery.webhook_id)),
            event_id=strawberry.ID(str(delivery.event_id)),
            event=delivery.event,
            status=models.DeliveryStatus(delivery.status),
            attempts=delivery.attempts,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            next_attempt_at=delivery.next_attempt_at,
            delivered_at=delivery.delivered_at,
            created_at=delivery.created_at,
        )


@strawberry.type
class WebhookQuery:
    @strawberry.field(
        extensions=authenticated(), description="webhooks:manage. What createWebhook takes."
    )
    async def webhook_events(self, info: Info[Context, None]) -> list[str]:
        return list(await webhooks.events(info.context.require_principal()))

    @strawberry.field(extensions=authenticated(), description="webhooks:manage; newest first.")
    async def webhooks(
        self, info: Info[Context, None], first: int | None = 20, after: str | None = None
    ) -> Connection[Webhook]:
        page = page_request(first, after)
        async with info.context.session() as session:
            result = await webhooks.list(session, info.context.require_principal(), page)
        return Connection.from_page(result, Webhook.from_model)

    @strawberry.field(extensions=authenticated(), description="webhooks:manage; newest first.")
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        webhook_id: strawberry.ID,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[WebhookDelivery]:
        hook: uuid.UUID = parse_id(webhook_id, "Webhook")
        page = page_request(first, after)
        async with info.context.session() as session:
            result = await webhooks.deliveries(
                session, info.context.require_principal(), hook, page
            )
        return Connection.from_page(result, WebhookDelivery.from_model)


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        extensions=authenticated(), description="webhooks:manage. The secret is answered once."
    )
    async def create_webhook(
        self, info: Info[Context, None], input: CreateWebhookInput
    ) -> CreatedWebhook:
        async with info.context.session() as session:
            webhook, secret = await webhooks.create(
                session, info.context.require_principal(), input.url, list(input.events)
            )
        return CreatedWebhook(webhook=Webhook.from_model(webhook), secret=secret)

    @strawberry.mutation(
        extensions=authenticated(), description="webhooks:manage. Its deliveries go with it."
    )
    async def delete_webhook(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        webhook_id = parse_id(id, "Webhook")
        async with info.context.session() as session:
            await webhooks.delete(session, info.context.require_principal(), webhook_id)
        return True
