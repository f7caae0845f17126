"""Three real trained versions for the package (a fit takes seconds): a binary classifier
(breast cancer biopsies, "malignant" the positive class), a regression model (diabetes
progression) and a multiclass one (iris species), all of the first tenant; the second
tenant has none."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from phantom.automl import runs
from phantom.automl.supervisor import supervise
from tests.automl.support import breast_cancer, diabetes, iris, job, start, upload_frame
from tests.support.fixtures import TenantFixture, create_tenant, gql


@dataclass
class World:
    tenant: TenantFixture
    other: TenantFixture
    classifier: str  # version id
    classifier_model: str  # registered model id
    regression: str
    biopsies: str  # the classifier's dataset
    multiclass: str  # iris species


async def train(
    client: httpx.AsyncClient, tenant: TenantFixture, dataset: str, target: str, name: str
) -> dict[str, Any]:
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset,
        target=target,
        timeBudgetSeconds=10,
        modelName=name,
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claimed = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claimed is not None
    await supervise(claimed)
    found = await job(client, tenant.bearer, job_id)
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    version: dict[str, Any] = found["modelVersion"]
    return version


@pytest.fixture(scope="package")
async def world(app: Any) -> World:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        biopsies = await upload_frame(client, tenant.bearer, breast_cancer(), "Biopsies")
        classifier = await train(client, tenant, biopsies, "diagnosis", "Biopsy triage")
        progression = await upload_frame(client, tenant.bearer, diabetes(), "Diabetes")
        regression = await train(client, tenant, progression, "progression", "Progression")
        flowers = await upload_frame(client, tenant.bearer, iris(), "Iris")
        multiclass = await train(client, tenant, flowers, "species", "Species")
        found = await gql(
            client,
            "query($id: ID!) { modelVersion(id: $id) { modelId } }",
            {"id": classifier["id"]},
            tenant.bearer,
        )
    return World(
        tenant,
        other,
        str(classifier["id"]),
        str(found["data"]["modelVersion"]["modelId"]),
        str(regression["id"]),
        biopsies,
        str(multiclass["id"]),
    )
