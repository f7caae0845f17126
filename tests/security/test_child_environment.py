"""Issue 10, "also check": the training child process inherited the worker's whole
environment, ``PHANTOM_MASTER_KEY`` included, with the database and Redis URLs and any
cloud or SSO credentials. The child runs the engines' third-party code on tenant data; it
gets an allow-list of variables and no secret. Checked on a real fit: the running child's
``/proc/<pid>/environ`` is read while it trains."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from phantom.config import settings
from tests.automl.conftest import FAST_RECOVERY, worker
from tests.automl.support import start, transactions, upload_frame, wait_for
from tests.support.fixtures import TenantFixture
from tests.support.servers import api_server

pytestmark = pytest.mark.slow

CANARIES = {
    "AWS_SECRET_ACCESS_KEY": "canary-aws-secret",
    "PHANTOM_OIDC_CLIENT_SECRET": "canary-sso-secret",
}
# what the child may see of PHANTOM_*: its parent's pid and the H2O engine's settings
ALLOWED_PHANTOM = {"PHANTOM_TRAINING_PARENT", "PHANTOM_H2O_URL", "PHANTOM_H2O_MAX_MEM"}


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with api_server(tmp_path_factory.mktemp("child-env"), FAST_RECOVERY) as url:
        yield url


@pytest.fixture
async def http(api_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_url, timeout=60) as client:
        yield client


def training_children(parent: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(parent).children(recursive=True):
        try:
            if "phantom.automl.runner" in child.cmdline():
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


async def environment_of_next_fit(parent: int, timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in training_children(parent):
            try:
                environment: dict[str, str] = child.environ()
            except psutil.NoSuchProcess:
                continue
            return environment
        await asyncio.sleep(0.02)
    raise TimeoutError("no training child process appeared")


async def test_the_training_child_gets_no_secrets(
    http: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    # given: a worker whose environment holds the master key and other secrets
    secrets = {
        "PHANTOM_MASTER_KEY": base64.b64encode(settings.master_key).decode(),
        **CANARIES,
    }
    dataset_id = await upload_frame(http, tenant.bearer, transactions(200), "Payments")
    with worker(tmp_path / "worker.log", **secrets) as process:
        # when: a short real fit runs
        body = await start(
            http,
            tenant.bearer,
            datasetId=dataset_id,
            taskType="ANOMALY_DETECTION",
            target="fraud",
            timeBudgetSeconds=5,
        )
        assert "errors" not in body, body
        environment = await environment_of_next_fit(process.pid, timeout=120)
        finished = await wait_for(
            http,
            tenant.bearer,
            body["data"]["startTraining"]["id"],
            {"SUCCEEDED", "FAILED", "CANCELLED"},
        )
    # then: the child saw none of the secrets, and the fit still worked
    assert "PHANTOM_MASTER_KEY" not in environment
    for name in ("PHANTOM_DATABASE_URL", "PHANTOM_MIGRATION_DATABASE_URL", "PHANTOM_REDIS_URL"):
        assert name not in environment
    leaked = {k for k, v in environment.items() if k in CANARIES or v in CANARIES.values()}
    assert not leaked, f"secrets in the training child's environment: {sorted(leaked)}"
    phantom = {k for k in environment if k.startswith("PHANTOM_")} - ALLOWED_PHANTOM
    assert not phantom, f"PHANTOM_* variables in the training child: {sorted(phantom)}"
    assert finished["status"] == "SUCCEEDED", finished
