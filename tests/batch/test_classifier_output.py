"""A classifier's batch output carries one ``probability_<class>`` column per class, equal
to scoring the whole dataset at once (a real AutoGluon fit, scored in chunks of 100)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import numpy as np
import pyarrow.parquet as pq
import pytest

from phantom.automl import runs as training_runs
from phantom.automl.supervisor import supervise
from phantom.batch.scoring import run
from phantom.datasets.service import training_data
from phantom.db import transaction
from phantom.kit.storage import get_store
from phantom.registry.service import registry
from phantom.serving.cache import load_verified, unload
from tests.automl.support import breast_cancer, job, start, upload_frame
from tests.batch.support import claim, parquet_frame, started
from tests.support.fixtures import TenantFixture

pytestmark = pytest.mark.slow  # a real AutoGluon fit in a child process


async def trained_classifier(client: httpx.AsyncClient, tenant: TenantFixture, dataset: str) -> str:
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset,
        target="diagnosis",
        timeBudgetSeconds=10,
        modelName="Diagnosis",
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claimed = await training_runs.claim(tenant.id, uuid.UUID(job_id))
    assert claimed is not None
    await supervise(claimed)
    found = await job(client, tenant.bearer, job_id)
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    return str(found["modelVersion"]["id"])


async def test_a_classifiers_output_has_a_probability_per_class_equal_to_one_shot(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    dataset = await upload_frame(client, tenant.bearer, breast_cancer(), "Biopsies")
    version_id = await trained_classifier(client, tenant, dataset)
    job_id = await started(client, tenant.bearer, version_id, dataset)
    await run(await claim(tenant, job_id), 100)  # 569 rows: six chunks, the last one short
    response = await client.get(
        f"/api/v1/batch-predictions/{job_id}/download?format=parquet", headers=tenant.bearer
    )
    assert response.status_code == 200, response.text
    output = parquet_frame(response.content)
    frame = breast_cancer()
    assert list(output.columns) == [
        *frame.columns,
        "prediction",
        "probability_benign",
        "probability_malignant",
    ]
    assert len(output) == len(frame)
    # the same model over the whole file at once
    async with transaction(tenant.id) as session:
        version = await registry.servable(session, uuid.UUID(version_id))
        data = await training_data(session, uuid.UUID(dataset))
    with get_store().open(data.storage_path) as stream:
        whole = pq.read_table(stream).to_pandas()
    model, directory = await asyncio.to_thread(load_verified, version)
    try:
        predicted = model.predict(whole[[f["name"] for f in version.features]])
    finally:
        unload(model, directory)
    assert predicted.probabilities is not None
    assert predicted.classes == ["benign", "malignant"]
    assert (output["prediction"].to_numpy() == predicted.labels).all()
    for index, name in enumerate(predicted.classes):
        np.testing.assert_allclose(
            output[f"probability_{name}"], predicted.probabilities[:, index], rtol=1e-9
        )
    np.testing.assert_allclose(
        output[["probability_benign", "probability_malignant"]].sum(axis=1), 1
    )
    # and the predictions are those of a model that learned something
    assert (output["prediction"] == output["diagnosis"]).mean() > 0.85
