"""Batch scoring end to end on real components: a real model from the store (verified as
serving verifies it), the dataset's real Parquet read in chunks of 500, the output stored
and recorded under the claim's fencing token; cancel, a fenced loser, the reconciler."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select, update

from phantom.audit.models import AuditEvent
from phantom.batch import runs
from phantom.batch.lifecycle import PROGRESS_TOPIC
from phantom.batch.models import BatchPredictionJob
from phantom.batch.scoring import run
from phantom.datasets.service import training_data
from phantom.db import transaction
from phantom.kit.events import get_event_bus
from phantom.kit.rows import utcnow
from phantom.kit.storage import get_store
from phantom.registry.service import registry
from phantom.serving.cache import load_verified, unload
from tests.automl.support import upload_frame
from tests.batch.support import (
    CANCEL,
    CHUNK_ROWS,
    World,
    claim,
    job,
    parquet_frame,
    score,
    scoring_frame,
    start,
    started,
    stored_outputs,
)
from tests.support.fixtures import error_codes, gql

pytestmark = pytest.mark.slow  # the package's model is a real fit in a child process


async def download(client: httpx.AsyncClient, world: World, job_id: str, fmt: str) -> bytes:
    response = await client.get(
        f"/api/v1/batch-predictions/{job_id}/download?format={fmt}", headers=world.tenant.bearer
    )
    assert response.status_code == 200, response.text
    return response.content


async def one_shot(world: World) -> pd.DataFrame:
    """The whole dataset scored in one call by the same model, loaded the same way."""
    async with transaction(world.tenant.id) as session:
        version = await registry.servable(session, uuid.UUID(world.version))
        data = await training_data(session, uuid.UUID(world.dataset))
    with get_store().open(data.storage_path) as stream:
        frame = pq.read_table(stream).to_pandas()
    model, directory = await asyncio.to_thread(load_verified, version)
    try:
        predicted = model.predict(frame[[f["name"] for f in version.features]])
    finally:
        unload(model, directory)
    assert predicted.scores is not None
    return frame.assign(prediction=predicted.labels, anomaly_score=predicted.scores)


async def test_chunked_output_equals_one_shot_scoring_row_for_row(
    client: httpx.AsyncClient, world: World
) -> None:
    # given: a queued job over 2,000 rows (four chunks of 500)
    job_id = await started(client, world.tenant.bearer, world.version, world.dataset)
    events: list[dict[str, Any]] = []

    async def listen() -> None:
        async with get_event_bus().subscribe(world.tenant.id, {PROGRESS_TOPIC}) as stream:
            async for event in stream:
                if event.payload["jobId"] == job_id:
                    events.append(event.payload)
                    if event.payload["status"] == "SUCCEEDED":
                        return

    listening = asyncio.ensure_future(listen())
    await asyncio.sleep(0.2)
    # when: a worker runs it
    await score(world.tenant, job_id)
    await asyncio.wait_for(listening, 10)
    # then: it SUCCEEDED with every row, its output's size and hash recorded
    found = await job(client, world.tenant.bearer, job_id)
    assert found["status"] == "SUCCEEDED", found
    assert (found["rowsScored"], found["rowsTotal"], found["progress"]) == (2000, 2000, 1.0)
    assert found["outputSha256"].startswith("sha256:")
    assert found["outputBytes"] > 0
    assert found["parquetUrl"].endswith(f"/{job_id}/download?format=parquet")
    # and progress was published per chunk, rows rising
    scored = [e["rowsScored"] for e in events if e["status"] == "RUNNING"]
    assert scored[-4:] == [500, 1000, 1500, 2000], scored
    # and the output is the input, untouched, plus the predictions: equal to one-shot scoring
    output = parquet_frame(await download(client, world, job_id, "parquet"))
    expected = await one_shot(world)
    assert list(output.columns) == [*world.frame.columns, "prediction", "anomaly_score"]
    pd.testing.assert_frame_equal(
        output[list(world.frame.columns)], expected[list(world.frame.columns)]
    )
    assert (output["prediction"].to_numpy() == expected["prediction"].to_numpy()).all()
    np.testing.assert_allclose(output["anomaly_score"], expected["anomaly_score"], rtol=1e-12)
    assert output["prediction"].any(), "some rows are anomalies"
    assert not output["prediction"].all()


async def test_a_dataset_without_the_models_features_is_refused_naming_them(
    client: httpx.AsyncClient, world: World
) -> None:
    frame = scoring_frame(300).drop(columns=["hour", "channel"])
    dataset = await upload_frame(client, world.tenant.bearer, frame, "No hour")
    body = await start(client, world.tenant.bearer, world.version, dataset)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    message = body["errors"][0]["message"]
    assert "'hour'" in message
    assert "'channel'" in message
    assert "'amount'" not in message


async def test_a_dataset_with_an_output_column_name_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    frame = scoring_frame(300).assign(prediction=1)
    dataset = await upload_frame(client, world.tenant.bearer, frame, "Already scored")
    body = await start(client, world.tenant.bearer, world.version, dataset)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "prediction" in body["errors"][0]["message"]


async def test_a_running_job_cancelled_stops_before_its_next_chunk_and_stores_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    before = stored_outputs(world.tenant)
    job_id = await started(client, world.tenant.bearer, world.version, world.dataset)
    claimed = await claim(world.tenant, job_id)  # RUNNING on a worker
    # when: someone cancels while it runs
    body = await gql(client, CANCEL, {"id": job_id}, world.tenant.bearer)
    assert body["data"]["cancelBatchPrediction"]["status"] == "RUNNING", body
    await run(claimed, CHUNK_ROWS)
    # then: it stopped after its first chunk, CANCELLED, with nothing stored
    found = await job(client, world.tenant.bearer, job_id)
    assert found["status"] == "CANCELLED", found
    assert found["errorCode"] == "cancelled"
    assert found["rowsScored"] == CHUNK_ROWS
    assert found["parquetUrl"] is None
    assert stored_outputs(world.tenant) == before
    # and cancelling again is a conflict
    again = await gql(client, CANCEL, {"id": job_id}, world.tenant.bearer)
    assert error_codes(again) == ["CONFLICT"]


async def audit_actions(world: World, job_id: str) -> list[str]:
    """The job's audit events, oldest first."""
    async with transaction(world.tenant.id) as session:
        found = await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.resource_id == job_id)
            .order_by(AuditEvent.seq)
        )
        return list(found.all())


