"""Prediction log batches as serving hands them to monitoring, scored by the real model."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pandas as pd

from phantom.automl import runs
from phantom.automl.supervisor import supervise
from phantom.db import transaction
from phantom.kit.ids import uuid7_block
from phantom.monitoring.predictionlog import prediction_log
from phantom.monitoring.types import LoggedBatch, ServedRequest
from phantom.monitoring.windows import observe
from phantom.registry.service import registry
from phantom.serving.cache import models
from phantom.serving.rows import frame as rows_frame
from phantom.serving.rows import rows_to_columns
from phantom.serving.service import to_result
from tests.automl.support import job, start, upload_frame
from tests.support.fixtures import TenantFixture

HEALTH = """
query Health($id: ID!, $window: HealthWindow, $since: DateTime) {
  modelHealth(modelVersionId: $id, window: $window, since: $since) {
    modelVersionId window since hasReference status predictions latestWindowStart metric
    outcomes
    drift { feature kind psi distance distanceName status importance rows
            bins { label referenceShare currentShare } }
    predictionDrift { feature kind psi status rows bins { label referenceShare currentShare } }
    performance { name value }
    estimatedPerformance { name value }
    referencePerformance { name value }
    thresholds { psiWarn psiAlert minRows }
    windows { start end predictions calls failed errorRate latencyP50Ms latencyP99Ms status
              predictionPsi outcomes drift { feature psi status }
              performance { name value } estimatedPerformance { name value } }
  }
}
"""


async def score(
    client: httpx.AsyncClient, tenant: TenantFixture, version_id: str, frame: pd.DataFrame
) -> dict[str, Any]:
    """The real model's answer for ``frame``, from the served model itself: these tests
    place their batches in hours of their choosing, so the rows must not also reach the
    prediction log (which would add them to the current hour)."""
    async with transaction(tenant.id) as session:
        version = await registry.servable(session, uuid.UUID(version_id))
    served = await models.get(version)
    rows = frame.to_dict("records")
    parts = [
        rows_to_columns(rows[i : i + 1000], version.features)[0] for i in range(0, len(rows), 1000)
    ]
    predicted = served.score(rows_frame(parts, version.features))
    result = to_result(version.id, uuid7_block(datetime.now(UTC), len(rows)), predicted)
    return {
        "predictions": result.predictions,
        "probabilities": result.probabilities or [],
        "scores": result.scores or [],
    }


def logged_batch(
    tenant: TenantFixture,
    version_id: str,
    frame: pd.DataFrame,
    scored: dict[str, Any],
    at: datetime,
    classes: list[str] | None = None,
    failed_calls: int = 0,
    latency_ms: float = 5.0,
) -> LoggedBatch:
    """A batch scored at ``at`` in calls of 100 rows (plus ``failed_calls`` failures)."""
    n = len(frame)
    probabilities = None
    if classes is not None and scored["probabilities"]:
        probabilities = np.array([[p[c] for c in classes] for p in scored["probabilities"]])
    requests = [
        ServedRequest(at=at, latency_ms=latency_ms, rows=min(100, n - s), failed=False)
        for s in range(0, n, 100)
    ]
    requests += [ServedRequest(at=at, latency_ms=900.0, rows=1, failed=True)] * failed_calls
    return LoggedBatch(
        tenant_id=tenant.id,
        model_version_id=uuid.UUID(version_id),
        batch_id=uuid.uuid4(),
        prediction_ids=[uuid.uuid4() for _ in range(n)],
        times=[at + timedelta(microseconds=i) for i in range(n)],
        features=frame.reset_index(drop=True),
        labels=list(scored["predictions"]),
        probabilities=probabilities,
        classes=classes,
        scores=list(scored["scores"]) if scored["scores"] else None,
        requests=requests,
    )


async def observe_batch(tenant: TenantFixture, batch: LoggedBatch) -> None:
    async with transaction(tenant.id) as session:
        await observe(session, batch)


def split_batch(batch: LoggedBatch, at: int) -> tuple[LoggedBatch, LoggedBatch]:
    def part(rows: slice, requests: list[ServedRequest]) -> LoggedBatch:
        return LoggedBatch(
            tenant_id=batch.tenant_id,
            model_version_id=batch.model_version_id,
            batch_id=uuid.uuid4(),
            prediction_ids=batch.prediction_ids[rows],
            times=batch.times[rows],
            features=batch.features.iloc[rows].reset_index(drop=True),
            labels=batch.labels[rows],
            probabilities=batch.probabilities[rows] if batch.probabilities is not None else None,
            classes=batch.classes,
            scores=batch.scores[rows] if batch.scores is not None else None,
            requests=requests,
        )

    half = len(batch.requests) // 2
    return part(slice(0, at), batch.requests[:half]), part(slice(at, None), batch.requests[half:])


async def train_classifier(
    client: httpx.AsyncClient, tenant: TenantFixture, frame: pd.DataFrame, target: str, name: str
) -> str:
    """A real AutoGluon classifier on ``frame`` within the smallest budget; its version id."""
    dataset = await upload_frame(client, tenant.bearer, frame, name)
    body = await start(
        client, tenant.bearer, datasetId=dataset, target=target, timeBudgetSeconds=5, modelName=name
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claim = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claim is not None
    await supervise(claim)
    found = await job(client, tenant.bearer, job_id)
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    return str(found["modelVersion"]["id"])


async def predict_logged(
    client: httpx.AsyncClient, tenant: TenantFixture, version_id: str, frame: pd.DataFrame
) -> dict[str, Any]:
    """REST predict, then the prediction log flushed: the ids are findable."""
    response = await client.post(
        f"/api/v1/models/{version_id}/predict",
        json={"rows": frame.to_dict("records")},
        headers=tenant.bearer,
    )
    assert response.status_code == 200, response.text
    await prediction_log.flush()
    answer: dict[str, Any] = response.json()
    return answer
