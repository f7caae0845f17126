"""AutoML quality on the same splits and the same time budget: our AutoGluon engine (the
default), our H2O engine, and scikit-learn's HistGradientBoosting with default settings
(the baseline our default must not lose to).

    .venv/bin/python bench/automl_quality.py [--budget 60] [--datasets breast_cancer,wine]
                                             [--methods autogluon,h2o,hgb] [--seeds 1]

Each engine fit runs exactly as in the product: ``phantom.automl.runner`` in a child
process (its own holdout of 20 %, seeded, stratified; the same split for every method),
killed at the job layer's hard bound of 1.25 x budget + 30 s. Data ships inside
scikit-learn (no downloads). Prints one row per dataset and method, then each method's
score relative to the baseline.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.fit_to_serve import ALPHA, RESAMPLES, bootstrap_scores, p_not_worse, resamples
from phantom.automl.lifecycle import hard_bound_seconds
from phantom.automl.runner import RunSpec, split
from phantom.automl.tasks import DEFAULT_METRIC, METRICS, Outcome, TaskType


def _breast_cancer() -> tuple[pd.DataFrame, str, TaskType]:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    return frame, "target", TaskType.BINARY


def _wine() -> tuple[pd.DataFrame, str, TaskType]:
    from sklearn.datasets import load_wine

    return load_wine(as_frame=True).frame, "target", TaskType.MULTICLASS


def _digits() -> tuple[pd.DataFrame, str, TaskType]:
    from sklearn.datasets import load_digits

    return load_digits(as_frame=True).frame, "target", TaskType.MULTICLASS


def _diabetes() -> tuple[pd.DataFrame, str, TaskType]:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame, "target", TaskType.REGRESSION


def _synth_cat() -> tuple[pd.DataFrame, str, TaskType]:
    """make_classification with its two informative columns binned into string categories
    (6 and 12 levels) plus an 8-level noise category: categorical handling matters."""
    from sklearn.datasets import make_classification

    x, y = make_classification(5000, 20, n_informative=2, n_redundant=0, random_state=0)
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(20)])
    frame["cat_a"] = pd.cut(frame.pop("x0"), 6, labels=[f"a{i}" for i in range(6)]).astype(str)
    frame["cat_b"] = pd.cut(frame.pop("x1"), 12, labels=[f"b{i}" for i in range(12)]).astype(str)
    frame["noise"] = np.random.default_rng(0).choice([f"n{i}" for i in range(8)], len(frame))
    frame["target"] = y
    return frame, "target", TaskType.BINARY


DATASETS: dict[str, Callable[[], tuple[pd.DataFrame, str, TaskType]]] = {
    "breast_cancer": _breast_cancer,
    "wine": _wine,
    "digits": _digits,
    "diabetes": _diabetes,
    "synth_cat": _synth_cat,
}


def column_types(frame: pd.DataFrame) -> dict[str, str]:
    return {
        c: "NUMERIC" if pd.api.types.is_numeric_dtype(frame[c]) else "CATEGORICAL"
        for c in frame.columns
    }


def run_engine(
    engine: str,
    frame: pd.DataFrame,
    target: str,
    task: TaskType,
    budget: int,
    work: Path,
    seed: int,
) -> dict[str, Any]:
    """One fit through the product's runner; the result line, plus wall time."""
    data = work / "data.parquet"
    frame.to_parquet(data)
    (work / "model").mkdir()
    (work / "scratch").mkdir()
    spec = {
        "data_path": str(data),
        "engine": engine,
        "task": task.value,
        "target": target,
        "metric": DEFAULT_METRIC[task],
        "budget_seconds": budget,
        "num_cpus": os.cpu_count() or 1,
        "memory_limit_mb": 8192,
        "model_dir": str(work / "model"),
        "work_dir": str(work / "scratch"),
        "column_types": column_types(frame),
        "seed": seed,
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
            return {"error": "killed at the hard bound", "wall": time.monotonic() - started}
    wall = time.monotonic() - started
    last = json.loads(out.decode().strip().splitlines()[-1])
    if last["event"] != "result":
        return {"error": last.get("message", "no result"), "wall": wall}
    return {
        **last,
        "wall": wall,
        "outcome": served_outcome(work, last["engine"], frame, target, seed, task),
    }


def served_outcome(
    work: Path, engine: str, frame: pd.DataFrame, target: str, seed: int, task: TaskType
) -> Outcome:
    """The saved model's answers on the runner's holdout: what the job serves."""
    from phantom.automl.engines import get_engine

    _, holdout = split(frame, _spec(target, task, seed))
    model = get_engine(engine).load(work / "model", 1)
    try:
        p = model.predict(holdout.drop(columns=[target]))
    finally:
        model.close()
    return Outcome(np.asarray(holdout[target]), p.labels, p.probabilities, p.classes, None)


def _spec(target: str, task: TaskType, seed: int) -> RunSpec:
    return RunSpec(
        data_path="",
        engine="hgb",
        task=task.value,
        target=target,
        metric=DEFAULT_METRIC[task],
        budget_seconds=0,
        num_cpus=1,
        memory_limit_mb=0,
        model_dir="",
        work_dir="",
        column_types={},
        seed=seed,
    )


def run_baseline(frame: pd.DataFrame, target: str, task: TaskType, seed: int) -> dict[str, Any]:
    """HistGradientBoosting with defaults on the runner's own split."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    spec = _spec(target, task, seed)
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object and column != target:
            frame[column] = frame[column].astype("category")
    train, holdout = split(frame, spec)
    started = time.monotonic()
    x, y = train.drop(columns=[target]), train[target]
    if task == TaskType.REGRESSION:
        model: Any = HistGradientBoostingRegressor(categorical_features="from_dtype")
        model.fit(x, y)
        labels = model.predict(holdout.drop(columns=[target]))
        outcome = Outcome(np.asarray(holdout[target]), labels, None, None, None)
    else:
        model = HistGradientBoostingClassifier(categorical_features="from_dtype")
        model.fit(x, y)
        proba = model.predict_proba(holdout.drop(columns=[target]))
        classes = list(model.classes_)
        labels = np.asarray(classes)[proba.argmax(axis=1)]
        outcome = Outcome(np.asarray(holdout[target]), labels, proba, classes, None)
    score = METRICS[DEFAULT_METRIC[task]].compute(outcome)
    return {
        "metrics": {DEFAULT_METRIC[task]: score},
        "wall": time.monotonic() - started,
        "best_model": "HistGradientBoosting",
        "outcome": outcome,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=60)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--methods", default="autogluon,h2o,hgb")
    parser.add_argument("--seeds", type=int, default=1, help="splits per dataset (0, 1, ...)")
    args = parser.parse_args()
    methods = args.methods.split(",")
    methods = sorted(methods, key=lambda m: m != "hgb")  # the baseline first: compared with
    rows: list[tuple[str, str, str, str, float | None, float, str, int]] = []
    compared: list[tuple[str, int, str, float | None, float | None]] = []
    walls: list[float] = []
    print(f"budget {args.budget} s, {os.cpu_count()} CPUs; higher is better unless noted\n")
    print(
        f"{'dataset':<14} {'seed':>4} {'task':<11} {'metric':<9} {'method':<10} "
        f"{'score':>8} {'wall s':>7} {'p':>5}  served model"
    )
    for name in args.datasets.split(","):
        frame, target, task = DATASETS[name]()
        metric = DEFAULT_METRIC[task]
        for seed in range(args.seeds):
            plain: Outcome | None = None
            for method in methods:
                if method == "hgb":
                    result = run_baseline(frame, target, task, seed)
                    plain = result["outcome"]
                else:
                    with tempfile.TemporaryDirectory(prefix="phantom-bench-") as work:
                        result = run_engine(
                            method, frame, target, task, args.budget, Path(work), seed
                        )
                    walls.append(result["wall"])
                score = result.get("metrics", {}).get(metric)
                served = (result.get("serving") or {}).get("model")  # fit to serve, baseline
                note = served or result.get("best_model") or result.get("error", "")
                rows.append((name, task.value, metric, method, score, result["wall"], note, seed))
                p = None
                if method != "hgb" and plain is not None and "outcome" in result:
                    p = not_worse(metric, plain, result["outcome"], seed)
                    compared.append((name, seed, method, score, p))
                shown = f"{score:8.4f}" if score is not None else f"{'n/a':>8}"
                shown_p = f"{p:5.2f}" if p is not None else f"{'':>5}"
                print(
                    f"{name:<14} {seed:>4} {task.value:<11} {metric:<9} {method:<10} {shown} "
                    f"{result['wall']:7.1f} {shown_p}  {str(note)[:60]}",
                    flush=True,
                )
    print(
        "\nrelative to HistGradientBoosting on the same split (>1 = better; error metrics "
        "inverted):"
    )
    for row in rows:
        base = next((r for r in rows if r[0] == row[0] and r[7] == row[7] and r[3] == "hgb"), None)
        if base is None or base[4] is None or row[3] == "hgb" or row[4] is None:
            continue
        higher = METRICS[row[2]].higher_is_better
        better, worse = (row[4], base[4]) if higher else (base[4], row[4])
        ratio = f"{better / worse:6.3f}" if worse else "   inf"
        print(f"  {row[0] + ' #' + str(row[7]):<18} {row[3]:<10} {ratio}")
    below = [c for c in compared if c[4] is not None and c[4] < ALPHA]
    print(
        f"\np: share of {RESAMPLES} paired resamples of the holdout in which the served model "
        f"scores at least as well as HistGradientBoosting; measurably below it (p < {ALPHA}) "
        f"on {len(below)} of {len(compared)} splits: {[(c[0], c[1], c[2]) for c in below]}"
    )
    if walls:
        ratios = sorted(w / args.budget for w in walls)
        print(
            f"wall time / budget over {len(ratios)} jobs: min {ratios[0]:.2f}, median "
            f"{float(np.median(ratios)):.2f}, max {ratios[-1]:.2f}; within budget + 10 %: "
            f"{sum(r <= 1.1 for r in ratios)}; within 1.25 x budget + 30 s: "
            f"{sum(w <= hard_bound_seconds(args.budget) for w in walls)}"
        )


def not_worse(metric: str, plain: Outcome, served: Outcome, seed: int) -> float | None:
    """The paired bootstrap p of fit_to_serve.py: the share of resamples in which the served
    model scores at least as well as plain HistGradientBoosting."""
    if len(plain.y_true) != len(served.y_true):
        return None
    draws = resamples(len(plain.y_true), seed)
    return p_not_worse(
        metric, bootstrap_scores(metric, plain, draws), bootstrap_scores(metric, served, draws)
    )


if __name__ == "__main__":
    main()
