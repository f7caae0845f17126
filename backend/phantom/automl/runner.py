"""The training child process: ``python -m phantom.automl.runner <spec.json>``.

The job layer (``automl/supervisor.py``) starts one per fit, in its own session so it can
be killed whole, and reads its protocol from stdout: one JSON object per line,
``progress`` events while models finish, then one ``result`` or ``error``. Everything
libraries print goes to stderr (the job's log file), never into the protocol.

What happens here is the same for every engine: columns to drop, a seeded holdout the
engine never sees, the fit, then holdout metrics and permutation feature importance
through the saved-and-reloaded model (so what is measured is what will be served).
Supervised AutoGluon and H2O jobs fit the SKLEARN baseline first, and serve it when the
main model is measurably worse on the holdout (``automl/baseline.py``).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from phantom.automl import baseline, fairness, insights
from phantom.automl import holdout as holdout_predictions
from phantom.automl.engines import get_engine
from phantom.automl.engines.base import (
    DataError,
    Engine,
    FitOutcome,
    FitSpec,
    LeaderboardRow,
    LoadedModel,
    Predictions,
    Reporter,
    anomaly_truth,
    class_named,
)
from phantom.automl.fit_to_serve import time_calls
from phantom.automl.forecasting import SERIES, TIME, VALUE, ForecastSettings, check_history
from phantom.automl.tasks import METRICS, Outcome, TaskType, need, score_all
from phantom.explain.inputs import input_profile
from phantom.explain.shapley import Subject, load_shap
from phantom.explain.summary import (
    BACKGROUND_FILE,
    background_sample,
    monotonic_deadline,
    summarise,
)
from phantom.monitoring.reference import build_reference

HOLDOUT_FRACTION = 0.2
MAX_HOLDOUT_ROWS = 20_000
IMPORTANCE_ROWS = 2_000
IMPORTANCE_REPEATS = 3
MAX_PERMUTED_ROWS = 200_000  # rows per predict call while permuting
INSIGHTS_MIN_SECONDS = 8.0
IMPORTANCE_MIN_SECONDS = 2.0  # a few features at least (~0.1 s each on small data)
SAVE_SECONDS = 1.0  # writing the result after the post-fit work; archiving follows
FAIRNESS_MARGIN_SECONDS = 5.0  # fairness runs until this long before the hard bound

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunSpec:
    data_path: str
    engine: str
    task: str
    target: str | None
    metric: str
    budget_seconds: float
    num_cpus: int
    memory_limit_mb: int
    model_dir: str
    work_dir: str
    column_types: dict[str, str]  # from the dataset's profile
    excluded_columns: list[str] = field(default_factory=list)
    seed: int = 0
    hard_deadline: float | None = None  # ``time.time()`` when the job layer kills this process
    # ``time.time()`` by which the job should be done: its budget + 10 % from the child's
    # start (the worker's clock); None: from the run's own start, 5 s later (older specs)
    budget_deadline: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    protected_attributes: list[str] = field(default_factory=list)  # evaluated for fairness
    fairness_min_group_rows: int = 30  # fewer holdout rows: a group too small to judge
    test_stall_seconds: float = 0.0  # tests only (``PHANTOM_TRAINING_TEST_STALL_SECONDS``)
    positive_class: str | None = None  # binary: ``positiveClass`` as text; None: the default

    @property
    def task_type(self) -> TaskType:
        return TaskType(self.task)


class Protocol:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def send(self, event: str, **payload: Any) -> None:
        with self.lock:
            self.stream.write(json.dumps({"event": event, **payload}, default=_native) + "\n")
            self.stream.flush()


def _native(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


# --- preparing the data ----------------------------------------------------------------


def prepare(frame: pd.DataFrame, spec: RunSpec) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Drop what must not be a feature, saying why; drop rows without a target. Protected
    attributes dropped from the features stay in the frame, last, so the split keeps them
    with their rows (``set_aside`` then takes them out before the fit)."""
    dropped: list[dict[str, str]] = []
    keep = []
    for column in frame.columns:
        kind = spec.column_types.get(column)
        reason = None
        if column == spec.target:
            pass
        elif column in spec.excluded_columns:
            reason = "excluded when the job was started"
        elif kind == "ID":
            reason = "identifier-like (a different value on almost every row)"
        elif frame[column].isna().all():
            reason = "empty"
        if reason:
            dropped.append({"column": column, "reason": reason})
        else:
            keep.append(column)
    features = [c for c in keep if c != spec.target]
    frame = frame[keep + [c for c in spec.protected_attributes if c not in keep]]
    if not features:
        raise DataError("No feature column is left after dropping excluded and ID-like columns.")
    if spec.target is not None:
        before = len(frame)
        frame = frame[frame[spec.target].notna()]
        if len(frame) < before:
            dropped.append(
                {"column": spec.target, "reason": f"{before - len(frame)} rows without a value"}
            )
    return frame.reset_index(drop=True), dropped


