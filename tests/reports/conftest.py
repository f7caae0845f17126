"""One trained version per tenant for the package (a real fit takes seconds): ours a
classifier (holdout metrics, dropped columns, permutation importance), theirs an
anomaly detector."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from phantom.automl import runs
from phantom.automl.supervisor import supervise
from tests.automl.support import breast_cancer, job, start, upload_frame
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.models import train_version, upload_payments


@dataclass
class World:
    tenant: TenantFixture
    other: TenantFixture
    version: str  # "Fraud detector" v1 of the tenant: a binary classifier
    theirs: str  # the other tenant's version


async def train_classifier(client: httpx.AsyncClient, tenant: TenantFixture) -> str:
    dataset = await upload_frame(client, tenant.bearer, breast_cancer(), "Biopsies")
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset,
        target="diagnosis",
        timeBudgetSeconds=10,
        modelName="Fraud detector",
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claimed = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claimed is not None
    await supervise(claimed)
    found = await job(client, tenant.bearer, job_id)
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    return str(found["modelVersion"]["id"])


@pytest.fixture(scope="package")
async def world(app: Any) -> World:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        ours = await train_classifier(client, tenant)
        theirs = await train_version(
            client, other, await upload_payments(client, other), "Their model"
        )
    return World(tenant, other, ours, str(theirs["id"]))
