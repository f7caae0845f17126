"""GraphQL overhead: plain Starlette vs bare Strawberry vs cached Strawberry vs our
authenticated `viewer`, under the same wrk load on loopback.

    .venv/bin/python bench/graphql_overhead.py [--duration 10] [--connections 16]

Needs wrk (Debian package) and the local PostgreSQL; creates and drops its own database.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
QUERY = '{"query": "{ viewer { email } }"}'
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# Server on one core, load generator on the other: they do not steal each other's time,
# which otherwise makes runs differ by a third on a 2-core machine.
_TASKSET = shutil.which("taskset") if (os.cpu_count() or 1) >= 2 else None
PIN_SERVER = [_TASKSET, "-c", "0"] if _TASKSET else []
PIN_WRK = [_TASKSET, "-c", "1"] if _TASKSET else []


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(args: list[str], env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [*PIN_SERVER, *args, "--port", str(port)],
        env={**os.environ, **env, "OMP_NUM_THREADS": "1"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.post(
                    f"{url}/graphql",
                    content=QUERY,
                    headers={"content-type": "application/json"},
                    timeout=1,
                )
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def wrk(url: str, headers: dict[str, str], duration: int, connections: int) -> dict[str, float]:
    lua = "wrk.method = 'POST'\nwrk.body = '" + QUERY + "'\n"
    lua += "wrk.headers['Content-Type'] = 'application/json'\n"
    for key, value in headers.items():
        lua += f"wrk.headers['{key}'] = '{value}'\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    # warm up (caches, auth, connection pools), then measure
    subprocess.run(
        [*PIN_WRK, "wrk", "-t1", "-c4", "-d2s", "-s", script.name, f"{url}/graphql"],
        capture_output=True,
        check=True,
    )
    out = subprocess.run(
        [
            *PIN_WRK,
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            script.name,
            f"{url}/graphql",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors[1]} failed responses\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out)[1]),  # type: ignore[index]
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out)[1]),  # type: ignore[index]
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


@contextmanager
def bench_database() -> Iterator[tuple[dict[str, str], str]]:
    """A throwaway database with one tenant; yields the env and an API token."""
    name = f"phantom_bench_{secrets.token_hex(4)}"
    subprocess.run(["psql", PG_ADMIN, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    env = {
        "PHANTOM_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}",
        "PHANTOM_LOG_LEVEL": "WARNING",
        # development: a master key is generated into this throwaway VAR_DIR
        "PHANTOM_ENV": "development",
        "PHANTOM_VAR_DIR": tempfile.mkdtemp(prefix="phantom-bench-"),
        # as in production: rate limits are charged in Redis on every request (one round
        # trip); set high so the load is measured, not refused
        "PHANTOM_REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "PHANTOM_RATE_LIMIT_PER_CREDENTIAL": "100000000",
        "PHANTOM_RATE_LIMIT_PER_TENANT": "100000000",
    }
    phantom = str(Path(PY).with_name("phantom"))
    try:
        full = {**os.environ, **env}
        subprocess.run([phantom, "migrate"], env=full, check=True, capture_output=True)
        subprocess.run(
            [
                phantom,
                "tenant",
                "create",
                "bench",
                "--name",
                "Bench",
                "--admin-email",
                "bench@example.com",
                "--json",
            ],
            env=full,
            check=True,
            capture_output=True,
        )
        token = subprocess.run(
            [
                phantom,
                "token",
                "create",
                "--tenant",
                "bench",
                "--email",
                "bench@example.com",
                "--name",
                "bench",
            ],
            env=full,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        yield env, token
    finally:
        subprocess.run(
            ["psql", PG_ADMIN, "-qc", f'DROP DATABASE "{name}" WITH (FORCE)'], check=True
        )


CACHED = "Strawberry + Parser/ValidationCache"
OURS = "phantom viewer (API token, PostgreSQL)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    uvicorn = [PY, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    with bench_database() as (env, token):
        cases = [
            ("plain Starlette JSON", [*uvicorn, "bench.apps:plain_app"], {}),
            ("bare Strawberry", [*uvicorn, "bench.apps:bare_app"], {}),
            (CACHED, [*uvicorn, "bench.apps:cached_app"], {}),
            (
                OURS,
                [str(Path(PY).with_name("phantom")), "api"],
                {"Authorization": f"Bearer {token}"},
            ),
        ]
        # several rounds, alternating the order: the machine's speed drifts between runs,
        # so ratios are taken within a round and the median round is reported
        rounds: list[dict[str, dict[str, float]]] = []
        for n in range(options.rounds):
            measured = {}
            for label, command, headers in cases if n % 2 == 0 else cases[::-1]:
                with server(command, env) as url:
                    measured[label] = wrk(url, headers, options.duration, options.connections)
            rounds.append(measured)
            ratio = measured[OURS]["rps"] / measured[CACHED]["rps"]
            print(f"  round {n + 1}: viewer / cached = {ratio:.2f}", file=sys.stderr)
    report(rounds, options)


def report(rounds: list[dict[str, dict[str, float]]], options: argparse.Namespace) -> None:
    ratios = sorted(r[OURS]["rps"] / r[CACHED]["rps"] for r in rounds)
    median_round = min(
        rounds, key=lambda r: abs(r[OURS]["rps"] / r[CACHED]["rps"] - statistics.median(ratios))
    )
    plain = median_round["plain Starlette JSON"]["rps"]
    cached = median_round[CACHED]["rps"]
    print(
        f"\nwrk -t1 -c{options.connections} -d{options.duration}s, {options.rounds} rounds; "
        "the median round, POST { viewer { email } }"
    )
    print(f"{'case':<42}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs plain':>10}{'vs cached':>11}")
    for label in ("plain Starlette JSON", "bare Strawberry", CACHED, OURS):
        r = median_round[label]
        print(
            f"{label:<42}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['rps'] / plain:>10.3f}{r['rps'] / cached:>11.3f}"
        )
    print(
        f"\nphantom viewer / cached bare Strawberry: median {statistics.median(ratios):.2f}, "
        f"range {ratios[0]:.2f}-{ratios[-1]:.2f} over {len(ratios)} rounds (target >= 0.80)"
    )


if __name__ == "__main__":
    main()
