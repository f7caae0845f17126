"""The README's first command: `phantom standalone` on SQLite, in an empty directory."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.automl.support import PREDICT, PROGRESS, TERMINAL, iris, job, post, start, upload_frame
from tests.support.gqlws import connect
from tests.support.servers import free_port, running

pytestmark = pytest.mark.slow
# standalone's own defaults: no PostgreSQL, no Redis, ./var
EXTERNAL = (
    "PHANTOM_DATABASE_URL",
    "PHANTOM_MIGRATION_DATABASE_URL",
    "PHANTOM_REDIS_URL",
    "PHANTOM_VAR_DIR",
)


async def test_standalone_runs_everything_in_one_process(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "standalone.log"
    # the demo's data (tests/test_demo.py) would train beside this test's own fit
    env = {"PHANTOM_HOUSEKEEPING_INTERVAL_SECONDS": "5", "PHANTOM_DEMO": "false"}
    with running(
        ["standalone", "--port", str(port)], env, cwd=tmp_path, log=log, unset=EXTERNAL
    ) as process:
        url = f"http://127.0.0.1:{port}"
        login = _wait_for_login(log, process)
        assert (tmp_path / "var" / "phantom.db").exists(), "SQLite under ./var"
        async with httpx.AsyncClient(base_url=url) as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json() == {
                "status": "ready",
                "checks": {"database": "ok", "redis": "embedded"},
            }
            signed_in = await client.post("/auth/login", json=login)
            assert signed_in.status_code == 200, signed_in.text
            assert signed_in.json()["tenant"]["name"] == "Demo Bank"
            created = await client.post(
                "/graphql",
                headers={"X-CSRF-Token": signed_in.json()["csrfToken"]},
                json={"query": 'mutation { createApiToken(input: {name: "x"}) { token } }'},
            )
            token = created.json()["data"]["createApiToken"]["token"]
        # the in-process worker runs the scheduled housekeeping and the in-memory bus
        # delivers its event to a subscriber
        async with connect(url) as ws:
            await ws.init({"authorization": f"Bearer {token}"})
            await ws.subscribe("subscription { tenantEvents { topic } }")
            message = await ws.receive(timeout=30)
            assert message["payload"]["data"]["tenantEvents"]["topic"] == ("housekeeping.completed")
        # training runs in-process too: SQLite, the in-process queue, the local store
        await _train_and_predict(url, token)
    # a second start reuses the database and prints the same login
    with running(
        ["standalone", "--port", str(port)], env, cwd=tmp_path, log=log, unset=EXTERNAL
    ) as process:
        assert _wait_for_login(log, process) == login


async def _train_and_predict(url: str, token: str) -> None:
    bearer = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        dataset_id = await upload_frame(client, bearer, iris(), "Iris")
        body = await start(
            client,
            bearer,
            datasetId=dataset_id,
            target="species",
            timeBudgetSeconds=20,  # hard bound 55 s: room for two loaded cores
        )
        assert "errors" not in body, body
        job_id = body["data"]["startTraining"]["id"]
        async with connect(url) as ws:
            await ws.init({"authorization": f"Bearer {token}"})
            await ws.subscribe(PROGRESS, {"id": job_id})
            status = ""
            while status not in TERMINAL:
                message = await ws.receive(timeout=120)
                event = message["payload"]["data"]["trainingProgress"]
                status = event["status"]
        found = await job(client, bearer, job_id)
        assert found["status"] == "SUCCEEDED", found["error"]
        rows = [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]
        scored = await post(
            client, bearer, PREDICT, {"id": found["modelVersion"]["id"], "rows": rows}
        )
        assert scored["data"]["predict"]["predictions"] == ["setosa"]


def _wait_for_login(
    log: Path, process: subprocess.Popen[bytes], timeout: float = 90
) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    pattern = re.compile(r"organization '(\S+)', email (\S+), password (\S+)")
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        match = pattern.search(text)
        if match:  # printed once the app has started
            return {"tenant": match[1], "email": match[2], "password": match[3]}
        if process.poll() is not None:
            break
        time.sleep(0.3)
    raise AssertionError(log.read_text(errors="replace")[-3000:])
