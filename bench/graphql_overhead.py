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


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(args: list[str], env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [*args, "--port", str(port)],
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
        ["wrk", "-t1", "-c4", "-d2s", "-s", script.name, f"{url}/graphql"],
        capture_output=True,
        check=True,
    )
    out = subprocess.run(
        [
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    uvicorn = [PY, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    results: dict[str, dict[str, float]] = {}
    with bench_database() as (env, token):
        cases = [
            ("plain Starlette JSON", [*uvicorn, "bench.apps:plain_app"], {}),
            ("bare Strawberry", [*uvicorn, "bench.apps:bare_app"], {}),
            ("Strawberry + Parser/ValidationCache", [*uvicorn, "bench.apps:cached_app"], {}),
            (
                "phantom viewer (API token, PostgreSQL)",
                [str(Path(PY).with_name("phantom")), "api"],
                {"Authorization": f"Bearer {token}"},
            ),
        ]
        # two rounds, the second in reverse order, averaged: the machine's speed drifts
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in cases}
        for round_cases in (cases, cases[::-1]):
            for label, command, headers in round_cases:
                with server(command, env) as url:
                    runs[label].append(wrk(url, headers, options.duration, options.connections))
                    print(f"  measured {label}", file=sys.stderr)
        results = {
            label: {key: sum(r[key] for r in measured) / len(measured) for key in measured[0]}
            for label, measured in runs.items()
        }
    plain = results["plain Starlette JSON"]["rps"]
    cached = results["Strawberry + Parser/ValidationCache"]["rps"]
    print(
        f"\nwrk -t1 -c{options.connections} -d{options.duration}s x 2 rounds (mean), "
        "POST { viewer { email } }"
    )
    print(f"{'case':<42}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs plain':>10}{'vs cached':>11}")
    for label, r in results.items():
        print(
            f"{label:<42}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['rps'] / plain:>10.3f}{r['rps'] / cached:>11.3f}"
        )
    ratio = results["phantom viewer (API token, PostgreSQL)"]["rps"] / cached
    print(f"\nphantom viewer / cached bare Strawberry = {ratio:.2f} (target >= 0.80)")


if __name__ == "__main__":
    main()
