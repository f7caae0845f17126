"""Real-time serving, measured from outside: wrk against ``phantom api`` scoring with a
persisted AutoGluon model, and plain Starlette JSON in the same run as the ceiling.

    .venv/bin/python bench/serving.py [--budget 30] [--duration 10] [--baseline-src DIR]

What it does, on the local PostgreSQL and Redis (a throwaway database):
1. starts ``phantom api`` and ``phantom worker``; uploads 80 % of scikit-learn's breast
   cancer data (569 rows, 30 numeric features; no download) and trains two versions of
   one binary model with AutoGluon for ``--budget`` seconds each, through the API, as a
   user would: one serving the leaderboard's best (``servingChoice: BEST_SCORE``, what
   was served before, usually a weighted ensemble) and one the model fit to serve (the
   default); promotes the second to PRODUCTION; stops the worker;
2. measures, each case after a 2 s warm-up, server on core 0 and wrk on core 1:
   plain Starlette JSON (the ceiling: parse the same body, answer JSON), then REST predict
   of one held-out row with 1 and 64 connections, and 1,000-row requests (rows/s), with
   rate limits set high so the load is measured: the best-score version by id, and the
   fit-to-serve version by model name (the stable endpoint), once per ``--waits`` value of
   ``PHANTOM_PREDICT_BATCH_WAIT_MS``;
3. with ``--baseline-src DIR`` (a checkout of an older commit), first serves the
   best-score version (or, with ``--baseline-version served``, the fit-to-serve one) with
   that code (``PYTHONPATH=DIR/backend``): the figures to compare with.

Prints one row per case: req/s, rows/s, p50/p99 ms, errors, and the ratio to plain
Starlette. Not a test: tests check behaviour; this prints figures (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.graphql_overhead import PIN_SERVER, PIN_WRK, bench_database, free_port  # noqa: E402

PY = sys.executable
PHANTOM = str(Path(PY).with_name("phantom"))
MODEL = "Bench breast cancer"
UPLOAD = (
    "mutation($name: String!, $file: Upload!) { uploadDataset(name: $name, file: $file) "
    "{ id status error } }"
)
START = "mutation($input: StartTrainingInput!) { startTraining(input: $input) { id } }"
JOB = (
    "query($id: ID!) { trainingJob(id: $id) { status error progress message "
    "modelVersion { id bestModelName servingModel servingReason } leaderboard { modelName } } }"
)
PROMOTE = "mutation($id: ID!) { promoteModelVersion(id: $id, stage: PRODUCTION) { id } }"
APPROVAL_OFF = (
    "mutation { setPromotionPolicy(input: {productionRequiresApproval: false, "
    "stagingRequiresApproval: false}) { isDefault } }"
)


def data() -> tuple[bytes, list[dict[str, Any]]]:
    """The training CSV (80 %) and the held-out rows (20 %, without the target)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    frame = load_breast_cancer(as_frame=True).frame
    frame["target"] = frame["target"].map({0: "malignant", 1: "benign"})
    train, held_out = train_test_split(frame, test_size=0.2, random_state=0)
    rows: list[dict[str, Any]] = held_out.drop(columns=["target"]).to_dict("records")
    return train.to_csv(index=False).encode(), rows


