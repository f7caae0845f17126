"""The lease is kept while the supervisor itself works (the dataset's download, the
model's archive and upload), not only while the fit runs: a large file in a slow store
took longer than the lease, the reconciler gave the job to another worker, and the fit
was wasted (or its result refused at the end)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import httpx
import pytest

from phantom.automl import runs, supervisor
from phantom.automl.supervisor import supervise
from phantom.config import settings
from tests.automl.support import breast_cancer, job, start, upload_frame
from tests.support.fixtures import TenantFixture

SLOW_STORE_SECONDS = 8.0  # longer than the lease


async def test_a_download_longer_than_the_lease_keeps_the_job(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a 5 s lease renewed every second, and a store that takes 8 s to hand over
    # the dataset (a large file; a real download, delayed)
    monkeypatch.setitem(settings.__dict__, "TRAINING_LEASE_SECONDS", 5)
    monkeypatch.setitem(settings.__dict__, "TRAINING_HEARTBEAT_SECONDS", 1)
    real_download = supervisor._download

    def slow_download(key: str, target: Path) -> None:
        time.sleep(SLOW_STORE_SECONDS)
        real_download(key, target)

    monkeypatch.setattr(supervisor, "_download", slow_download)
    dataset = await upload_frame(client, tenant.bearer, breast_cancer(), "Slow store")
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset,
        target="diagnosis",
        engine="SKLEARN",
        timeBudgetSeconds=10,
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claimed = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claimed is not None
    # when: the reconciler runs while the download is still going, past the first lease
    began = time.monotonic()
    supervising = asyncio.create_task(supervise(claimed))
    for at in (6.0, 7.5):
        await asyncio.sleep(max(began + at - time.monotonic(), 0))
        outcome = await runs.reconcile()
        assert outcome["expired"] == 0, f"the lease lapsed during the download ({at} s)"
    await asyncio.wait_for(supervising, 120)
    # then: the first attempt trained and registered its version
    found = await job(client, tenant.bearer, job_id)
    assert (found["status"], found["attempt"]) == ("SUCCEEDED", 1), found
