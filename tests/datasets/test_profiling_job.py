"""A large upload is profiled by a real `phantom worker` process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from phantom.datasets import service
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
