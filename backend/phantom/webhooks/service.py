"""Webhooks: registration (the secret shown once, sealed at rest), the delivery rows that
``emit`` creates for other domains, and the worker's side of a delivery (claim, post,
record, retry). Sending happens in ``webhooks.deliver`` jobs queued after commit."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx2
from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.config import settings
from phantom.db import transaction
from phantom.identity.principal import Principal
from phantom.kit.crypto import seal, unseal
from phantom.kit.errors import Conflict
from phantom.kit.jobs import enqueue_job, send_job
from phantom.kit.outbound import OutboundRefused, client_options
from phantom.kit.pagination import Page, PageRequest
from phantom.kit.rows import utcnow
from phantom.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from phantom.webhooks.repository import DeliveryRepository, WebhookRepository
from phantom.webhooks.signing import HEADER, signature_header
from phantom.webhooks.validation import EVENTS, clean_events, clean_url

log = logging.getLogger(__name__)
SECRET_PURPOSE = "webhooks.secret"  # noqa: S105 - the key derivation's label
DELIVER_JOB = "webhooks.deliver"
LEASE_MARGIN_SECONDS = 30  # a claim outlives the request's timeout by this much
USER_AGENT = "Phantom-Webhooks/1"
SWEEP_QUIET_SECONDS = 60  # a delivery untouched this long past its time lost its message


def _aad(tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> bytes:
    return tenant_id.bytes + webhook_id.bytes


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def backoff_seconds(attempts: int) -> float:
    """After the ``attempts``-th failure: base, 2x base, 4x base... up to the cap."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return float(min(base * 2 ** max(attempts - 1, 0), settings.WEBHOOK_RETRY_MAX_SECONDS))


class WebhookService:
    @requires(P.WEBHOOKS_MANAGE)
    async def create(
        self, session: AsyncSession, principal: Principal, url: str, events: list[str]
    ) -> tuple[Webhook, str]:
        """The webhook and its signing secret: the only time the secret is readable."""
        clean = clean_url(url.strip(), allow_private=settings.WEBHOOK_ALLOW_PRIVATE)
        wanted = clean_events(events)
        repo = WebhookRepository(session)
        if await repo.count_locked(principal.tenant_id) >= settings.WEBHOOKS_PER_TENANT:
            raise Conflict(
                f"An organization has at most {settings.WEBHOOKS_PER_TENANT} webhooks; "
                "delete one first."
            )
        secret = new_secret()
        webhook_id = uuid.uuid4()
        webhook = Webhook(
            id=webhook_id,
            tenant_id=principal.tenant_id,
            url=clean,
            events=wanted,
            secret_sealed=seal(
                secret.encode(), purpose=SECRET_PURPOSE, aad=_aad(principal.tenant_id, webhook_id)
            ),
            created_by=principal.user_id,
        )
        await repo.add(webhook)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="webhooks.webhook.created",
            resource=("webhook", webhook.id),
            details={"url": clean, "events": wanted},  # never the secret
        )
        return webhook, secret

    @requires(P.WEBHOOKS_MANAGE)
    async def events(self, principal: Principal) -> tuple[str, ...]:
        """The events a webhook can subscribe to."""
        return EVENTS

    @requires(P.WEBHOOKS_MANAGE)
    async def list(
        self, session: AsyncSession, principal: Principal, page: PageRequest
    ) -> Page[Webhook]:
        repo = WebhookRepository(session)
        return await repo.page(repo.listing(), page)

    @requires(P.WEBHOOKS_MANAGE)
    async def delete(
        self, session: AsyncSession, principal: Principal, webhook_id: uuid.UUID
    ) -> uuid.UUID:
        """Deletes the webhook and its deliveries (a delivery in flight finds nothing)."""
        repo = WebhookRepository(session)
        webhook = await repo.get(webhook_id, for_update=True)
        await repo.delete(webhook)
        await audit.record(
            session,
            actor=audit.Actor.from_principal(principal),
            action="webhooks.webhook.deleted",
            resource=("webhook", webhook_id),
            details={"url": webhook.url},
        )
        return webhook_id

    @requires(P.WEBHOOKS_MANAGE)
    async def deliveries(
        self,
        session: AsyncSession,
        principal: Principal,
        webhook_id: uuid.UUID,
        page: PageRequest,
    ) -> Page[WebhookDelivery]:
        await WebhookRepository(session).get(webhook_id)  # NotFound for another tenant's
        repo = DeliveryRepository(session)
        return await repo.page(repo.of_webhook(webhook_id), page)


