"""Model versions made the way production makes them, in seconds: a real training job
(``startTraining``) whose claim and fit the test runs itself (the ``automl.train`` actor's
body: ``runs.claim`` then ``supervise``), with the real child process, the anomaly engine
(scikit-learn, the fastest), a real artefact in the store and the registry's own
registration."""

from __future__ import annotations

import uuid

import httpx
import pandas as pd

from phantom.automl import runs
from phantom.automl.supervisor import supervise
from tests.automl.support import job, start, transactions, upload_frame
from tests.support.fixtures import TenantFixture


def payments(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """Unlabelled transactions: anomaly detection needs no target."""
    return transactions(rows, seed).drop(columns=["fraud"])


async def upload_payments(
    client: httpx.AsyncClient, tenant: TenantFixture, name: str = "Payments"
) -> str:
    return await upload_frame(client, tenant.bearer, payments(), name)


async def train_version(
    client: httpx.AsyncClient, tenant: TenantFixture, dataset_id: str, model_name: str
) -> dict[str, str | int]:
    """Train and register one version of ``model_name``; its id, version and job id."""
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset_id,
        taskType="ANOMALY_DETECTION",
        timeBudgetSeconds=5,
        modelName=model_name,
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claim = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claim is not None, "the job was claimed by someone else"
    await supervise(claim)
    found = await job(client, tenant.bearer, job_id)
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    version = found["modelVersion"]
    return {"id": version["id"], "version": version["version"], "job": job_id}
