"""H2O nodes: the JVM this process starts, and the cluster a fit runs on.

- The fit runs on an H2O node of its own (a JVM this process starts: ready in 3.7-4.4 s
  idle, 4.3-8.1 s loaded) or, with ``PHANTOM_H2O_URL``, on a shared cluster of exactly the
  client's version, where everything the job created is removed afterwards (checked with
  H2O's own key listing: nothing is left) and the cluster is never shut down.
- A JVM we start dies with the process that started it: it is launched through a tiny
  trampoline that sets ``PR_SET_PDEATHSIG`` (SIGKILL) and then ``exec``s java, from a
  thread that lives exactly as long as the JVM (the kernel ties the signal to the
  launching thread, not the process). It stays in our process group, so the job layer's
  ``killpg`` reaches it too; a SIGKILLed training child leaves no JVM behind (tested).
- A shared cluster may have several nodes (tested with a cloud of two JVMs). An H2O cloud
  cannot lose a member: work that touches the dead node's keys waits forever, and H2O
  itself calls the node unhealthy only after 60 s of silence. So the fit checks the cloud
  as it goes (``check``): a node silent for ``SILENT_NODE_SECONDS`` (heartbeats come every
  second), or a cloud that does not answer, ends the fit with ``H2OClusterLost``, and
  nothing more is sent to that cloud (its keys cannot be removed; it needs a restart).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from phantom.automl.engines.base import FitSpec
from phantom.automl.engines.h2o.connection import (
    connect,
    delete_key,
    disconnect,
    get_json,
    h2o_module,
    upload,
)
from phantom.automl.environment import clean_environment

log = logging.getLogger(__name__)

JVM_START_SECONDS = 90.0
SILENT_NODE_SECONDS = 20.0  # a live node's last heartbeat is 0-2 s old, 5 s on a loaded host
CLOUD_TIMEOUT_SECONDS = 10.0


class H2OClusterLost(RuntimeError):
    """The shared cluster lost a node or stopped answering: the fit cannot finish there."""


# The trampoline that starts java: the JVM gets SIGKILL when the thread that launched it
# (ours) goes away, however our process ends.
_TRAMPOLINE = (
    "import ctypes, os, sys\n"
    "if ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0) != 0:\n"  # PR_SET_PDEATHSIG
    "    sys.exit(70)\n"
    "if os.getppid() != int(sys.argv[1]):\n"  # the parent died before prctl
    "    sys.exit(71)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def heap_mb(max_mem: str, memory_limit_mb: int | None) -> int:
    """The JVM heap: ``H2O_MAX_MEM`` at most, and 3/4 of the job's memory (the JVM's own
    overhead and the Python side need the rest), never under 256 MB."""
    size = re.fullmatch(r"\s*(\d+)\s*([mgt])b?\s*", max_mem, re.IGNORECASE)
    if size is None:
        raise ValueError(f"PHANTOM_H2O_MAX_MEM must be a size like 4G or 512M, not {max_mem!r}")
    cap = int(size[1]) * {"m": 1, "g": 1024, "t": 1024 * 1024}[size[2].lower()]
    if memory_limit_mb:
        cap = min(cap, memory_limit_mb * 3 // 4)
    return max(cap, 256)


def free_port_pair(taken: frozenset[int] | set[int] = frozenset()) -> int:
    """A port p with p and p + 1 free (H2O listens on both), clear of ``taken`` (ports
    chosen for nodes not started yet); H2O refuses to start if one is taken in the
    meantime, and the caller tries again."""
    for _ in range(100):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
        if port >= 65535 or {port, port + 1} & taken:
            continue
        with socket.socket() as second:
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair for H2O")


MIN_THREADS = 2


class Jvm:
    """An H2O node this process started, and that dies with it."""

    def __init__(self, nthreads: int, heap: int, root: Path | None) -> None:
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="phantom-h2o-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        self.name = f"phantom-{uuid.uuid4().hex[:12]}"
        self._process: subprocess.Popen[bytes] | None = None
        self._launched = threading.Event()
        self._launch_error: BaseException | None = None
        self._thread: threading.Thread | None = None
        started = time.monotonic()
        try:
            for attempt in range(3):
                port = free_port_pair()
                self._launch(self._command(port, nthreads, heap))
                if self._wait_ready(port):
                    break
                log.warning("H2O did not start on port %d (attempt %d)", port, attempt + 1)
            else:
                raise RuntimeError(f"H2O did not start: {self.log_tail()}")
        except BaseException:
            self.stop()
            raise
        self.url = f"http://127.0.0.1:{port}"
        log.info("H2O node %s up at %s in %.1f s", self.name, self.url, time.monotonic() - started)

    def _command(self, port: int, nthreads: int, heap: int) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("H2O needs Java 8-17 on PATH")
        jar = Path(h2o_module().__file__).parent / "backend" / "bin" / "h2o.jar"
        command = [
            java,
            f"-Xmx{heap}m",
            "-Dsys.ai.h2o.telemetry.disabled=true",
            "-jar",
            str(jar),
            "-name",
            self.name,
            "-ip",
            "127.0.0.1",
            "-web_ip",
            "127.0.0.1",
            "-port",
            str(port),
            "-nthreads",
            # at least 2: with one fork/join thread H2O AutoML never finishes (seen here: a
            # 45 s job on a one-CPU training slot hung until its hard bound)
            str(max(nthreads, MIN_THREADS)),
            "-ice_root",
            str(self.root),
            "-log_dir",
            str(self.root / "logs"),
            "-log_level",
            "WARN",
            "-allow_unsupported_java",
        ]
        if sys.platform.startswith("linux"):
            return [sys.executable, "-c", _TRAMPOLINE, str(os.getpid()), *command]
        return command  # elsewhere: stopped by ``stop`` and by the process group only

    def _launch(self, command: list[str]) -> None:
        self._launched.clear()
        self._launch_error = None
        self._thread = threading.Thread(
            target=self._keep, args=(command,), name=f"h2o-{self.name}", daemon=True
        )
        self._thread.start()
        self._launched.wait()
        if self._launch_error is not None:
            raise RuntimeError(f"cannot start java: {self._launch_error}")

    def _keep(self, command: list[str]) -> None:
        """Launches the JVM and lives as long as it does: the JVM's parent-death signal is
        tied to this thread."""
        try:
            with open(self.root / "jvm.out", "ab") as out:
                process = subprocess.Popen(  # noqa: S603 - our own java command line
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=clean_environment(),  # the JVM runs in the API too: no secrets
                )
        except OSError as error:
            self._launch_error = error
            self._launched.set()
            return
        self._process = process
        self._launched.set()
        process.wait()

    def _wait_ready(self, port: int) -> bool:
        import requests

        session = requests.Session()
        session.trust_env = False  # never through a proxy
        deadline = time.monotonic() + JVM_START_SECONDS
        try:
            while time.monotonic() < deadline:
                if self._process is None or self._process.poll() is not None:
                    return False
                try:
                    response = session.get(f"http://127.0.0.1:{port}/3/Cloud", timeout=2)
                    if response.ok and response.json().get("cloud_healthy"):
                        return True
                except (requests.RequestException, ValueError):
                    pass
                time.sleep(0.1)
        finally:
            session.close()
        raise RuntimeError(f"H2O not ready after {JVM_START_SECONDS:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return (self.root / "jvm.out").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """SIGTERM (H2O exits at once), SIGKILL after 10 s; then the scratch directory."""
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if self._thread is not None:
            self._thread.join(10)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)


class FitCluster:
    """Where a fit runs: a node of its own (stopped at the end) or the shared cluster of
    ``PHANTOM_H2O_URL`` (only what the fit created is removed)."""

    def __init__(self, url: str | None, spec: FitSpec, max_mem: str) -> None:
        self.jvm: Jvm | None = None
        self.created: list[str] = []
        self.remote = url is not None
        self.lost: str | None = None  # why the shared cluster can no longer be used
        self.nodes = 1  # the cloud's size
        if url is None:
            self.jvm = Jvm(
                spec.num_cpus, heap_mb(max_mem, spec.memory_limit_mb), spec.work_dir / "h2o"
            )
            url = self.jvm.url
        self.url = url
        try:
            self.connection = connect(url, global_client=True)  # a cloud that is down: here
        except BaseException:
            if self.jvm is not None:
                self.jvm.stop()
            raise
        try:
            self.check()  # a cloud that already lost a member: fail before uploading
        except BaseException:
            disconnect(self.connection)
            raise
        self.version = str(self.connection.cluster.version)

    def check(self) -> None:
        """Raises ``H2OClusterLost`` when the shared cluster stopped answering or one of its
        nodes fell silent; a node of our own is watched by its process instead."""
        if not self.remote:
            return
        if self.lost is None:
            self.lost, size = _cloud_state(self.url)
            if self.lost is None:
                self.nodes = size
                return
            log.error("h2o: %s", self.lost)
        raise H2OClusterLost(self.lost)

    def upload(self, frame: pd.DataFrame, types: Sequence[str], scratch: Path) -> str:
        key = upload(self.connection, frame, types, scratch)
        self.created.append(key)
        return key

    def close(self) -> None:
        try:
            if self.remote and self.lost is None:
                for key in reversed(self.created):
                    delete_key(self.connection, key)
                self._remove_derived_frames()
            elif self.remote:
                log.warning("h2o: the cluster is broken, its keys stay: %s", self.created)
        finally:
            disconnect(self.connection)  # bounded: the client gives its goodbye 1 s
            if self.jvm is not None:
                self.jvm.stop()

    def _remove_derived_frames(self) -> None:
        """AutoML copies the training frame under a key that contains ours."""
        ours = [k for k in self.created if k.startswith("phantom_")]
        try:
            frames = self.connection.request("GET /3/Frames")["frames"]
        except Exception:
            return
        for entry in frames:
            name = entry["frame_id"]["name"]
            if any(k in name for k in ours):
                delete_key(self.connection, name)


def _cloud_state(url: str) -> tuple[str | None, int]:
    """What is wrong with the cloud at ``url`` (None: nothing), and its size. Heartbeat
    ages are measured against the answering node's own (fresh) heartbeat: no comparison
    across hosts' clocks."""
    import requests

    try:
        cloud = get_json(url, "/3/Cloud", {}, CLOUD_TIMEOUT_SECONDS)
    except (requests.RequestException, ValueError) as error:
        return f"the H2O cluster at {url} does not answer: {error}", 0
    nodes = cloud.get("nodes") or []
    newest = max((n.get("last_ping") or 0 for n in nodes), default=0)
    silent = [
        f"{n.get('ip_port')} (silent for {(newest - (n.get('last_ping') or 0)) / 1000:.0f} s)"
        for n in nodes
        if newest - (n.get("last_ping") or 0) > SILENT_NODE_SECONDS * 1000
        or n.get("healthy") is False
    ]
    if silent:
        return (
            f"the H2O cluster at {url} lost {len(silent)} of its {len(nodes)} nodes: "
            f"{', '.join(silent)}; an H2O cloud cannot continue without a member and needs "
            "a restart"
        ), len(nodes)
    return None, len(nodes)
