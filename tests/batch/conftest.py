"""One trained model per package (a real fit takes seconds), scored with small chunks so
that every test crosses chunk boundaries."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.automl.support import upload_frame
from tests.batch.support import World, scoring_frame
from tests.support.fixtures import create_tenant
from tests.support.models import train_version, upload_payments


@pytest.fixture(scope="package")
async def world(app: Any) -> World:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), "Fraud"
        )
        frame = scoring_frame()
        dataset = await upload_frame(client, tenant.bearer, frame, "April payments")
        theirs = await train_version(client, other, await upload_payments(client, other), "Fraud")
        their_dataset = await upload_frame(client, other.bearer, frame, "Their payments")
    return World(
        tenant, other, str(version["id"]), dataset, frame, str(theirs["id"]), their_dataset
    )
