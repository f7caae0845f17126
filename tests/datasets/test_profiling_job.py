"""A large upload is profiled by a real `phantom worker` process."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from phantom.datasets import service
from phantom.datasets.repository import DatasetRepository
from phantom.db import transaction
from phantom.kit.events import get_event_bus
from tests.datasets.support import upload
from tests.support.fixtures import TenantFixture, gql
from tests.support.servers import running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    log = tmp_path_factory.mktemp("logs") / "worker.log"
    with running(["worker", "--processes", "1", "--threads", "1"], log=log):
        yield


async def test_large_files_are_profiled_by_the_worker(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    worker: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: every file counts as large
    monkeypatch.setattr(
        service,
        "settings",
        service.settings.model_copy(update={"DATASET_INLINE_PROFILE_BYTES": 0}),
    )
    content = b"x,label\n" + b"".join(f"{i},{i % 2}\n".encode() for i in range(1000))
    async with get_event_bus().subscribe(tenant.id, {"datasets.dataset.profiled"}) as events:
        # when
        body = await upload(client, tenant.bearer, content)
        created = body["data"]["uploadDataset"]
        # then: the answer says PROFILING, and the worker makes it READY
        assert (created["status"], created["profile"]) == ("PROFILING", None)
        event = await asyncio.wait_for(anext(aiter(events)), 60)
    assert event.payload == {"datasetId": created["id"], "status": "READY"}
    found = await gql(
        client,
        "query($id: ID!) { dataset(id: $id) { status error profile { rows "
        "suggestedTargets { column taskType } } } }",
        {"id": created["id"]},
        headers=tenant.bearer,
    )
    dataset = found["data"]["dataset"]
    assert (dataset["status"], dataset["error"]) == ("READY", None)
    assert dataset["profile"]["rows"] == 1000
    assert dataset["profile"]["suggestedTargets"][0] == {"column": "label", "taskType": "BINARY"}


async def test_a_lost_profiling_message_is_sent_again_and_a_busy_one_is_not(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    worker: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before, a profiling message lost (Redis restarted before a worker took it) left the
    dataset PROFILING for ever: nothing trains on it, nothing said why."""
    # given: a large upload in each organization whose message never reached Redis
    monkeypatch.setattr(
        service,
        "settings",
        service.settings.model_copy(update={"DATASET_INLINE_PROFILE_BYTES": 0}),
    )
    monkeypatch.setattr(service, "enqueue_job", lambda *args, **kwargs: None)
    content = b"x,label\n" + b"".join(f"{i},{i % 2}\n".encode() for i in range(500))
    mine = (await upload(client, tenant.bearer, content))["data"]["uploadDataset"]["id"]
    theirs = (await upload(client, other_tenant.bearer, content))["data"]["uploadDataset"]["id"]
    await asyncio.sleep(0.05)
    recently = service.utcnow() - timedelta(seconds=30)
    assert await service.resend_lost_profiling(recently) == 0  # too recent to be lost
    # while a job profiles one (its row locked), that one is not sent again
    async with transaction(tenant.id) as session:
        await DatasetRepository(session).get(uuid.UUID(mine), for_update=True)
        async with get_event_bus().subscribe(other_tenant.id, {"datasets.dataset.profiled"}) as e:
            resent = await service.resend_lost_profiling(service.utcnow())
            event = await asyncio.wait_for(anext(aiter(e)), 60)
    assert resent == 1
    assert event.payload == {"datasetId": theirs, "status": "READY"}  # in its own tenant
    # when: the reconciler runs again, nothing holds the row any more
    async with get_event_bus().subscribe(tenant.id, {"datasets.dataset.profiled"}) as events:
        assert await service.resend_lost_profiling(service.utcnow()) == 1
        event = await asyncio.wait_for(anext(aiter(events)), 60)
    # then: profiled in its own tenant, and nothing is left to resend
    assert event.payload == {"datasetId": mine, "status": "READY"}
    assert await service.resend_lost_profiling(service.utcnow()) == 0
