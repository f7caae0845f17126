"""One trained version per tenant for the package (a real fit takes seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.models import train_version, upload_payments


@dataclass
class World:
    tenant: TenantFixture
    other: TenantFixture
    version: str  # "Fraud detector" v1 of the tenant
    theirs: str  # the other tenant's version


@pytest.fixture(scope="package")
async def world(app: Any) -> World:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        ours = await train_version(
            client, tenant, await upload_payments(client, tenant), "Fraud detector"
        )
        theirs = await train_version(
            client, other, await upload_payments(client, other), "Their model"
        )
    return World(tenant, other, str(ours["id"]), str(theirs["id"]))
