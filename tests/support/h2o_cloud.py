"""A real multi-node H2O cloud on this machine: N JVMs of the installed h2o.jar that find
each other through a flatfile and form one cloud under a unique name, the stand-in for
the cluster ``PHANTOM_H2O_URL`` points at in production.

Small on purpose (the dev machine has 2 cores): 1 GB heap and 2 fork/join threads per
node (with 1 thread H2O AutoML can hang; see ``MIN_THREADS`` in the engine's node.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from phantom.automl.engines.h2o.node import free_port_pair

FORM_SECONDS = 120.0  # two JVMs starting on a loaded 2-core machine


def h2o_jar() -> Path:
    import h2o

    return Path(h2o.__file__).parent / "backend" / "bin" / "h2o.jar"


@dataclass
class Node:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL, as a crashed host or the OOM killer would end it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(15)

    def gone(self) -> bool:
        return self.process.poll() is not None and not Path(f"/proc/{self.process.pid}").exists()


@dataclass
class Cloud:
    name: str
    nodes: list[Node] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Node 1's REST address: what ``PHANTOM_H2O_URL`` gets."""
        return self.nodes[0].url

    def status(self, node: int = 0) -> dict[str, Any]:
        response = httpx.get(f"{self.nodes[node].url}/3/Cloud", timeout=10, trust_env=False)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def keys(self) -> tuple[set[str], set[str]]:
        """Every frame and model key in the cloud's distributed key-value store."""
        frames = {f["frame_id"]["name"] for f in self._get("/3/Frames")["frames"]}
        models = {m["model_id"]["name"] for m in self._get("/3/Models")["models"]}
        return frames, models

    def _get(self, path: str) -> dict[str, Any]:
        response = httpx.get(f"{self.url}{path}", timeout=30, trust_env=False)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def logs(self) -> str:
        return "\n".join(
            f"--- {n.log}\n{n.log.read_text(errors='replace')[-3000:]}" for n in self.nodes
        )


def _formed(cloud: Cloud, size: int) -> bool:
    try:
        status = cloud.status()
    except (httpx.HTTPError, ValueError):
        return False
    return bool(
        status.get("cloud_size") == size and status.get("consensus") and status.get("cloud_healthy")
    )


@contextmanager
def h2o_cloud(root: Path, size: int = 2, heap: str = "1g", nthreads: int = 2) -> Iterator[Cloud]:
    """Starts ``size`` JVMs forming one cloud and waits until node 1 reports all of them
    with consensus; kills every JVM at the end and checks they are gone."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("H2O needs Java on PATH")
    root.mkdir(parents=True, exist_ok=True)
    taken: set[int] = set()
    ports = []
    for _ in range(size):
        port = free_port_pair(taken)
        taken |= {port, port + 1}
        ports.append(port)
    flatfile = root / "flatfile"
    flatfile.write_text("".join(f"127.0.0.1:{p}\n" for p in ports))
    cloud = Cloud(name=f"phantom-test-{uuid.uuid4().hex[:12]}")
    try:
        for index, port in enumerate(ports):
            work = root / f"node{index + 1}"
            work.mkdir()
            log = work / "jvm.out"
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    [
                        java,
                        f"-Xmx{heap}",
                        "-Dsys.ai.h2o.telemetry.disabled=true",
                        "-jar",
                        str(h2o_jar()),
                        "-name",
                        cloud.name,
                        "-ip",
                        "127.0.0.1",
                        "-port",
                        str(port),
                        "-flatfile",
                        str(flatfile),
                        "-nthreads",
                        str(nthreads),
                        "-ice_root",
                        str(work),
                        "-log_dir",
                        str(work / "logs"),
                        "-log_level",
                        "WARN",
                        "-allow_unsupported_java",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own group: killed alone, never with pytest
                )
            cloud.nodes.append(Node(port, process, log))
        deadline = time.monotonic() + FORM_SECONDS
        while not _formed(cloud, size):
            dead = [n for n in cloud.nodes if n.process.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise RuntimeError(f"the H2O cloud did not form:\n{cloud.logs()}")
            time.sleep(0.5)
        yield cloud
    finally:
        for node in cloud.nodes:
            node.kill()
        for node in cloud.nodes:
            assert node.gone(), f"H2O node {node.port} (pid {node.process.pid}) survived"
