"""Training runs through real processes: ``phantom api`` and ``phantom worker`` on the
test database and Redis, with short leases so recovery is quick to observe."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from tests.support.servers import api_server, running

FAST_RECOVERY = {
    "PHANTOM_TRAINING_LEASE_SECONDS": "6",
    "PHANTOM_TRAINING_HEARTBEAT_SECONDS": "1",
    "PHANTOM_TRAINING_RECONCILE_SECONDS": "2",
    "PHANTOM_TRAINING_REQUEUE_AFTER_SECONDS": "5",
    "PHANTOM_TRAINING_CANCEL_GRACE_SECONDS": "3",
}


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("automl-logs")


@pytest.fixture(scope="module")
def api_url(log_dir: Path) -> Iterator[str]:
    with api_server(log_dir, FAST_RECOVERY) as url:
        yield url


@pytest.fixture
async def http(api_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_url, timeout=60) as client:
        yield client


def worker(log: Path, **env: str) -> AbstractContextManager[subprocess.Popen[bytes]]:
    return running(["worker", "--threads", "2"], {**FAST_RECOVERY, **env}, log=log)
