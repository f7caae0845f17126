"""The fault drill: training jobs from several organizations through two ``phantom api``
and three ``phantom worker`` processes while workers, fits, Redis and PostgreSQL are
killed and a flood of cancellations arrives; then every promise is checked.

    .venv/bin/python bench/fault_drill.py [--jobs 300] [--tenants 4] [--seed 7] [--keep]

What it does, on a PostgreSQL and a Redis of its own (started on spare ports under one
temporary directory, never the machine's shared servers, so they can be restarted):
1. migrates, creates ``--tenants`` organizations with a token each, and uploads one small
   data set per organization;
2. starts the processes and submits ``--jobs`` training jobs (``--engine``, default the
   scikit-learn engine, ``--budget`` seconds each), spread over the organizations and the
   two APIs;
3. injects faults one at a time, spread over the run by the share of jobs ended, in an
   order drawn from ``--seed``: SIGKILL of a whole worker (its process group, as a host
   dying; the orchestrator replaces it two seconds later), SIGKILL of one fit, a Redis
   crash and restart (nothing on disk: every queued message is lost), a PostgreSQL
   restart (``pg_ctl restart -m fast``: every connection dropped), and a flood of
   cancellations over both APIs;
4. waits for every job to end, stops the processes (SIGTERM), and checks: every job ended
   exactly once (one terminal audit event) in SUCCEEDED, FAILED with a code or CANCELLED;
   one model version per success and none otherwise; a job whose cancel was accepted
   ended CANCELLED (or SUCCEEDED, when its result was committed first); no stored model
   file without its version, no fit's scratch directory and no fit process left; never two
   fits of one job at once; every organization's audit chain verifies.

Prints the counts, each fault with the time to recovery (a worker or fit kill: until
every job it held was released, to the queue or an end; a Redis or PostgreSQL restart:
until both APIs are ready and a job has ended since; a cancel flood: until every
cancelled job ended) and the violations, if any; exits 1 when there are. The leases are
short (``DRILL_ENV``), so recovery is quick to observe; with the defaults it scales with
``PHANTOM_TRAINING_LEASE_SECONDS``. ``tests/ops/test_fault_drill.py`` runs a short drill.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PHANTOM = str(Path(sys.executable).with_name("phantom"))
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}
KINDS = ("worker_kill", "fit_kill", "redis_restart", "postgres_restart", "cancel_flood")
# short leases, so a killed worker's job is noticed within seconds (tests/automl does the same)
DRILL_ENV = {
    "PHANTOM_TRAINING_LEASE_SECONDS": "6",
    "PHANTOM_TRAINING_HEARTBEAT_SECONDS": "1",
    "PHANTOM_TRAINING_RECONCILE_SECONDS": "2",
    "PHANTOM_TRAINING_REQUEUE_AFTER_SECONDS": "5",
    "PHANTOM_TRAINING_CANCEL_GRACE_SECONDS": "3",
    "PHANTOM_SHUTDOWN_GRACE_SECONDS": "10",
    "PHANTOM_DATABASE_POOL_SIZE": "3",
    "PHANTOM_RATE_LIMIT_PER_CREDENTIAL": "100000000",
    "PHANTOM_RATE_LIMIT_PER_TENANT": "100000000",
    "PHANTOM_LOG_JSON": "true",
    "PHANTOM_ENV": "development",  # a master key is generated into the drill's VAR_DIR
}
UPLOAD = (
    "mutation($name: String!, $file: Upload!) { uploadDataset(name: $name, file: $file) "
    "{ id status error } }"
)
DATASET = "query($id: ID!) { dataset(id: $id) { status error } }"
START = "mutation($input: StartTrainingInput!) { startTraining(input: $input) { id } }"
CANCEL = "mutation($id: ID!) { cancelTraining(id: $id) { id status } }"


@dataclass(frozen=True, slots=True)
class DrillConfig:
    jobs: int = 300
    tenants: int = 4
    apis: int = 2
    workers: int = 3
    slots: int = 2  # fits per worker (PHANTOM_TRAINING_SLOTS)
    concurrent_per_tenant: int = 3  # PHANTOM_TRAINING_MAX_CONCURRENT_JOBS
    engine: str = "SKLEARN"
    budget: int = 10
    worker_kills: int = 3
    fit_kills: int = 5
    redis_restarts: int = 1
    postgres_restarts: int = 1
    cancel_floods: int = 1
    cancel_share: float = 0.1  # of all jobs, per flood
    seed: int = 7
    timeout: float = 3600  # for all jobs to end
    recovery_timeout: float = 120  # for one fault
    keep: bool = False  # leave the directory (logs, data) behind


@dataclass(slots=True)
class Fault:
    kind: str
    at: float  # seconds into the run
    affected: int  # jobs it held (kills), jobs cancelled (flood); 0 for restarts
    recovery: float | None  # seconds; None: not recovered within the fault's timeout
    detail: str = ""


@dataclass(slots=True)
class DrillReport:
    config: DrillConfig
    seconds: float
    statuses: Counter[str]
    codes: Counter[str]
    attempts: Counter[int]
    faults: list[Fault]
    violations: list[str]
    submitted: int

    def lines(self) -> list[str]:
        out = [
            f"{self.submitted} jobs from {self.config.tenants} organizations, engine "
            f"{self.config.engine}, budget {self.config.budget} s, {self.config.apis} APIs, "
            f"{self.config.workers} workers x {self.config.slots} fits: ended in "
            f"{self.seconds:.0f} s ({self.submitted / self.seconds * 60:.0f} jobs/min)",
            "statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items())),
            "codes: " + ", ".join(f"{k} {v}" for k, v in sorted(self.codes.items())),
            "attempts: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.attempts.items())),
            "",
            f"{'fault':<18}{'count':>6}{'affected':>10}{'recovery median':>17}{'max':>8}",
        ]
        for kind in KINDS:
            faults = [f for f in self.faults if f.kind == kind]
            if not faults:
                continue
            times = [f.recovery for f in faults if f.recovery is not None]
            median = f"{statistics.median(times):.1f} s" if times else "-"
            worst = f"{max(times):.1f} s" if times else "-"
            affected = sum(f.affected for f in faults)
            out.append(f"{kind:<18}{len(faults):>6}{affected:>10}{median:>17}{worst:>8}")
        out.append("")
        for fault in self.faults:
            recovery = "NOT RECOVERED" if fault.recovery is None else f"{fault.recovery:.1f} s"
            out.append(
                f"  {fault.at:7.1f} s  {fault.kind:<17} affected {fault.affected:>3}  "
                f"recovered in {recovery}  {fault.detail}"
            )
        out.append("")
        out.append(
            f"violations: {len(self.violations)}"
            + "".join(f"\n  - {v}" for v in self.violations[:50])
        )
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's tools refuse to run as root: as its own OS user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _postgres_bin(tool: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    for directory in reversed(versions):
        if (directory / tool).exists():
            return str(directory / tool)
    found = shutil.which(tool)
    if found is None:
        raise RuntimeError(f"{tool} not found (install PostgreSQL's server package)")
    return found


class PrivatePostgres:
    """A PostgreSQL cluster of the drill's own on a spare port (trust auth, loopback)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.log = root / "logs" / "postgres.log"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres(
                [_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), *args]
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self.data.mkdir()
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
            shutil.chown(self.log, "postgres")
        subprocess.run(
            _as_postgres(
                [_postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
            "-c max_connections=300 -c fsync=off"
        )
        (self.data / "drill.options").write_text(options)
        self._ctl("-o", options, "-w", "start")

    def restart(self) -> None:
        options = (self.data / "drill.options").read_text()
        self._ctl("-o", options, "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("-m", "immediate", "-w", "stop")

    def url(self, user: str, database: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://{user}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            ["psql", self.url("postgres", database, "postgresql"), "-qAtc", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


class PrivateRedis:
    """A Redis of the drill's own on a spare port, nothing on disk: a restart loses all."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.root),
                "--logfile", str(self.root / "logs" / "redis.log"),
            ],
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 1) as s,
            ):
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("the drill's Redis did not start")

    def crash(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Phantom:
    """The phantom processes, each in a process group of its own (a kill takes the group,
    as a host dying takes everything on it; a fit runs in its own session and must notice
    its worker is gone)."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.apis: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def _spawn(self, args: list[str], name: str, env: dict[str, str] | None = None) -> Any:
        self.started += 1
        with open(self.root / "logs" / f"{name}-{self.started}.log", "wb") as log:
            return subprocess.Popen(
                [PHANTOM, *args],
                env={**self.env, **(env or {})},
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [PHANTOM, *args], env=self.env, cwd=self.root, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"phantom {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def start_api(self) -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = self._spawn(["api", "--port", str(port)], "api", {"PHANTOM_BASE_URL": url})
        self.apis.append((url, process))

    def start_worker(self, index: int | None = None) -> None:
        process = self._spawn(["worker", "--threads", "2"], "worker")
        if index is None:
            self.workers.append(process)
        else:
            self.workers[index] = process

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        for url, process in self.apis:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"phantom api exited with {process.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} not ready")
                time.sleep(0.2)

    def stop(self) -> list[str]:
        """SIGTERM to every process, as a deploy does; what did not exit in time."""
        late = []
        every = [p for _, p in self.apis] + self.workers
        for process in every:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in every:
            try:
                process.wait(40)
            except subprocess.TimeoutExpired:
                late.append(" ".join(str(a) for a in process.args))  # type: ignore[union-attr]
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        return late


def training_csv(seed: int, rows: int = 400) -> bytes:
    """A small binary problem with numbers, a category and missing values: seconds to fit."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=rows) for i in range(6)})
    frame["segment"] = rng.choice(["retail", "sme", "corporate"], size=rows)
    frame.loc[rng.random(rows) < 0.05, "x3"] = np.nan
    signal_ = frame["x0"] + 0.5 * frame["x1"] - frame["x2"].fillna(0) + (frame["segment"] == "sme")
    frame["label"] = np.where(signal_ + rng.normal(scale=0.7, size=rows) > 0, "yes", "no")
    return frame.to_csv(index=False).encode()


def runner_processes() -> dict[str, list[int]]:
    """The fits alive now, by job id (their command line holds their directory's name)."""
    found = subprocess.run(
        ["pgrep", "-af", "phantom.automl.runner"], capture_output=True, text=True, check=False
    ).stdout
    fits: dict[str, list[int]] = {}
    for line in found.splitlines():
        pid, _, command = line.partition(" ")
        marker = command.find("phantom-train-")
        if marker < 0:
            continue
        job_id = command[marker + len("phantom-train-") :][:36]
        fits.setdefault(job_id, []).append(int(pid))
    return fits


class Drill:
    def __init__(self, config: DrillConfig, root: Path) -> None:
        self.config = config
        self.root = root
        self.random = random.Random(config.seed)  # noqa: S311 - a replayable plan
        self.postgres = PrivatePostgres(root)
        self.redis = PrivateRedis(root)
        self._phantom: Phantom | None = None
        self.tokens: dict[str, str] = {}  # tenant slug -> API token
        self.jobs: dict[str, str] = {}  # job id -> tenant slug
        self.snapshot: dict[str, dict[str, Any]] = {}  # job id -> its row, polled
        self.ended_at: list[float] = []  # when a job was first seen ended (run seconds)
        self.double_fits: set[str] = set()
        self.cancelled: set[str] = set()  # cancels the API accepted
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.t0 = 0.0

    # setup ---------------------------------------------------------------------------
    def setup(self) -> None:
        (self.root / "logs").mkdir()
        (self.root / "tmp").mkdir()
        self.root.chmod(0o755)
        self.postgres.start()
        self.postgres.psql("CREATE DATABASE phantom")
        self.postgres.psql("CREATE ROLE phantom_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB")
        self.redis.start()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PHANTOM_")}
        env.update(DRILL_ENV)
        env.update(
            {
                "PHANTOM_DATABASE_URL": self.postgres.url("phantom_app", "phantom"),
                "PHANTOM_MIGRATION_DATABASE_URL": self.postgres.url("postgres", "phantom"),
                "PHANTOM_REDIS_URL": self.redis.url,
                "PHANTOM_VAR_DIR": str(self.root / "var"),
                "PHANTOM_STORAGE_URL": f"file://{self.root / 'store'}",
                "PHANTOM_TRAINING_SLOTS": str(self.config.slots),
                "PHANTOM_TRAINING_MAX_CONCURRENT_JOBS": str(self.config.concurrent_per_tenant),
                "TMPDIR": str(self.root / "tmp"),
            }
        )
        self._phantom = Phantom(self.root, env)
        self.phantom.cli("migrate")
        for n in range(self.config.tenants):
            slug = f"drill-{n + 1}"
            email = f"admin@{slug}.example"
            name = f"Drill {n + 1}"
            self.phantom.cli("tenant", "create", slug, "--name", name, "--admin-email", email)
            self.tokens[slug] = self.phantom.cli(
                "token", "create", "--tenant", slug, "--email", email, "--name", "drill"
            ).strip()
        for _ in range(self.config.apis):
            self.phantom.start_api()
        for _ in range(self.config.workers):
            self.phantom.start_worker()
        self.phantom.wait_ready()

    @property
    def phantom(self) -> Phantom:
        if self._phantom is None:
            raise RuntimeError("the drill is not set up")
        return self._phantom

    @property
    def urls(self) -> list[str]:
        return [url for url, _ in self.phantom.apis]

    async def gql(
        self, client: httpx.AsyncClient, url: str, slug: str, query: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        response = await client.post(
            f"{url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.tokens[slug]}"},
        )
        body: dict[str, Any] = response.json()
        return body

    async def upload(self, client: httpx.AsyncClient, slug: str, index: int) -> str:
        url = self.urls[0]
        operations = {"query": UPLOAD, "variables": {"name": "Drill applications", "file": None}}
        response = await client.post(
            f"{url}/graphql",
            headers={"Authorization": f"Bearer {self.tokens[slug]}"},
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("drill.csv", training_csv(self.config.seed + index), "text/csv")},
        )
        dataset_id = str(response.json()["data"]["uploadDataset"]["id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = (await self.gql(client, url, slug, DATASET, {"id": dataset_id}))["data"]
            if found["dataset"]["status"] == "READY":
                return dataset_id
            if found["dataset"]["status"] == "FAILED":
                raise RuntimeError(f"the drill's data set failed: {found['dataset']['error']}")
            await asyncio.sleep(0.3)
        raise TimeoutError("the drill's data set was not profiled in time")

    async def submit(self, client: httpx.AsyncClient) -> None:
        datasets = {slug: await self.upload(client, slug, n) for n, slug in enumerate(self.tokens)}
        slugs = list(self.tokens)
        gate = asyncio.Semaphore(8)

        async def one(n: int) -> None:
            slug = slugs[n % len(slugs)]
            job_input = {
                "datasetId": datasets[slug],
                "target": "label",
                "timeBudgetSeconds": self.config.budget,
                "engine": self.config.engine,
                "modelName": f"Drill model {n % 3}",
            }
            async with gate:
                body = await self.gql(
                    client, self.urls[n % len(self.urls)], slug, START, {"input": job_input}
                )
            if body.get("errors"):
                self.violations.append(f"startTraining refused: {body['errors'][0]['message']}")
                return
            self.jobs[body["data"]["startTraining"]["id"]] = slug

        await asyncio.gather(*(one(n) for n in range(self.config.jobs)))

    # watching ------------------------------------------------------------------------
    async def watch(self, stop: asyncio.Event) -> None:
        """The jobs' rows (as the owner role: every organization) and the fits alive, twice
        a second; rides over the PostgreSQL restart."""
        import asyncpg

        connection = None
        dsn = self.postgres.url("postgres", "phantom", "postgresql")
        while not stop.is_set():
            try:
                if connection is None:
                    connection = await asyncpg.connect(dsn, timeout=2)
                rows = await connection.fetch(
                    "SELECT id::text, status, fencing_token, attempt, error_code,"
                    " lease_owner FROM training_jobs"
                )
                now = self.now()
                for row in rows:
                    before = self.snapshot.get(row["id"])
                    if row["status"] in TERMINAL and (
                        before is None or before["status"] not in TERMINAL
                    ):
                        self.ended_at.append(now)
                    self.snapshot[row["id"]] = dict(row)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                if connection is not None:
                    with contextlib.suppress(Exception):
                        connection.terminate()
                connection = None
            for job_id, pids in (await asyncio.to_thread(runner_processes)).items():
                if len(pids) > 1 and job_id in self.jobs:
                    self.double_fits.add(job_id)
            await asyncio.sleep(0.5)
        if connection is not None:
            await connection.close()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def ended(self) -> int:
        return sum(1 for j in self.jobs if self.snapshot.get(j, {}).get("status") in TERMINAL)

    def running(self) -> dict[str, dict[str, Any]]:
        return {
            j: r for j, r in self.snapshot.items() if r["status"] == "RUNNING" and j in self.jobs
        }

    async def until(self, condition: Any, within: float) -> float | None:
        """Seconds until ``condition()`` held; None if it did not within ``within``."""
        started = time.monotonic()
        while time.monotonic() - started < within:
            if condition():
                return time.monotonic() - started
            await asyncio.sleep(0.2)
        return None

    async def released(self, held: dict[str, int]) -> float | None:
        """Until every job in ``held`` (job id -> the fencing token of its dead attempt)
        left that attempt: back in the queue, claimed again, or ended."""

        def done() -> bool:
            return all(
                self.snapshot[j]["status"] != "RUNNING" or self.snapshot[j]["fencing_token"] != t
                for j, t in held.items()
            )

        return await self.until(done, self.config.recovery_timeout)

    # faults --------------------------------------------------------------------------
    async def kill_worker(self) -> Fault:
        running = self.running()
        by_group: dict[int, dict[str, int]] = {}
        for job_id, row in running.items():
            with contextlib.suppress(ProcessLookupError, ValueError, AttributeError):
                group = os.getpgid(int(row["lease_owner"].rsplit(":", 1)[1]))
                by_group.setdefault(group, {})[job_id] = row["fencing_token"]
        groups = [w.pid for w in self.phantom.workers]
        busy = [i for i, pid in enumerate(groups) if by_group.get(pid)]
        index = self.random.choice(busy or list(range(len(groups))))
        held = by_group.get(groups[index], {})
        at = self.now()
        started = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(groups[index], signal.SIGKILL)
        self.phantom.workers[index].wait(10)
        await asyncio.sleep(2)  # the orchestrator notices and starts a replacement
        self.phantom.start_worker(index)
        left = await self.released(held)
        recovery = None if left is None else max(time.monotonic() - started, 0.0)
        return Fault("worker_kill", at, len(held), recovery, f"worker {index + 1}")

    async def kill_fit(self) -> Fault:
        fits: dict[str, list[int]] = {}
        deadline = time.monotonic() + 30  # a claimed job's fit starts within a second
        while not fits and time.monotonic() < deadline:
            alive = await asyncio.to_thread(runner_processes)
            fits = {j: p for j, p in alive.items() if j in self.jobs}
            await asyncio.sleep(0.1)
        at = self.now()
        if not fits:
            return Fault("fit_kill", at, 0, 0.0, "no fit was running")
        job_id = self.random.choice(sorted(fits))
        token = self.snapshot.get(job_id, {}).get("fencing_token", 0)
        started = time.monotonic()
        for pid in fits[job_id]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        left = await self.released({job_id: token})
        recovery = None if left is None else time.monotonic() - started
        return Fault("fit_kill", at, 1, recovery, f"job {job_id[:8]}")

    async def resumed(self, since: float) -> bool:
        """Both APIs ready and a job ended after ``since`` (run seconds)."""
        if not any(t > since for t in self.ended_at) and self.ended() < len(self.jobs):
            return False
        async with httpx.AsyncClient(timeout=2) as client:
            for url in self.urls:
                try:
                    if (await client.get(f"{url}/readyz")).status_code != 200:
                        return False
                except httpx.HTTPError:
                    return False
        return True

    async def until_resumed(self, since: float) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < self.config.recovery_timeout:
            if await self.resumed(since):
                return time.monotonic() - started
            await asyncio.sleep(0.2)
        return None

    async def restart_redis(self) -> Fault:
        at = self.now()
        started = time.monotonic()
        await asyncio.to_thread(self.redis.crash)
        await asyncio.sleep(1)
        await asyncio.to_thread(self.redis.start)
        down = time.monotonic() - started
        waited = await self.until_resumed(self.now())
        recovery = None if waited is None else down + waited
        return Fault("redis_restart", at, 0, recovery, f"down {down:.1f} s")

    async def restart_postgres(self) -> Fault:
        at = self.now()
        started = time.monotonic()
        await asyncio.to_thread(self.postgres.restart)
        down = time.monotonic() - started
        waited = await self.until_resumed(self.now())
        recovery = None if waited is None else down + waited
        return Fault("postgres_restart", at, 0, recovery, f"restart took {down:.1f} s")

    async def flood_cancels(self, client: httpx.AsyncClient) -> Fault:
        open_jobs = sorted(
            j for j in self.jobs if self.snapshot.get(j, {}).get("status") not in TERMINAL
        )
        count = min(len(open_jobs), max(5, int(self.config.jobs * self.config.cancel_share)))
        # the running ones first (the harder case), then queued ones
        running = [j for j in open_jobs if self.snapshot.get(j, {}).get("status") == "RUNNING"]
        queued = [j for j in open_jobs if j not in running]
        chosen = running[: count // 2] + self.random.sample(
            queued, min(len(queued), count - len(running[: count // 2]))
        )
        at = self.now()
        started = time.monotonic()
        answers: Counter[str] = Counter()

        async def one(n: int, job_id: str) -> None:
            try:
                body = await self.gql(
                    client, self.urls[n % len(self.urls)], self.jobs[job_id], CANCEL, {"id": job_id}
                )
            except httpx.HTTPError as error:
                answers[type(error).__name__] += 1
                return
            if body.get("errors"):
                answers[body["errors"][0].get("extensions", {}).get("code", "error")] += 1
            else:
                answers["accepted"] += 1
                self.cancelled.add(job_id)

        await asyncio.gather(*(one(n, j) for n, j in enumerate(chosen)))
        accepted = [j for j in chosen if j in self.cancelled]
        waited = await self.until(
            lambda: all(self.snapshot[j]["status"] in TERMINAL for j in accepted),
            self.config.recovery_timeout,
        )
        recovery = None if waited is None else time.monotonic() - started
        detail = ", ".join(f"{k} {v}" for k, v in sorted(answers.items()))
        return Fault("cancel_flood", at, len(accepted), recovery, detail)

    def plan(self) -> list[str]:
        c = self.config
        kinds = (
            ["worker_kill"] * c.worker_kills
            + ["fit_kill"] * c.fit_kills
            + ["redis_restart"] * c.redis_restarts
            + ["postgres_restart"] * c.postgres_restarts
            + ["cancel_flood"] * c.cancel_floods
        )
        self.random.shuffle(kinds)
        return kinds

    async def inject(self, client: httpx.AsyncClient) -> None:
        """Each fault once the share of ended jobs passes its mark (spread from 5 % to
        80 %), after the previous one recovered; a kill waits for a fit to be running."""
        kinds = self.plan()
        for n, kind in enumerate(kinds):
            mark = 0.05 + 0.75 * n / max(len(kinds), 1)
            await self.until(lambda m=mark: self.ended() >= m * len(self.jobs), self.config.timeout)
            if kind in ("worker_kill", "fit_kill"):
                await self.until(lambda: bool(self.running()), 60)
            if kind == "worker_kill":
                fault = await self.kill_worker()
            elif kind == "fit_kill":
                fault = await self.kill_fit()
            elif kind == "redis_restart":
                fault = await self.restart_redis()
            elif kind == "postgres_restart":
                fault = await self.restart_postgres()
            else:
                fault = await self.flood_cancels(client)
            self.faults.append(fault)
            print(f"  {fault.at:7.1f} s  {fault.kind}: affected {fault.affected}, recovered in "
                  f"{'-' if fault.recovery is None else f'{fault.recovery:.1f} s'} {fault.detail}",
                  file=sys.stderr)  # fmt: skip
            if fault.recovery is None:
                self.violations.append(f"{kind} at {fault.at:.0f} s: not recovered within "
                                       f"{self.config.recovery_timeout:.0f} s")  # fmt: skip

    async def run_jobs(self) -> float:
        stop = asyncio.Event()
        self.t0 = time.monotonic()
        watcher = asyncio.create_task(self.watch(stop))
        async with httpx.AsyncClient(timeout=60) as client:
            await self.submit(client)
            injector = asyncio.create_task(self.inject(client))
            last = -1
            deadline = time.monotonic() + self.config.timeout
            while self.ended() < len(self.jobs) or not injector.done():
                if time.monotonic() > deadline:
                    break
                if self.ended() != last:
                    last = self.ended()
                    print(
                        f"  {self.now():7.1f} s  {last}/{len(self.jobs)} ended",
                        file=sys.stderr,
                        end="\r",
                    )
                await asyncio.sleep(0.5)
            injector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await injector
        seconds = self.now()
        await asyncio.sleep(1)
        stop.set()
        await watcher
        print(file=sys.stderr)
        return seconds

    # checks --------------------------------------------------------------------------
    def check(self) -> tuple[Counter[str], Counter[str], Counter[int]]:
        rows = {
            r[0]: r
            for r in (
                line.split("|")
                for line in self.postgres.psql(
                    "SELECT id, status, coalesce(error_code, ''), attempt,"
                    " cancel_requested_at IS NOT NULL FROM training_jobs",
                    "phantom",
                ).splitlines()
            )
        }
        ends = Counter(
            line
            for line in self.postgres.psql(
                "SELECT resource_id FROM audit_events WHERE action IN ("
                "'automl.training.succeeded', 'automl.training.failed',"
                " 'automl.training.cancelled')",
                "phantom",
            ).splitlines()
        )
        versions = Counter(
            line
            for line in self.postgres.psql(
                "SELECT training_job_id FROM model_versions", "phantom"
            ).splitlines()
        )
        artefacts = {
            line
            for line in self.postgres.psql(
                "SELECT artifact_path FROM model_versions", "phantom"
            ).splitlines()
        }
        statuses: Counter[str] = Counter()
        codes: Counter[str] = Counter()
        attempts: Counter[int] = Counter()
        for job_id in self.jobs:
            _, status, code, attempt, _cancel = rows[job_id]
            statuses[status] += 1
            attempts[int(attempt)] += 1
            if code:
                codes[code] += 1
            if status not in TERMINAL:
                self.violations.append(f"job {job_id} stuck in {status}")
            if status == "FAILED" and not code:
                self.violations.append(f"job {job_id} FAILED without a code")
            if ends[job_id] != 1:
                self.violations.append(f"job {job_id} ended {ends[job_id]} times in the audit log")
            wanted = 1 if status == "SUCCEEDED" else 0
            if versions[job_id] != wanted:
                self.violations.append(f"job {job_id} ({status}) has {versions[job_id]} versions")
            if job_id in self.cancelled and status not in ("CANCELLED", "SUCCEEDED"):
                self.violations.append(f"job {job_id}: cancel accepted, yet it ended {status}")
        for job_id in sorted(self.double_fits):
            self.violations.append(f"job {job_id} had two fits alive at once")
        store = self.root / "store"
        stored = {
            str(p.relative_to(store))
            for p in (store / "tenants").glob("*/models/**/*")
            if p.is_file()
        }
        for orphan in sorted(stored - artefacts):
            self.violations.append(f"model file without a version: {orphan}")
        for missing in sorted(artefacts - stored):
            self.violations.append(f"version without its model file: {missing}")
        for scratch in sorted((self.root / "tmp").glob("phantom-train-*")):
            self.violations.append(f"a fit's scratch directory left behind: {scratch.name}")
        for job_id in sorted(set(runner_processes()) & set(self.jobs)):
            self.violations.append(f"the fit of job {job_id} outlived the workers")
        for slug in self.tokens:
            try:
                self.phantom.cli("audit", "verify", "--tenant", slug)
            except RuntimeError as error:
                self.violations.append(f"the audit chain of {slug} does not verify: {error}")
        return statuses, codes, attempts

    def run(self) -> DrillReport:
        try:
            self.setup()
            print(
                f"  postgres :{self.postgres.port}, redis :{self.redis.port}, logs in "
                f"{self.root / 'logs'}",
                file=sys.stderr,
            )
            seconds = asyncio.run(self.run_jobs())
            for late in self.phantom.stop():
                self.violations.append(f"did not stop within 40 s of SIGTERM: {late}")
            time.sleep(2)  # a fit notices its worker is gone within a second
            statuses, codes, attempts = self.check()
            return DrillReport(
                self.config, seconds, statuses, codes, attempts, self.faults,
                self.violations, len(self.jobs),
            )  # fmt: skip
        finally:
            if self._phantom is not None:
                self._phantom.stop()
            self.redis.crash()
            self.postgres.stop()


@contextlib.contextmanager
def drill_root(keep: bool) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="phantom-drill-"))
    try:
        yield root
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def run_drill(config: DrillConfig) -> DrillReport:
    with drill_root(config.keep) as root:
        return Drill(config, root).run()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    defaults = DrillConfig()
    for name in ("jobs", "tenants", "workers", "slots", "budget", "worker_kills", "fit_kills",
                 "redis_restarts", "postgres_restarts", "cancel_floods", "seed"):  # fmt: skip
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name)
        )
    parser.add_argument("--engine", default=defaults.engine)
    parser.add_argument("--keep", action="store_true", help="leave the directory and its logs")
    options = vars(parser.parse_args())
    config = DrillConfig(**options)
    report = run_drill(config)
    print("\n".join(report.lines()))
    sys.exit(1 if report.violations else 0)


if __name__ == "__main__":
    main()