@contextmanager
def process(
    args: list[str], env: dict[str, str], pin: list[str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    child = subprocess.Popen(
        [*(pin or []), *args],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready")


def wait_listening(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} not listening")


def gql(url: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]  # type: ignore[no-any-return]


def upload(url: str, token: str, csv: bytes) -> str:
    operations = {"query": UPLOAD, "variables": {"name": "Breast cancer", "file": None}}
    uploaded = httpx.post(
        f"{url}/graphql",
        headers={"Authorization": f"Bearer {token}"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("cancer.csv", csv, "text/csv")},
        timeout=120,
    ).json()["data"]["uploadDataset"]
    return str(uploaded["id"])


def train(url: str, token: str, dataset_id: str, budget: int, choice: str) -> dict[str, Any]:
    job = gql(
        url,
        token,
        START,
        {
            "input": {
                "datasetId": dataset_id,
                "target": "target",
                "timeBudgetSeconds": budget,
                "modelName": MODEL,
                "servingChoice": choice,
            }
        },
    )["startTraining"]
    deadline = time.monotonic() + budget * 3 + 120
    while time.monotonic() < deadline:
        found = gql(url, token, JOB, {"id": job["id"]})["trainingJob"]
        print(
            f"  training: {found['status']} {found['progress']:.0%} {found['message']}",
            file=sys.stderr,
            end="\r",
        )
        if found["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            print(file=sys.stderr)
            if found["status"] != "SUCCEEDED":
                raise RuntimeError(found["error"])
            return found
        time.sleep(1)
    raise TimeoutError("training did not finish")


def wrk(
    url: str, path: str, body: str, token: str | None, connections: int, duration: int
) -> dict[str, float]:
    lua = f"wrk.method = 'POST'\nwrk.body = [==[{body}]==]\n"
    lua += "wrk.headers['Content-Type'] = 'application/json'\n"
    if token:
        lua += f"wrk.headers['Authorization'] = 'Bearer {token}'\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    base = [*PIN_WRK, "wrk", "-t1", "-s", script.name]
    target = f"{url}{path}"
    subprocess.run([*base, "-c4", "-d2s", target], capture_output=True, check=True)  # warm up
    out = subprocess.run(
        [*base, f"-c{connections}", f"-d{duration}s", "--latency", target],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out)[1]),  # type: ignore[index]
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out)[1]),  # type: ignore[index]
        "errors": float(errors[1]) if errors else 0.0,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure_phantom(
    label: str,
    env: dict[str, str],
    token: str,
    target: str,
    rows: list[dict[str, Any]],
    options: argparse.Namespace,
    results: dict[str, dict[str, float]],
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_env = {**env, "PHANTOM_BASE_URL": url, "OMP_NUM_THREADS": "1"}
    with process([PHANTOM, "api", "--port", str(port)], server_env, PIN_SERVER):
        wait_ready(url)
        one = json.dumps({"rows": rows[:1]})
        thousand = json.dumps({"rows": (rows * (1000 // len(rows) + 1))[:1000]})
        path = f"/api/v1/models/{target}/predict"
        for name, body, connections in (
            ("1 row, 1 connection", one, 1),
            ("1 row, 64 connections", one, 64),
            ("1,000 rows, 4 connections", thousand, 4),
        ):
            result = wrk(url, path, body, token, connections, options.duration)
            result["rows"] = result["rps"] * len(json.loads(body)["rows"])
            results[f"{label}: {name}"] = result
            print(f"  {label}: {name}: {result['rps']:.0f} req/s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--budget", type=int, default=30)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--waits", default="0", help="PHANTOM_PREDICT_BATCH_WAIT_MS values")
    parser.add_argument("--baseline-src", type=Path)
    parser.add_argument(
        "--baseline-version",
        choices=["best", "served"],
        default="best",
        help="which version the baseline code serves: the best-score one, or the fit to serve",
    )
    options = parser.parse_args()
    csv, rows = data()
    results: dict[str, dict[str, float]] = {}
    with bench_database() as (env, token):
        env = {**env, "PHANTOM_STORAGE_URL": f"file://{tempfile.mkdtemp(prefix='bench-store-')}"}
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with (
            process([PHANTOM, "api", "--port", str(port)], {**env, "PHANTOM_BASE_URL": url}),
            process([PHANTOM, "worker", "--threads", "1"], env),
        ):
            wait_ready(url)
            dataset = upload(url, token, csv)
            best = train(url, token, dataset, options.budget, "BEST_SCORE")["modelVersion"]
            served = train(url, token, dataset, options.budget, "FIT_TO_SERVE")["modelVersion"]
            gql(url, token, APPROVAL_OFF, {})  # one operator benchmarking: no second person
            gql(url, token, PROMOTE, {"id": served["id"]})
        print(
            f"  best score: {best['bestModelName']}; fit to serve: {served['servingModel']}"
            f" ({served['servingReason']})",
            file=sys.stderr,
        )
        port = free_port()
        with process(
            [
                PY,
                "-m",
                "uvicorn",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
                "bench.apps:plain_app",
            ],
            {"OMP_NUM_THREADS": "1"},
            PIN_SERVER,
        ):
            plain = f"http://127.0.0.1:{port}"
            wait_listening(plain)
            ceiling = wrk(
                plain, "/graphql", json.dumps({"rows": rows[:1]}), None, 64, options.duration
            )
            results[PLAIN] = {**ceiling, "rows": ceiling["rps"]}
        if options.baseline_src:
            baseline_env = {**env, "PYTHONPATH": str(options.baseline_src.resolve() / "backend")}
            before = best if options.baseline_version == "best" else served
            measure_phantom(
                f"before, {before['servingModel'] or before['bestModelName']}",
                baseline_env,
                token,
                before["id"],
                rows,
                options,
                results,
            )
        measure_phantom(
            f"now, {best['servingModel']}", env, token, best["id"], rows, options, results
        )
        for wait in options.waits.split(","):
            measure_phantom(
                f"now, fit to serve ({served['servingModel']}), wait {wait} ms",
                {**env, "PHANTOM_PREDICT_BATCH_WAIT_MS": wait},
                token,
                MODEL.replace(" ", "%20"),
                rows,
                options,
                results,
            )
    report(results, options)


PLAIN = "plain Starlette JSON, 64 connections"


def report(results: dict[str, dict[str, float]], options: argparse.Namespace) -> None:
    plain = results[PLAIN]["rps"]
    print(f"\nwrk -t1 -d{options.duration}s; AutoGluon {options.budget} s per version")
    print(
        f"{'case':<72}{'req/s':>8}{'rows/s':>9}{'p50 ms':>8}{'p99 ms':>9}{'errors':>7}"
        f"{'vs plain':>9}"
    )
    for label, r in results.items():
        print(
            f"{label:<72}{r['rps']:>8.0f}{r['rows']:>9.0f}{r['p50']:>8.2f}{r['p99']:>9.2f}"
            f"{r['errors']:>7.0f}{r['rps'] / plain:>9.3f}"
        )


if __name__ == "__main__":
    main()