def set_aside(
    train: pd.DataFrame, holdout: pd.DataFrame, dropped: list[dict[str, str]], spec: RunSpec
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Train and holdout without the protected attributes that are no features, and the
    holdout's protected attributes (features or not) for the fairness report."""
    aside = [d["column"] for d in dropped if d["column"] in spec.protected_attributes]
    for entry in dropped:
        if entry["column"] in aside:
            entry["reason"] += " (a protected attribute: evaluated for fairness only)"
    attributes = holdout[spec.protected_attributes].copy()
    return train.drop(columns=aside), holdout.drop(columns=aside), attributes


def split(frame: pd.DataFrame, spec: RunSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.model_selection import train_test_split

    size = min(HOLDOUT_FRACTION, MAX_HOLDOUT_ROWS / max(len(frame), 1))
    stratify = None
    if spec.target is not None and spec.task_type != TaskType.REGRESSION:
        stratify = frame[spec.target]
    try:
        train, holdout = train_test_split(
            frame, test_size=size, random_state=spec.seed, shuffle=True, stratify=stratify
        )
    except ValueError:  # a class too rare to stratify: a plain seeded split
        train, holdout = train_test_split(
            frame, test_size=size, random_state=spec.seed, shuffle=True
        )
    return train.reset_index(drop=True), holdout.reset_index(drop=True)


# --- evaluating through the served model ------------------------------------------------


def outcome(spec: RunSpec, truth: pd.Series | None, predicted: Predictions) -> Outcome | None:
    if truth is None:
        return None
    y_true = np.asarray(truth)
    if spec.task_type == TaskType.ANOMALY_DETECTION:
        y_true, _ = anomaly_truth(truth)
    return Outcome(
        y_true=y_true,
        labels=predicted.labels,
        probabilities=predicted.probabilities,
        classes=predicted.classes,
        scores=predicted.scores,
    )


def permutation_importance(
    model: LoadedModel, spec: RunSpec, holdout: pd.DataFrame, deadline: float
) -> list[dict[str, float]]:
    """Drop in the holdout metric when one feature's values are shuffled (mean and stddev
    over repeats); without a label (anomaly detection), the mean change of the anomaly
    score. Each feature's permuted copies go through one batched predict call; features
    left when the time is up are skipped (fewer entries, never guessed ones)."""
    rng = np.random.default_rng(spec.seed)
    sample = holdout.sample(n=min(len(holdout), IMPORTANCE_ROWS), random_state=spec.seed)
    sample = sample.reset_index(drop=True)
    truth = sample[spec.target] if spec.target is not None else None
    features = sample.drop(columns=[spec.target]) if spec.target is not None else sample
    metric = METRICS[spec.metric]
    baseline = model.predict(features)
    base_outcome = outcome(spec, truth, baseline)
    base_score = metric.compute(base_outcome) if base_outcome is not None else None
    repeats = max(1, min(IMPORTANCE_REPEATS, MAX_PERMUTED_ROWS // max(len(features), 1)))
    results = []
    for column in features.columns:
        if time.time() >= deadline:
            break
        copies = []
        for _ in range(repeats):
            permuted = features.copy()
            permuted[column] = features[column].to_numpy()[rng.permutation(len(features))]
            copies.append(permuted)
        predicted = model.predict(pd.concat(copies, ignore_index=True))
        n = len(features)
        drops = []
        for r in range(repeats):
            part = _slice(predicted, r * n, (r + 1) * n)
            permuted_outcome = outcome(spec, truth, part)
            if base_score is None or permuted_outcome is None:
                change = need(part.scores, "scores") - need(baseline.scores, "scores")
                drops.append(float(np.mean(np.abs(change))))
                continue
            score = metric.compute(permuted_outcome)
            drops.append(base_score - score if metric.higher_is_better else score - base_score)
        results.append(
            {
                "feature": column,
                "importance": float(np.mean(drops)),
                "stddev": float(np.std(drops, ddof=1)) if len(drops) > 1 else None,
            }
        )
    results.sort(key=lambda item: -item["importance"])
    return results


def _slice(p: Predictions, start: int, stop: int) -> Predictions:
    return Predictions(
        labels=p.labels[start:stop],
        probabilities=None if p.probabilities is None else p.probabilities[start:stop],
        classes=p.classes,
        scores=None if p.scores is None else p.scores[start:stop],
    )


def feature_schema(frame: pd.DataFrame, spec: RunSpec) -> list[dict[str, str]]:
    return [
        {
            "name": column,
            "type": spec.column_types.get(column, "NUMERIC"),
            "dtype": str(frame[column].dtype),
        }
        for column in frame.columns
        if column != spec.target
    ]


# --- the run ----------------------------------------------------------------------------


MIN_FIT_SHARE = 0.5


def fit_limit_seconds(budget: float, used: float, reserve: float) -> float:
    """The engine's own time limit. It gets 90 % of the budget, less what it needs around
    the fit: AutoGluon's refit/ensemble step runs past its soft limit by ~5 % (measured),
    H2O starts nodes, and holdout scoring follows the fit.

    Never less than half of what the engine has without its reserve: the child's start-up
    (importing AutoGluon alone: ~0.5 s idle, 6 s and more on two loaded cores) can eat
    most of a small budget, and a limit of a second or two left AutoGluon no time to
    finish a single model ("No models were trained successfully"). A job that starts late
    runs this much past its budget, well within the hard bound (1.25 x budget + 30 s)."""
    return max(budget * 0.9 - used - reserve, (budget - reserve) * MIN_FIT_SHARE, 1.0)


class Steps:
    """The child's steps, timed. Each step's seconds go to the fit's log (the worker keeps
    its tail when a job fails), and a step after the fit is the job's message while it
    runs, so a job stopped at its hard bound says where its time went."""

    def __init__(self, protocol: Protocol, started: float) -> None:
        self.protocol = protocol
        self.started = started
        self.current = "starting the fit's process and loading the data"
        self.since = started

    def begin(self, step: str, tell: bool = False) -> None:
        """``tell``: the step is the job's message (progress stays where it is: 0.9 after
        the fit, as docs/automl.md says)."""
        now = time.time()
        log.info(
            "step took %.1f s (at %.1f s): %s", now - self.since, now - self.started, self.current
        )
        self.current, self.since = step, now
        if tell:
            message = step[:1].upper() + step[1:]
            self.protocol.send("progress", progress=0.9, message=message, leaderboard=[])


def progress_reporter(protocol: Protocol, fit_limit: float) -> Reporter:
    """The engine's progress as the job's: the fit's elapsed share of its limit, to 0.9
    (the rest is evaluation), with the leaderboard so far."""
    fit_started = time.time()

    def report(message: str, leaderboard: list[LeaderboardRow]) -> None:
        elapsed = time.time() - fit_started
        protocol.send(
            "progress",
            progress=min(elapsed / fit_limit, 1.0) * 0.9,
            message=message,
            leaderboard=[asdict(row) for row in leaderboard],
        )

    return report


def run(spec: RunSpec, protocol: Protocol) -> None:
    started = time.time()
    if spec.task_type == TaskType.FORECASTING:
        run_forecasting(spec, protocol, started)
        return
    steps = Steps(protocol, started)
    # the explanation summary's library, before the fit and never beside it (a concurrent
    # import failed a fit: kit/imports.py); its seconds come out of the fit's share
    load_shap()
    frame = pd.read_parquet(spec.data_path)
    frame, dropped = prepare(frame, spec)
    task = spec.task_type
    train, holdout, attributes = set_aside(*split(frame, spec), dropped, spec)
    model_dir, work_dir = Path(spec.model_dir), Path(spec.work_dir)
    engine = get_engine(spec.engine)
    base, charged = None, 0.0
    if baseline.applies(spec.engine, task):
        steps.begin("fitting the baseline")
        fitting = time.time()
        base = fit_baseline(train, spec, protocol)
        # the baseline's seconds come out of the main engine's limit, and its planned
        # slice out of the limit's floor too: the job takes no longer for it (a slow start
        # beyond the slice is absorbed like any slow start, below)
        charged = min(time.time() - fitting, baseline.slice_seconds(spec.budget_seconds))
    fit_limit = fit_limit_seconds(
        spec.budget_seconds, time.time() - started - charged, engine.reserve_seconds + charged
    )
    fit_spec = FitSpec(
        task=task,
        target=spec.target,
        metric=spec.metric,
        time_limit_seconds=fit_limit,
        deadline=time.time() + fit_limit,
        num_cpus=spec.num_cpus,
        memory_limit_mb=spec.memory_limit_mb,
        seed=spec.seed,
        model_dir=model_dir,
        work_dir=work_dir,
        options=spec.options,
        holdout=holdout,  # to choose what serves among the fitted models, never to fit
        positive_class=positive_value(train, spec),
    )
    report = progress_reporter(protocol, fit_limit)

    steps.begin(f"fitting candidate models (limit {fit_limit:.1f} s)")
    protocol.send("progress", progress=0.0, message="Training candidate models", leaderboard=[])
    fitted = engine.fit(train, fit_spec, report)
    steps.begin("loading the model and scoring the holdout")
    protocol.send(
        "progress",
        progress=0.9,
        message=f"Best model {fitted.best_model}, serving "
        f"{fitted.served_model or fitted.best_model}; scoring the holdout",
        leaderboard=[asdict(row) for row in fitted.leaderboard],
    )
    if spec.test_stall_seconds:
        stall_for_tests(spec.test_stall_seconds)
    model = engine.load(model_dir, spec.num_cpus)
    truth = holdout[spec.target] if spec.target is not None else None
    features = holdout.drop(columns=[spec.target]) if spec.target is not None else holdout
    predicted = model.predict(features)
    served = Served(engine, fitted, model, predicted)
    if base is not None:
        steps.begin("comparing with the baseline on the holdout", tell=True)
        served = settle(served, base, spec, truth, features)
    engine, fitted, model, predicted = served.engine, served.fitted, served.model, served.predicted
    steps.begin("measuring holdout metrics and prediction time", tell=True)
    measured = outcome(spec, truth, predicted)
    metrics = score_all(task, measured) if measured is not None else {}
    serving, leaderboard = serving_record(engine.name, fitted, model, features, spec.seed)
    serving["reason"] += served.note
    leaderboard += served.others
    # the work after the fit uses what is left of the budget + 10 %, counted from the
    # child's start (its imports included), less a second to save and report; a fit that
    # ended late still gets its importance's first seconds, and the insights and summary
    # floors below: those run past the budget, within the hard bound
    importance_deadline = started + spec.budget_seconds * 1.1 + 5
    if spec.budget_deadline is not None:
        importance_deadline = max(
            spec.budget_deadline - SAVE_SECONDS, time.time() + IMPORTANCE_MIN_SECONDS
        )
    if spec.hard_deadline is not None:  # leave time to save and report before the kill
        importance_deadline = min(importance_deadline, spec.hard_deadline - 10)
    steps.begin("measuring fairness and feature importance", tell=True)
    fair = fairness.evaluate(
        attributes,
        {c for c in attributes if c not in features},
        task,
        truth,
        predicted,
        spec.fairness_min_group_rows,
        fairness_deadline(importance_deadline, spec),
    )
    importance = permutation_importance(model, spec, holdout, importance_deadline)
    steps.begin("computing insights (intervals, calibration, partial dependence)", tell=True)
    extra = insights.compute(
        model,
        task,
        spec.target,
        train,
        holdout,
        predicted,
        measured,
        metrics,
        importance,
        fitted,
        engine.name,
        spec.seed,
        insights_deadline(importance_deadline, spec),
    )
    schema = feature_schema(train, spec)
    train_features = train[[f["name"] for f in schema]]
    # the SHAP summary's share of what is left: a quarter of the budget at most, and
    # at least 2 s for one row, but never into the 8 s kept to save and report before the
    # job layer's kill
    latest = spec.hard_deadline - 8 if spec.hard_deadline is not None else importance_deadline
    summary_deadline = min(
        max(importance_deadline - 3, time.time() + 2),
        time.time() + 0.25 * spec.budget_seconds + 2,
        latest,
    )
    steps.begin("summarising explanations", tell=True)
    summary = explanation_summary(
        model, spec, schema, train_features, features, predicted, summary_deadline
    )
    steps.begin("saving the model's record", tell=True)
    model.close()
    reference = monitoring_reference(train, schema, importance, spec, predicted, truth)
    classes = predicted.classes
    (model_dir / "phantom-model.json").write_text(
        json.dumps(
            {
                "engine": engine.name,
                "task": task.value,
                "target": spec.target,
                "features": schema,
                "classes": classes,
                "metric": spec.metric,
                "inputs": input_profile(train_features, schema),
            },
            default=_native,
        )
    )
    steps.begin("reporting the result")
    protocol.send(
        "result",
        engine=engine.name,
        best_model=fitted.best_model,
        leaderboard=[asdict(row) for row in leaderboard],
        serving=serving,
        metrics=metrics,
        feature_importance=importance,
        features=schema,
        classes=classes,
        dropped_columns=dropped,
        reference=reference,
        fairness=fair,
        explanation_summary=summary,
        details={
            **fitted.details,
            "train_rows": len(train),
            "holdout_rows": len(holdout),
            "baseline": served.record,
        },
        holdout_predictions=holdout_predictions.record(task, truth, predicted, spec.seed),
        **extra,
    )


def positive_value(train: pd.DataFrame, spec: RunSpec) -> Any:
    """``positiveClass`` as the target's own value (number, boolean or text), for the
    engines; None when not chosen (or the task is not binary)."""
    if spec.positive_class is None or spec.target is None or spec.task_type != TaskType.BINARY:
        return None
    return class_named(train[spec.target], spec.positive_class)


# what the row-holdout steps do not mean for a forecast, and why (the result's details)
FORECASTING_SKIPS = {
    "holdout": "forecasts are scored on the engine's rolling backtest windows, not on a "
    "shuffled row holdout (shuffling would leak the future)",
    "baseline": "SeasonalNaive is the forecasting baseline, backtested with the candidates",
    "fit_to_serve": "each series is served by its best candidate on the backtest",
    "feature_importance": "the only input is the series' own history",
    "fairness": "no protected attributes: rows are times of series, not people",
    "explanations": "a forecast is the fitted model's extrapolation of its history; SHAP "
    "does not apply",
    "drift_reference": "no features to drift; monitoring keeps volume and latency",
    "insights": "intervals, confusion matrix and partial dependence are for row models",
}
CHART_SERIES = 20  # series whose history tail the version keeps for charts
CHART_POINTS = 120  # points per series in that tail


def run_forecasting(spec: RunSpec, protocol: Protocol, started: float) -> None:
    """A FORECASTING job in the same child, budget, protocol and result as every task:
    the engine fits within the budget's share and saves its artefact, which is loaded
    again to check it forecasts (what is measured is what serves). Steps that have no
    meaning for a forecast are skipped, each with its reason (``FORECASTING_SKIPS``)."""
    settings = ForecastSettings.from_json(spec.options["forecast"])
    frame = pd.read_parquet(spec.data_path)
    used = [c for c in (settings.time_column, settings.series_id_column, spec.target) if c]
    dropped = [
        {"column": c, "reason": "not used: a forecast learns from the time, series and target"}
        for c in frame.columns
        if c not in used
    ]
    frame = frame[used]
    engine = get_engine(spec.engine)
    model_dir = Path(spec.model_dir)
    fit_limit = fit_limit_seconds(
        spec.budget_seconds, time.time() - started, engine.reserve_seconds
    )
    fit_spec = FitSpec(
        task=spec.task_type,
        target=spec.target,
        metric=spec.metric,
        time_limit_seconds=fit_limit,
        deadline=time.time() + fit_limit,
        num_cpus=spec.num_cpus,
        memory_limit_mb=spec.memory_limit_mb,
        seed=spec.seed,
        model_dir=model_dir,
        work_dir=Path(spec.work_dir),
        options=spec.options,
    )
    report = progress_reporter(protocol, fit_limit)

    protocol.send("progress", progress=0.0, message="Backtesting forecasters", leaderboard=[])
    fitted = engine.fit(frame, fit_spec, report)
    model = engine.load(model_dir, spec.num_cpus)
    timing = time.perf_counter()
    forecasts = model.forecast(None)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - timing
    model.close()
    served = fitted.served_model or fitted.best_model
    leaderboard = [replace(row, served=row.model_name == served) for row in fitted.leaderboard]
    facts = dict(fitted.details["forecast"])
    metrics = facts.pop("metrics")
    history = check_history(frame, settings, str(spec.target), min_points=1).frame
    tails = {
        str(name): [[t.isoformat(), float(v)] for t, v in zip(g[TIME], g[VALUE], strict=True)]
        for name, g in history.groupby(SERIES, sort=True)
        if len(g)
    }
    chart = {name: points[-CHART_POINTS:] for name, points in list(tails.items())[:CHART_SERIES]}
    target = str(spec.target)
    features = [
        {"name": settings.time_column, "type": "DATETIME", "dtype": "datetime64[ns]"},
        *(
            [{"name": settings.series_id_column, "type": "CATEGORICAL", "dtype": "object"}]
            if settings.series_id_column
            else []
        ),
        {"name": target, "type": "NUMERIC", "dtype": "float64"},
    ]
    (model_dir / "phantom-model.json").write_text(
        json.dumps(
            {
                "engine": engine.name,
                "task": spec.task,
                "target": target,
                "features": features,
                "classes": None,
                "metric": spec.metric,
                "forecast": settings.to_json(),
            }
        )
    )
    details = {
        **fitted.details,
        "train_rows": len(frame),
        "hyperparameters": {"chosen": facts["chosen"], "season_length": facts["season_length"]},
        "skipped": FORECASTING_SKIPS,
    }
    fit_facts = insights.fit_facts(
        engine.name, fitted.best_model, served, details, frame, frame.iloc[:0]
    )
    fit_facts["libraries"]["statsforecast"] = fitted.details.get("statsforecast_version")
    points = max(len(forecasts), 1)
    protocol.send(
        "result",
        engine=engine.name,
        best_model=fitted.best_model,
        leaderboard=[asdict(row) for row in leaderboard],
        serving={
            "model": served,
            "reason": fitted.serving_reason or served,
            "predict_ms_per_row": seconds * 1000 / points,
            "rows_per_second": points / seconds if seconds > 0 else None,
        },
        metrics=metrics,
        feature_importance=[],
        features=features,
        classes=None,
        dropped_columns=dropped,
        reference=None,
        fairness=[],
        explanation_summary=None,
        details=details,
        holdout_predictions=None,
        insights=None,
        fit_facts=fit_facts,
        forecast={
            **settings.to_json(),
            **facts,
            "metrics": metrics,
            "history": chart,
            "history_series_left_out": max(len(tails) - CHART_SERIES, 0),
        },
    )


def fit_baseline(
    train: pd.DataFrame, spec: RunSpec, protocol: Protocol
) -> baseline.Baseline | baseline.Failed:
    """The SKLEARN engine's fit on the job's training rows, in its own slice of the budget
    and its own directories; its models appear on the leaderboard as they finish."""
    seconds = baseline.slice_seconds(spec.budget_seconds)
    root = Path(spec.work_dir) / "baseline"
    fit_spec = FitSpec(
        task=spec.task_type,
        target=spec.target,
        metric=spec.metric,
        time_limit_seconds=seconds,
        deadline=time.time() + seconds,
        num_cpus=spec.num_cpus,
        memory_limit_mb=spec.memory_limit_mb,
        seed=spec.seed,
        model_dir=root / "model",
        work_dir=root / "scratch",
        positive_class=positive_value(train, spec),
    )

    def report(message: str, leaderboard: list[LeaderboardRow]) -> None:
        rows = [asdict(row) for row in leaderboard]
        protocol.send("progress", progress=0.0, message=message, leaderboard=rows)

    return baseline.fit(train, fit_spec, report)


@dataclass(slots=True)
class Served:
    """The engine whose model the version serves, its fit, the loaded model and its
    holdout answers; the other engine's leaderboard rows, kept for the record; a note
    for the serving reason, and the baseline's record for the result's details."""

    engine: Engine
    fitted: FitOutcome
    model: LoadedModel
    predicted: Predictions
    others: list[LeaderboardRow] = field(default_factory=list)
    note: str = ""
    record: dict[str, Any] | None = None


def settle(
    main: Served,
    base: baseline.Baseline | baseline.Failed,
    spec: RunSpec,
    truth: pd.Series | None,
    features: pd.DataFrame,
) -> Served:
    """The main engine's model or the baseline's, by ``baseline.py``'s rule on the
    holdout. When the baseline serves, its model becomes the version's artefact (engine
    "sklearn"); the main engine's rows stay on the leaderboard, unserved. Anything failing
    on the baseline's side leaves the main model serving, with a note."""
    if isinstance(base, baseline.Failed):
        return replace(main, note=baseline.failed_note(base), record={"error": base.error})
    main_name = main.fitted.served_model or main.fitted.best_model
    try:
        engine = get_engine(baseline.ENGINE)
        model = engine.load(base.model_dir, spec.num_cpus)
        predicted = model.predict(features)
        main_outcome, base_outcome = (
            outcome(spec, truth, main.predicted),
            outcome(spec, truth, predicted),
        )
        if main_outcome is None or base_outcome is None:
            raise ValueError("no labels on the holdout to compare on")
        verdict = baseline.judge(spec.metric, main_outcome, base_outcome, spec.seed)
    except Exception as error:
        logging.getLogger(__name__).exception("judging the baseline failed; the main model serves")
        failed = baseline.Failed(type(error).__name__)
        return replace(main, note=baseline.failed_note(failed), record={"error": failed.error})
    record = {
        "model": base.fitted.best_model,
        "score_holdout": verdict.baseline_score,
        "main_score_holdout": verdict.main_score,
        "p_value": verdict.p_value,
        "served": verdict.baseline_serves,
    }
    main_rows = _with_holdout(main.fitted.leaderboard, main_name, verdict.main_score)
    base_rows = _with_holdout(
        base.fitted.leaderboard, base.fitted.best_model, verdict.baseline_score
    )
    if not verdict.baseline_serves:
        model.close()
        fitted = replace(main.fitted, leaderboard=main_rows)
        others = [replace(row, served=False) for row in base_rows]
        note = baseline.kept_note(verdict, spec.metric)
        return replace(main, fitted=fitted, others=others, note=note, record=record)
    model.close()
    model_dir = Path(spec.model_dir)
    main.model.close()  # before its files move (an H2O model holds a scoring node)
    try:
        baseline.adopt(base, model_dir, Path(spec.work_dir) / "baseline" / "main-model")
    except Exception as error:  # its files are back: the main model serves
        logging.getLogger(__name__).exception("serving the baseline failed; the main serves")
        failed = baseline.Failed(type(error).__name__)
        main = replace(main, model=main.engine.load(model_dir, spec.num_cpus))
        return replace(main, note=baseline.failed_note(failed), record={"error": failed.error})
    reason = baseline.serving_reason(verdict, main.engine.name, main_name, spec.metric)
    fitted = replace(
        base.fitted,
        leaderboard=base_rows,
        served_model=base.fitted.best_model,
        serving_reason=reason,
    )
    return Served(
        engine=engine,
        fitted=fitted,
        model=engine.load(model_dir, spec.num_cpus),  # what is measured is what serves
        predicted=predicted,
        others=[replace(row, served=False) for row in main_rows],
        record=record,
    )


def _with_holdout(
    rows: list[LeaderboardRow], name: str, score: float | None
) -> list[LeaderboardRow]:
    """The compared model's holdout score on its row, where the engine measured none."""
    return [
        replace(row, score_holdout=score)
        if row.model_name == name and row.score_holdout is None
        else row
        for row in rows
    ]


def fairness_deadline(importance_deadline: float, spec: RunSpec) -> float:
    """Milliseconds per attribute, and what a compliance officer asked for: the attributes
    are evaluated however late the fit ended, unless the job is about to be killed (a
    report skipped "the training's time ran out" on a loaded host, 10 s before the bound)."""
    if spec.hard_deadline is None:
        return insights_deadline(importance_deadline, spec)
    return spec.hard_deadline - FAIRNESS_MARGIN_SECONDS


def insights_deadline(importance_deadline: float, spec: RunSpec) -> float:
    """Insights get what is left of the importance's time, and at least
    ``INSIGHTS_MIN_SECONDS`` (a small budget's fit leaves none), within the hard bound."""
    deadline = max(importance_deadline, time.time() + INSIGHTS_MIN_SECONDS)
    if spec.hard_deadline is not None:
        deadline = min(deadline, spec.hard_deadline - 10)
    return deadline


def serving_record(
    engine: str, fitted: FitOutcome, model: LoadedModel, features: pd.DataFrame, seed: int
) -> tuple[dict[str, Any], list[LeaderboardRow]]:
    """What serves, why, and what it costs, timed through the saved-and-reloaded model
    (the registry's figures); the leaderboard with the served model marked. Engines that
    choose nothing serve their best model."""
    served = fitted.served_model or fitted.best_model
    ms_per_row, rows_per_second = time_calls(model.predict, features, seed)
    reason = fitted.serving_reason or (
        f"{served}: the {engine} engine's best model (this engine serves its leader)"
    )
    leaderboard = [
        replace(
            row,
            served=row.model_name == served,
            predict_ms_per_row=ms_per_row
            if row.model_name == served and row.predict_ms_per_row is None
            else row.predict_ms_per_row,
            rows_per_second=rows_per_second
            if row.model_name == served and row.rows_per_second is None
            else row.rows_per_second,
        )
        for row in fitted.leaderboard
    ]
    serving = {
        "model": served,
        "reason": reason,
        "predict_ms_per_row": ms_per_row,
        "rows_per_second": rows_per_second,
    }
    return serving, leaderboard


def monitoring_reference(
    train: pd.DataFrame,
    schema: list[dict[str, str]],
    importance: list[dict[str, Any]],
    spec: RunSpec,
    predicted: Predictions,
    truth: pd.Series | None,
) -> dict[str, Any] | None:
    """What production is compared with (``monitoring/reference.py``). A failure here
    costs the version its drift monitoring, never the trained model: None, logged."""
    try:
        return build_reference(
            train,
            [f["name"] for f in schema],
            importance,
            spec.task,
            predicted.classes,
            predicted.labels,
            predicted.probabilities,
            predicted.scores,
            np.asarray(truth) if truth is not None else None,
        )
    except Exception:
        logging.getLogger(__name__).exception("monitoring reference failed")
        return None


def explanation_summary(
    model: LoadedModel,
    spec: RunSpec,
    schema: list[dict[str, str]],
    train_features: pd.DataFrame,
    holdout_features: pd.DataFrame,
    predicted: Predictions,
    deadline: float,
) -> dict[str, Any] | None:
    """Stores the background sample serving's sampled explainer needs, then the global
    SHAP summary on the holdout within the job's deadline. A failure costs the summary
    (or the background: such a version explains only with tree SHAP), never the model."""
    log = logging.getLogger(__name__)
    try:
        background = background_sample(train_features, spec.seed)
        background.to_parquet(Path(spec.model_dir) / BACKGROUND_FILE, index=False)
    except Exception:
        log.exception("storing the explanation background failed")
        return None
    subject = Subject(spec.task, spec.target, predicted.classes)
    try:
        return summarise(
            model,
            subject,
            schema,
            holdout_features,
            background,
            monotonic_deadline(deadline),
            spec.seed,
        )
    except Exception:
        log.exception("the explanation summary failed")
        return None


def stall_for_tests(seconds: float) -> None:
    """Tests only (the setting is refused in production): a fit that hangs past every
    deadline, ignores SIGTERM, and has a helper process in its group that ignores it too,
    as a fit stuck in native code with its JVM would. Only the job layer's SIGKILL to the
    whole group ends it early."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the helper
    subprocess.Popen(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", f"import time; time.sleep({float(seconds)!r})"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    time.sleep(seconds)


def _watch_parent(parent: int) -> None:
    """If the worker dies (SIGKILL), its fit must not run on unowned: exit with it."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(3)


def main(argv: list[str]) -> int:
    protocol = Protocol(os.fdopen(os.dup(1), "w", buffering=1))
    os.dup2(2, 1)  # library prints go to the log, not the protocol
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    parent = int(os.environ.get("PHANTOM_TRAINING_PARENT", os.getppid()))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    spec = RunSpec(**json.loads(Path(argv[0]).read_text()))
    try:
        run(spec, protocol)
    except DataError as error:
        protocol.send("error", code="data_error", message=str(error))
        return 1
    except Exception as error:
        traceback.print_exc()
        protocol.send(
            "error", code="engine_error", message=f"{type(error).__name__}: {error}"[:2000]
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