async def test_a_queued_job_is_cancelled_at_once_and_never_claimed(
    client: httpx.AsyncClient, world: World
) -> None:
    job_id = await started(client, world.tenant.bearer, world.version, world.dataset)
    body = await gql(client, CANCEL, {"id": job_id}, world.tenant.bearer)
    assert body["data"]["cancelBatchPrediction"]["status"] == "CANCELLED", body
    assert await runs.claim(world.tenant.id, uuid.UUID(job_id)) is None
    # its end is in the audit log once, as a worker's end would be
    actions = await audit_actions(world, job_id)
    assert actions == [
        "batch.prediction.started",
        "batch.prediction.cancel_requested",
        "batch.prediction.cancelled",
    ]


async def expire_lease(world: World, job_id: str) -> None:
    """What a killed worker leaves: a RUNNING job whose lease ran out."""
    async with transaction(world.tenant.id) as session:
        await session.execute(
            update(BatchPredictionJob)
            .where(BatchPredictionJob.id == uuid.UUID(job_id))
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )


async def test_the_reconciler_requeues_a_job_whose_worker_died_and_a_retry_completes_it(
    client: httpx.AsyncClient, world: World
) -> None:
    job_id = await started(client, world.tenant.bearer, world.version, world.dataset)
    await claim(world.tenant, job_id)  # its worker then dies without a word
    await expire_lease(world, job_id)
    # when: the reconciler runs
    outcome = await runs.reconcile()
    # then: the job is QUEUED again for a second attempt, and a retry completes it
    assert outcome["expired"] >= 1, outcome
    found = await job(client, world.tenant.bearer, job_id)
    assert found["status"] == "QUEUED", found
    assert "worker_lost" in found["message"]
    await score(world.tenant, job_id)
    found = await job(client, world.tenant.bearer, job_id)
    assert (found["status"], found["attempt"], found["rowsScored"]) == ("SUCCEEDED", 2, 2000)


async def test_a_fenced_loser_writes_nothing(client: httpx.AsyncClient, world: World) -> None:
    job_id = await started(client, world.tenant.bearer, world.version, world.dataset)
    loser = await claim(world.tenant, job_id)
    await expire_lease(world, job_id)
    await runs.reconcile()
    winner = await claim(world.tenant, job_id)  # the lease was taken over
    assert winner.token == loser.token + 1
    before = stored_outputs(world.tenant)
    # when: the old worker comes back and runs the job
    await run(loser, CHUNK_ROWS)
    # then: it changed nothing: still the winner's RUNNING job, no progress, no file
    found = await job(client, world.tenant.bearer, job_id)
    assert (found["status"], found["rowsScored"], found["attempt"]) == ("RUNNING", 0, 2)
    assert stored_outputs(world.tenant) == before
    # and the winner completes it, once
    await run(winner, CHUNK_ROWS)
    found = await job(client, world.tenant.bearer, job_id)
    assert (found["status"], found["rowsScored"]) == ("SUCCEEDED", 2000)
    assert len(stored_outputs(world.tenant)) == len(before) + 1


async def test_a_queued_job_cancelled_by_its_datasets_deletion_has_its_end_in_the_audit_log(
    client: httpx.AsyncClient, world: World
) -> None:
    """Attack 16: "every job ends exactly once in the audit log" (cb47cbc) holds for a
    cancel by a person, not for the other way a QUEUED job is cancelled: its dataset
    deleted (``forget_dataset``)."""
    job_id = await started(client, world.tenant.bearer, world.version, world.dataset)
    body = await gql(
        client,
        "mutation($id: ID!) { deleteDataset(id: $id) }",
        {"id": world.dataset},
        world.tenant.bearer,
    )
    assert body["data"]["deleteDataset"] is True, body
    async with transaction(world.tenant.id) as session:
        status = (
            await session.scalars(
                select(BatchPredictionJob.status).where(BatchPredictionJob.id == uuid.UUID(job_id))
            )
        ).one()
    actions = await audit_actions(world, job_id)
    assert status == "CANCELLED"
    assert actions.count("batch.prediction.cancelled") == 1, actions