webhooks = WebhookService()


# --- for other domains --------------------------------------------------------------------


async def emit(
    session: AsyncSession, tenant_id: uuid.UUID, event: str, payload: dict[str, Any]
) -> int:
    """One delivery per webhook of the tenant subscribed to ``event``, sent after the
    session commits (none if it rolls back); how many. ``payload`` becomes the body's
    ``data``. Called by domains inside their own transaction (no permission of its own:
    the caller's action is what was authorized)."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    subscribed = await WebhookRepository(session).subscribed(event)
    if not subscribed:
        return 0
    event_id = uuid.uuid4()
    body = json.dumps(
        {
            "id": str(event_id),
            "type": event,
            "createdAt": utcnow().isoformat(),
            "tenantId": str(tenant_id),
            "data": payload,
        },
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )
    repo = DeliveryRepository(session)
    for webhook in subscribed:
        delivery = await repo.add(
            WebhookDelivery(
                tenant_id=tenant_id,
                webhook_id=webhook.id,
                event_id=event_id,
                event=event,
                body=body,
                status=DeliveryStatus.PENDING.value,
            )
        )
        enqueue_job(session, DELIVER_JOB, tenant_id=tenant_id, delivery_id=delivery.id)
    return len(subscribed)


# --- the worker's side --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    delivery_id: uuid.UUID
    attempt: int
    url: str
    secret: str
    event: str
    event_id: uuid.UUID
    body: bytes


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str | None
    final: bool = False  # refused by policy: retrying cannot help

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def claim(tenant_id: uuid.UUID, delivery_id: uuid.UUID) -> Claim | None:
    """Take the delivery for one attempt, committed before anything is sent: while the
    lease holds, no other worker can take it. None when it is gone, done, not due yet, or
    held by someone else."""
    now = utcnow()
    async with transaction(tenant_id) as session:
        delivery = await DeliveryRepository(session).find(delivery_id, for_update=True)
        if delivery is None or delivery.status not in (
            DeliveryStatus.PENDING.value,
            DeliveryStatus.RETRYING.value,
        ):
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            return None
        webhook = await WebhookRepository(session).find(delivery.webhook_id)
        if webhook is None:
            return None
        delivery.attempts += 1
        delivery.claimed_until = now + timedelta(
            seconds=settings.WEBHOOK_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS
        )
        delivery.updated_at = now
        secret = unseal(
            webhook.secret_sealed, purpose=SECRET_PURPOSE, aad=_aad(tenant_id, webhook.id)
        ).decode()
        return Claim(
            delivery_id=delivery.id,
            attempt=delivery.attempts,
            url=webhook.url,
            secret=secret,
            event=delivery.event,
            event_id=delivery.event_id,
            body=delivery.body.encode(),
        )


def _refusal(error: OutboundRefused) -> str:
    """What the tenant reads about a refused address (the address itself stays in the
    server log: internal names' addresses are not the tenant's business)."""
    text = str(error)
    if "https is required" in text:
        return "Refused: https is required (PHANTOM_WEBHOOK_ALLOW_PRIVATE is off)."
    return (
        "Refused: the URL's host resolves to a private, loopback or link-local address "
        "(PHANTOM_WEBHOOK_ALLOW_PRIVATE is off)."
    )


async def post(claimed: Claim) -> Outcome:
    """One attempt: the signed POST, no redirects, the checked address, a timeout. The
    answer's body is never read."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        HEADER: signature_header(claimed.secret, claimed.body, int(time.time())),
        "X-Phantom-Event": claimed.event,
        "X-Phantom-Event-Id": str(claimed.event_id),
        "X-Phantom-Delivery-Id": str(claimed.delivery_id),
        "X-Phantom-Delivery-Attempt": str(claimed.attempt),
    }
    options = client_options(private=settings.WEBHOOK_ALLOW_PRIVATE)
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        async with (
            asyncio.timeout(timeout),  # the whole attempt: a drip-fed answer too
            httpx2.AsyncClient(timeout=timeout, **options) as client,  # type: ignore[arg-type]
            client.stream("POST", claimed.url, content=claimed.body, headers=headers) as answer,
        ):
            code = answer.status_code
    except OutboundRefused as error:
        if "does not resolve" in str(error):
            return Outcome(None, "The URL's host does not resolve.")
        log.warning("webhook delivery refused", extra={"reason": str(error)})
        return Outcome(None, _refusal(error), final=True)
    except (TimeoutError, httpx2.TimeoutException):
        return Outcome(None, f"No answer within {timeout:g} s.")
    except httpx2.HTTPError as error:
        return Outcome(None, f"Connection failed: {type(error).__name__}.")
    if 200 <= code < 300:
        return Outcome(code, None)
    if 300 <= code < 400:
        return Outcome(code, f"The receiver answered {code}: redirects are not followed.")
    return Outcome(code, f"The receiver answered {code}.")


