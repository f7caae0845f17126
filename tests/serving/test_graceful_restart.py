"""No prediction is lost across a graceful restart of ``phantom api``: every call that
was answered is in the prediction log after SIGTERM, though the log flushes only every
30 s here (so everything was still pending when the stop came)."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from phantom.db import transaction
from phantom.monitoring.predictionlog import find_predictions
from tests.serving.support import payment_rows, trained_model
from tests.support.fixtures import TenantFixture
from tests.support.servers import free_port, running, wait_ready

pytestmark = pytest.mark.slow  # a real fit, and real server processes


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, str]:
    return await trained_model(app)


async def keep_predicting(
    url: str, tenant: TenantFixture, version_id: str, stop: asyncio.Event
) -> list[str]:
    """Calls one after another until ``stop``; the ids of every answered call."""
    ids: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        index = 0
        while not stop.is_set():
            index += 1
            try:
                answer = await http.post(
                    f"/api/v1/models/{version_id}/predict",
                    json={"rows": payment_rows(2, seed=index)},
                    headers=tenant.bearer,
                )
            except httpx.HTTPError:  # the server stopped accepting: the call was not answered
                await asyncio.sleep(0.05)
                continue
            if answer.status_code == 200:
                ids.extend(answer.json()["predictionIds"])
    return ids


async def test_no_answered_prediction_is_lost_across_a_graceful_restart(
    trained: tuple[TenantFixture, str], tmp_path: Path
) -> None:
    tenant, version_id = trained
    env = {"PHANTOM_PREDICTION_LOG_FLUSH_SECONDS": "30"}
    answered: list[str] = []
    for round_ in range(2):  # a restart: stop, start again, stop
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = tmp_path / f"api-{round_}.log"
        with running(
            ["api", "--port", str(port)], {**env, "PHANTOM_BASE_URL": url}, log=log
        ) as api:
            wait_ready(url, api)
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                warm = await http.post(  # the model loads once per process
                    f"/api/v1/models/{version_id}/predict",
                    json={"rows": payment_rows(1)},
                    headers=tenant.bearer,
                )
            assert warm.status_code == 200, warm.text
            answered.extend(warm.json()["predictionIds"])
            stop = asyncio.Event()
            clients = [
                asyncio.create_task(keep_predicting(url, tenant, version_id, stop))
                for _ in range(4)
            ]
            await asyncio.sleep(3)
            os.killpg(api.pid, signal.SIGTERM)  # graceful: uvicorn drains, then shuts down
            await asyncio.to_thread(api.wait, 60)
            stop.set()
            for ids in await asyncio.gather(*clients):
                answered.extend(ids)
        assert "rows could not be written" not in log.read_text()
    assert len(answered) > 20, "too few calls were answered to prove anything"
    async with transaction(tenant.id) as session:
        logged = await find_predictions(
            session, uuid.UUID(version_id), [uuid.UUID(i) for i in answered]
        )
    missing = set(answered) - {str(i) for i in logged}
    assert not missing, f"{len(missing)} of {len(answered)} answered predictions were lost"
