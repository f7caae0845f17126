"""One registry for the package, trained once: real versions take seconds each."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.registry.support import Registry
from tests.support.approvals import approval_off
from tests.support.fixtures import create_tenant
from tests.support.models import train_version, upload_payments


@pytest.fixture(scope="package")
async def registry(app: Any) -> Registry:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        ours = await upload_payments(client, tenant)
        fraud = [await train_version(client, tenant, ours, "Fraud") for _ in range(2)]
        churn = await train_version(client, tenant, ours, "Churn")
        theirs = await train_version(client, other, await upload_payments(client, other), "Fraud")
        # stages are this package's subject, approvals tests/approvals': promote directly
        for owner in (tenant, other):
            await approval_off(client, owner)
    return Registry(tenant, other, fraud, churn, theirs, ours)