async def record_outcome(tenant_id: uuid.UUID, claimed: Claim, outcome: Outcome) -> float | None:
    """Store the attempt's result; seconds until the next attempt, or None when done.
    Only the holder of this attempt's claim writes (the attempt number fences it)."""
    now = utcnow()
    async with transaction(tenant_id) as session:
        delivery = await DeliveryRepository(session).find(claimed.delivery_id, for_update=True)
        if delivery is None or delivery.attempts != claimed.attempt:
            return None
        delivery.claimed_until = None
        delivery.updated_at = now
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error[:500] if outcome.error else None
        if outcome.delivered:
            delivery.status = DeliveryStatus.DELIVERED.value
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            return None
        if outcome.final or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED.value
            delivery.next_attempt_at = None
            return None
        delay = backoff_seconds(delivery.attempts)
        delivery.status = DeliveryStatus.RETRYING.value
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        return delay


async def deliver(tenant_id: uuid.UUID, delivery_id: uuid.UUID) -> DeliveryStatus | None:
    """The ``webhooks.deliver`` job: one attempt, then the next one queued with backoff.
    Idempotent: a duplicate message finds the delivery claimed, done or not due."""
    claimed = await claim(tenant_id, delivery_id)
    if claimed is None:
        return None
    outcome = await post(claimed)
    delay = await record_outcome(tenant_id, claimed, outcome)
    if delay is not None:
        send_job(
            DELIVER_JOB,
            delay_ms=int(delay * 1000),
            tenant_id=tenant_id,
            delivery_id=delivery_id,
        )
        return DeliveryStatus.RETRYING
    return DeliveryStatus.DELIVERED if outcome.delivered else DeliveryStatus.FAILED


async def sweep(now: datetime | None = None, limit: int = 500) -> int:
    """Re-send due deliveries whose message was lost (Redis restarted, a worker died
    holding a claim), and delete finished ones past their retention: the
    ``webhooks.sweep`` schedule. How many were sent."""
    moment = now or utcnow()
    retention = timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    async with transaction(None) as session:
        repo = DeliveryRepository(session)
        due = await repo.due_everywhere(
            moment, moment - timedelta(seconds=SWEEP_QUIET_SECONDS), limit
        )
        purged = await repo.purge_finished_everywhere(moment - retention)
    if purged:
        log.info("webhook deliveries purged", extra={"deliveries": purged})
    for tenant_id, delivery_id in due:
        send_job(DELIVER_JOB, tenant_id=tenant_id, delivery_id=delivery_id)
    return len(due)
