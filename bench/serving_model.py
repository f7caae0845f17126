"""The model fit to serve against the leaderboard's best: what a prediction costs through
the saved artefact, and what the holdout says each one is worth.

    .venv/bin/python -m bench.serving_model [--budget 30] [--datasets breast_cancer,synth_cat]
                                             [--calls 200]

For each dataset, two fits through the product's runner (``phantom.automl.runner`` in a
child process, as a training job runs it), the same data and seed: the job's default
``FIT_TO_SERVE`` and ``BEST_SCORE``. Each artefact is then loaded as serving loads it
(``engine.load``: persisted in memory) and timed: ``--calls`` one-row predict calls
(median and p99) and 20 calls of 1,000 rows (rows per second from the median). Two fits
need not end with the same models, so the FIT_TO_SERVE fit's own leaderboard (every
model scored and timed in one process) also gives the served model against that fit's
best. Prints the host's load average: timed figures are only comparable on a quiet host.
Data ships inside scikit-learn (no downloads).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.automl_quality import DATASETS, column_types
from phantom.automl.engines import get_engine
from phantom.automl.lifecycle import hard_bound_seconds
from phantom.automl.tasks import DEFAULT_METRIC, TaskType

BATCH_ROWS = 1_000
BATCH_CALLS = 20


def fit(
    frame: pd.DataFrame, target: str, task: TaskType, budget: int, work: Path, choice: str
) -> dict[str, Any]:
    """One fit through the product's runner; its result line, plus wall time."""
    data = work / "data.parquet"
    frame.to_parquet(data)
    (work / "model").mkdir()
    (work / "scratch").mkdir()
    spec = {
        "data_path": str(data),
        "engine": "autogluon",
        "task": task.value,
        "target": target,
        "metric": DEFAULT_METRIC[task],
        "budget_seconds": budget,
        "num_cpus": os.cpu_count() or 1,
        "memory_limit_mb": 8192,
        "model_dir": str(work / "model"),
        "work_dir": str(work / "scratch"),
        "column_types": column_types(frame),
        "seed": 0,
        "options": {"serving_model": choice},
    }
    (work / "spec.json").write_text(json.dumps(spec))
    started = time.monotonic()
    with (work / "fit.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "phantom.automl.runner", str(work / "spec.json")],
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
        )
        try:
            out, _ = process.communicate(timeout=hard_bound_seconds(budget))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise RuntimeError(f"{choice}: killed at the hard bound") from None
    last = json.loads(out.decode().strip().splitlines()[-1])
    if last["event"] != "result":
        tail = (work / "fit.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{choice}: {last.get('message')}\n{tail}")
    return {**last, "wall": time.monotonic() - started}


def time_artefact(model_dir: Path, features: pd.DataFrame, calls: int) -> dict[str, float]:
    """One-row latency (median, p99) and 1,000-row throughput through the loaded model."""
    model = get_engine("autogluon").load(model_dir, num_cpus=os.cpu_count() or 1)
    try:
        rows = [features.iloc[[i % len(features)]] for i in range(calls)]
        model.predict(rows[0])
        single = []
        for row in rows:
            started = time.perf_counter()
            model.predict(row)
            single.append(time.perf_counter() - started)
        batch = features.sample(n=BATCH_ROWS, replace=True, random_state=0)
        model.predict(batch)
        batches = []
        for _ in range(BATCH_CALLS):
            started = time.perf_counter()
            model.predict(batch)
            batches.append(time.perf_counter() - started)
    finally:
        model.close()
    return {
        "p50_ms": float(np.median(single)) * 1000,
        "p99_ms": float(np.percentile(single, 99)) * 1000,
        "rows_per_second": BATCH_ROWS / float(np.median(batches)),
    }


def compare_in_fit(name: str, result: dict[str, Any]) -> list[str]:
    """The served model and the leaderboard's best of one fit, as the engine measured them."""
    rows = {r["model_name"]: r for r in result["leaderboard"]}
    lines = []
    for role, model in (("best", result["best_model"]), ("served", result["serving"]["model"])):
        r = rows[model]
        lines.append(
            f"{name:<14} {role:<7} {model:<26} holdout {r['score_holdout']:.4f} "
            f"1-row {r['predict_ms_per_row']:.2f} ms, {r['rows_per_second']:,.0f} rows/s"
        )
    return lines


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=30)
    parser.add_argument("--datasets", default="breast_cancer,synth_cat")
    parser.add_argument("--calls", type=int, default=200, help="one-row calls timed")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    header = (
        f"{'dataset':<14} {'choice':<13} {'served model':<26} {'metric':<9} {'holdout':>8} "
        f"{'1-row p50':>10} {'p99':>9} {'1k rows/s':>10} {'artefact':>9} {'fit s':>6}"
    )
    print(header)
    reasons: list[str] = []
    same_fit: list[str] = []
    for name in args.datasets.split(","):
        frame, target, task = DATASETS[name]()
        features = frame.drop(columns=[target])
        for choice in ("FIT_TO_SERVE", "BEST_SCORE"):
            with tempfile.TemporaryDirectory(prefix="phantom-bench-") as tmp:
                work = Path(tmp)
                result = fit(frame, target, task, args.budget, work, choice)
                timed = time_artefact(work / "model", features, args.calls)
                metric = DEFAULT_METRIC[task]
                served = result["serving"]["model"]
                print(
                    f"{name:<14} {choice:<13} {served:<26} {metric:<9} "
                    f"{result['metrics'].get(metric, float('nan')):>8.4f} "
                    f"{timed['p50_ms']:>8.2f}ms {timed['p99_ms']:>7.2f}ms "
                    f"{timed['rows_per_second']:>10,.0f} {size_mb(work / 'model'):>7.1f}MB "
                    f"{result['wall']:>6.0f}",
                    flush=True,
                )
                reasons.append(f"{name} {choice}: {result['serving']['reason']}")
                if choice == "FIT_TO_SERVE":
                    same_fit.extend(compare_in_fit(name, result))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("\n".join(reasons))
    print("\nthe FIT_TO_SERVE fit's own leaderboard (all models persisted, one process):")
    print("\n".join(same_fit))


if __name__ == "__main__":
    main()
