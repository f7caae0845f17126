"""Which of a fit's models serves: the leaderboard's best is chosen for its validation
score alone, yet a weighted ensemble over ten models can cost 50 ms per row where one of
its members costs 1 ms and scores the same on data neither has seen.

The rule (docs/automl.md, "The model fit to serve"): every model is scored on the job's
holdout and timed on single rows; the served model is the fastest one that costs nothing
the holdout can see: it scores at least as well as the best in at least ``SWAP_P`` (half)
of paired bootstrap resamples of the holdout. "Not measurably worse" (the best wins in
fewer than 95 % of resamples) was the rule first; it let models worse in up to 95 % of
resamples serve, and on two of three splits of breast_cancer the single models it served
scored below plain HistGradientBoosting (docs/benchmarks.md). A model only replaces the
best when it is clearly faster (``SPEEDUP``): timings jitter, and a swap that saves nothing
is no swap.
Engine-agnostic: the engine gives each model's holdout answers and timings.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.tasks import METRICS, Outcome

ALPHA = 0.05  # a candidate worse than the best in >= 95 % of resamples is measurably worse
SWAP_P = 0.5  # a faster model serves if at least as good as the best in half the resamples
RESAMPLES = 200  # enough to tell p = 0.05 from p = 0.4; a few seconds for ten models at most
MAX_BOOTSTRAP_ROWS = 5_000  # rows per resample: the holdout, subsampled beyond this
SPEEDUP = 0.8  # a candidate must cost at most 80 % of the best's time per row to replace it
SINGLE_ROW_CALLS = 7  # one-row calls timed per model (after one warm-up call)
TIMING_SECONDS = 0.5  # fewer calls (at least 3) for a model slower than this
BATCH_ROWS = 1_000  # the large batch a model's throughput is timed on


class ServingChoice(StrEnum):
    """How a training job picks the model its version serves."""

    FIT_TO_SERVE = "FIT_TO_SERVE"  # the fastest that scores as well as the best
    BEST_SCORE = "BEST_SCORE"  # the leaderboard's best, whatever it costs


@dataclass(frozen=True, slots=True)
class Candidate:
    """One fitted model as measured after the fit: its answers on the holdout, its
    median time for a one-row call (ms) and its throughput on a large batch."""

    name: str
    outcome: Outcome
    ms_per_row: float
    rows_per_second: float | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    model_name: str
    reason: str  # one sentence for people: what serves and why
    holdout_scores: dict[str, float | None]  # per model, in the metric's own units
    p_value: float | None  # of the served model against the best; None when it is the best


def time_calls(
    predict: Callable[[pd.DataFrame], Any], features: pd.DataFrame, seed: int
) -> tuple[float, float]:
    """(median ms of a one-row call, rows per second on one ``BATCH_ROWS``-row call): the
    two costs a served model has, one-row requests and batches."""
    rows = [features.iloc[[i % len(features)]] for i in range(SINGLE_ROW_CALLS)]
    predict(rows[0])  # warm-up: lazy imports, first-call caches
    spent: list[float] = []
    stop = time.perf_counter() + TIMING_SECONDS
    for row in rows:
        started = time.perf_counter()
        predict(row)
        spent.append(time.perf_counter() - started)
        if len(spent) >= 3 and time.perf_counter() > stop:
            break
    batch = features.sample(n=BATCH_ROWS, replace=True, random_state=seed)
    started = time.perf_counter()
    predict(batch)
    return float(np.median(spent)) * 1000, BATCH_ROWS / max(time.perf_counter() - started, 1e-9)


def holdout_score(metric: str, outcome: Outcome) -> float | None:
    """The metric on this outcome; None where it is undefined (one class present)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            value = METRICS[metric].compute(outcome)
        except (ValueError, ZeroDivisionError, Warning):
            return None
    return value if math.isfinite(value) else None


def _take(outcome: Outcome, rows: np.ndarray[Any, Any]) -> Outcome:
    return Outcome(
        y_true=outcome.y_true[rows],
        labels=outcome.labels[rows],
        probabilities=None if outcome.probabilities is None else outcome.probabilities[rows],
        classes=outcome.classes,
        scores=None if outcome.scores is None else outcome.scores[rows],
    )


def resamples(n: int, seed: int, count: int = RESAMPLES) -> list[np.ndarray[Any, Any]]:
    """The same row draws for every model, so differences are paired."""
    rng = np.random.default_rng(seed)
    size = min(n, MAX_BOOTSTRAP_ROWS)
    return [rng.integers(0, n, size=size) for _ in range(count)]


def bootstrap_scores(
    metric: str, outcome: Outcome, draws: Sequence[np.ndarray[Any, Any]]
) -> np.ndarray[Any, Any]:
    """The metric on each resample (NaN where it is undefined on that draw)."""
    scores = [fast_score(metric, _take(outcome, rows)) for rows in draws]
    return np.array([np.nan if s is None else s for s in scores], dtype=np.float64)


