"""A real KMS-compatible HTTP endpoint for the ``aws-kms`` key provider: moto's server,
started as its own process on a free port (no mock objects in the code under test)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from phantom.config import Settings
from phantom.kit import keys
from phantom.migrate import upgrade

REGION = "us-east-1"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def kms_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"moto server did not start: {log.read_text()}") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 in this process and in the ``phantom`` commands the tests start."""
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def kms(kms_url: str, aws_credentials: None) -> Any:
    """A boto3 client for the test itself: creating, disabling, denying keys."""
    return boto3.client("kms", endpoint_url=kms_url, region_name=REGION)


@pytest.fixture
def kms_key(kms: Any) -> dict[str, str]:
    """A fresh KMS key per test: its ARN (what PHANTOM_KMS_KEY_ID names) and bare id."""
    metadata = kms.create_key(Description="phantom test master key")["KeyMetadata"]
    return {"arn": metadata["Arn"], "id": metadata["KeyId"]}


@pytest.fixture
def ring_db(tmp_path: Path) -> str:
    """A migrated SQLite database of the test's own (the key ring's table included)."""
    url = f"sqlite+aiosqlite:///{tmp_path}/phantom.db"
    upgrade(url)
    return url


def kms_settings(kms_url: str, key: str, db: str, tmp_path: Path, **more: Any) -> Settings:
    values: dict[str, Any] = {
        "KEY_PROVIDER": "aws-kms",
        "KMS_KEY_ID": key,
        "KMS_ENDPOINT_URL": kms_url,
        "KMS_REGION": REGION,
        "DATABASE_URL": db,
        "VAR_DIR": tmp_path / "var",
        "MASTER_KEY": None,
        "MASTER_KEY_PREVIOUS": [],
    }
    return Settings(**{**values, **more})


@pytest.fixture
def installed() -> Iterator[None]:
    """Restores this process's key provider after a test that installed its own."""
    yield
    keys.install(None)
