"""A small real model for serving tests: the anomaly engine on payments (a fit of a few
seconds in a child process, registered by the registry, loaded from the store)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.models import payments, train_version, upload_payments


async def trained_model(app: Any, model_name: str = "Payments") -> tuple[TenantFixture, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), model_name
        )
    return tenant, str(version["id"])


def payment_rows(count: int, seed: int = 1) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = payments(max(count, 10), seed).head(count).to_dict("records")
    return rows