def fast_score(metric: str, o: Outcome) -> float | None:
    """``holdout_score``, computed in numpy for the common metrics (scikit-learn's input
    checks cost ~4 ms per AUC; a bootstrap computes hundreds)."""
    if o.scores is not None:
        return holdout_score(metric, o)
    if metric == "roc_auc" and o.probabilities is not None and o.classes is not None:
        positive = np.asarray(o.y_true == o.classes[1])
        n_pos = int(positive.sum())
        n_neg = len(positive) - n_pos
        if n_pos == 0 or n_neg == 0:
            return None
        _, group, counts = np.unique(o.probabilities[:, 1], return_inverse=True, return_counts=True)
        ranks = (np.cumsum(counts) - (counts - 1) / 2)[group]  # ties share their mean rank
        return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    if metric == "log_loss" and o.probabilities is not None and o.classes is not None:
        p = np.clip(o.probabilities.astype(np.float64), 1e-15, 1.0)
        p = p / p.sum(axis=1, keepdims=True)
        index = {c: i for i, c in enumerate(o.classes)}
        columns = np.array([index.get(v, -1) for v in o.y_true])
        if (columns < 0).any():
            return holdout_score(metric, o)
        return float(-np.mean(np.log(p[np.arange(len(columns)), columns])))
    return holdout_score(metric, o)  # RMSE, MAE, accuracy: numpy already


def p_not_worse(metric: str, best: np.ndarray[Any, Any], candidate: np.ndarray[Any, Any]) -> float:
    """Share of resamples in which the candidate scores at least as well as the best: the
    one-sided p-value of "the best is better" (small = the candidate is measurably worse)."""
    higher = METRICS[metric].higher_is_better
    both = ~(np.isnan(best) | np.isnan(candidate))
    if not both.any():
        return 1.0  # undefined on every draw: nothing can be told apart
    gain = (best - candidate) if higher else (candidate - best)  # > 0: the best is better
    return float(np.mean(gain[both] <= 1e-12))


def choose(
    candidates: Sequence[Candidate],
    best: str,
    metric: str,
    *,
    mode: ServingChoice = ServingChoice.FIT_TO_SERVE,
    seed: int = 0,
) -> Choice:
    """The served model among ``candidates`` (``best`` must be one of them): see the
    module's docstring for the rule."""
    by_name = {c.name: c for c in candidates}
    if best not in by_name:
        raise ValueError(f"the best model {best!r} is not among the candidates")
    top = by_name[best]
    scores = {c.name: holdout_score(metric, c.outcome) for c in candidates}
    if mode == ServingChoice.BEST_SCORE:
        reason = (
            f"{best}: the leaderboard's best, as the job asked (servingModel BEST_SCORE); "
            f"holdout {metric} {_fmt(scores[best])}, {_ms(top.ms_per_row)} per row"
        )
        return Choice(best, reason, scores, None)
    faster = sorted(
        (c for c in candidates if c.name != best and c.ms_per_row <= top.ms_per_row * SPEEDUP),
        key=lambda c: (c.ms_per_row, c.name),
    )
    if not faster:
        reason = (
            f"{best}: the leaderboard's best; no model is clearly faster to serve "
            f"({_ms(top.ms_per_row)} per row; holdout {metric} {_fmt(scores[best])})"
        )
        return Choice(best, reason, scores, None)
    draws = resamples(len(top.outcome.y_true), seed)
    best_scores = bootstrap_scores(metric, top.outcome, draws)
    rejected: list[tuple[Candidate, float]] = []
    for candidate in faster:
        p = p_not_worse(metric, best_scores, bootstrap_scores(metric, candidate.outcome, draws))
        # undefined where the best is defined (answers NaN on some rows): no resample can
        # show it as good, those it is undefined on are left out of p (finding W7-4)
        lost = scores[candidate.name] is None and scores[best] is not None
        if p >= SWAP_P and not lost:
            reason = (
                f"{candidate.name}: holdout {metric} {_fmt(scores[candidate.name])} vs best "
                f"{_fmt(scores[best])} ({best}; difference within noise, p={p:.2f}); "
                f"{_ms(candidate.ms_per_row)} vs {_ms(top.ms_per_row)} per row"
            )
            return Choice(candidate.name, reason, scores, p)
        rejected.append((candidate, p))
    fastest, p = rejected[0]
    reason = (
        f"{best}: the leaderboard's best; every faster model scores worse on the "
        f"holdout (fastest: {fastest.name}, {metric} {_fmt(scores[fastest.name])} vs "
        f"{_fmt(scores[best])}, p={p:.3f}); {_ms(top.ms_per_row)} per row"
    )
    return Choice(best, reason, scores, None)


def _fmt(score: float | None) -> str:
    return "undefined" if score is None else f"{score:.4g}"


def _ms(ms: float) -> str:
    return f"{ms:.2g} ms" if ms < 10 else f"{ms:.0f} ms"
