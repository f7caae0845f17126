"""Real processes for end-to-end tests: ``phantom api``, ``phantom worker``,
``phantom standalone``, each on a free loopback port, stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PHANTOM = str(Path(sys.executable).with_name("phantom"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(
    args: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    unset: tuple[str, ...] = (),
) -> Iterator[subprocess.Popen[bytes]]:
    output = open(log, "wb") if log else subprocess.DEVNULL
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    process = subprocess.Popen(
        [PHANTOM, *args],
        env={**environment, **(env or {})},
        cwd=cwd,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)
        except ProcessLookupError:  # a test killed the whole group already
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        if log:
            output.close()  # type: ignore[union-attr]


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready within {timeout}s")


@contextmanager
def api_server(log_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"PHANTOM_BASE_URL": url, **(env or {})}
    with running(["api", "--port", str(port)], env, log=log_dir / f"api-{port}.log") as process:
        wait_ready(url, process)
        yield url
