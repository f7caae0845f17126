"""The leaderboard a person watches: snapshots merged, refits folded into their parent,
model names and progress in plain words.

An engine's snapshots are not one growing list. AutoGluon first fits on part of the data to
check whether stacking helps (DyStack), then starts again on all of it: its leaderboard
restarted empty, and rows shown at 19 s were gone at 33 s. A bagged model's refit on all
the data (``X_FULL``) has no validation score of its own and is not another candidate: it
is how ``X`` is served. Pure functions over the stored JSON rows (``LeaderboardRow`` as
dicts), so the job's row and the GraphQL answer are the same list.
"""

from __future__ import annotations

import re
from typing import Any

from phantom.automl.tasks import METRICS

REFIT_SUFFIX = "_FULL"
BASELINE_PREFIX = "Baseline: "  # automl/baseline.py's rows
# Measured after the fit (fit_to_serve.py); a bag that was not timed borrows its refit's.
_SERVING_FIELDS = ("score_holdout", "predict_ms_per_row", "rows_per_second")


def _better(metric: str, a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    higher = METRICS[metric].higher_is_better
    return max(a, b) if higher else min(a, b)


def merge(
    previous: list[dict[str, Any]], snapshot: list[dict[str, Any]], metric: str
) -> list[dict[str, Any]]:
    """Every model seen so far, by name: the snapshot's figures, the best validation score
    seen, and the rows the snapshot lacks kept as they were."""
    rows: dict[str, dict[str, Any]] = {r["model_name"]: dict(r) for r in previous}
    for new in snapshot:
        old = rows.get(new["model_name"], {})
        merged = {**old, **{k: v for k, v in new.items() if v is not None or k not in old}}
        merged["score_validation"] = _better(
            metric, old.get("score_validation"), new.get("score_validation")
        )
        rows[new["model_name"]] = merged
    return list(rows.values())


def fold_refits(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``X_FULL`` becomes ``X``'s ``refit_model_name``: one row per candidate. The row is
    served when the refit is; holdout figures the bag lacks are the refit's (the bag itself
    is never timed when it has a refit, fit_to_serve.py)."""
    by_name = {r["model_name"]: dict(r) for r in rows}
    for name in [n for n in by_name if n.endswith(REFIT_SUFFIX)]:
        refit = by_name.pop(name)
        parent_name = name[: -len(REFIT_SUFFIX)]
        parent = by_name.setdefault(
            parent_name,
            {
                "model_name": parent_name,
                "score_validation": None,
                "fit_time_seconds": None,
                "predict_time_seconds": None,
            },
        )
        parent["refit_model_name"] = name
        if refit.get("served"):
            parent["served"] = True
        for key in _SERVING_FIELDS:
            if parent.get(key) is None and refit.get(key) is not None:
                parent[key] = refit[key]
    return list(by_name.values())


def ranked(rows: list[dict[str, Any]], metric: str) -> list[dict[str, Any]]:
    """Best first by the metric's own direction (models without a score last), ranked."""
    higher = METRICS[metric].higher_is_better
    scored = [r for r in rows if r.get("score_validation") is not None]
    unscored = [r for r in rows if r.get("score_validation") is None]
    scored.sort(key=lambda r: -r["score_validation"] if higher else r["score_validation"])
    return [{**row, "rank": rank} for rank, row in enumerate(scored + unscored, start=1)]


def during_fit(
    previous: list[dict[str, Any]], snapshot: list[dict[str, Any]], metric: str
) -> list[dict[str, Any]]:
    """A progress snapshot on top of what the job already shows: nothing disappears."""
    return ranked(fold_refits(merge(previous, snapshot, metric)), metric)


def final(
    previous: list[dict[str, Any]], result: list[dict[str, Any]], metric: str
) -> list[dict[str, Any]]:
    """The engine's final leaderboard ranks the candidates (its scores are the ones its
    choice of the best used); models shown only while the fit tried combinations stay
    below them, marked ``final_fit: false``, so no row shown during the run vanishes."""
    candidates = ranked(fold_refits(result), metric)
    names = {r["model_name"] for r in candidates}
    earlier = [
        {**r, "final_fit": False, "served": False}
        for r in fold_refits(previous)
        if r["model_name"] not in names
    ]
    return candidates + [
        {**row, "rank": len(candidates) + i}
        for i, row in enumerate(ranked(earlier, metric), start=1)
    ]


# Engine model families in people's words (AutoGluon and H2O names).
_FAMILIES: tuple[tuple[str, str], ...] = (
    ("WeightedEnsemble", "Weighted ensemble"),
    ("StackedEnsemble", "Stacked ensemble"),
    ("LightGBMXT", "LightGBM (extra trees)"),
    ("LightGBMLarge", "LightGBM (large)"),
    ("LightGBM", "LightGBM"),
    ("CatBoost", "CatBoost"),
    ("XGBoost", "XGBoost"),
    ("RandomForest", "Random forest"),
    ("ExtraTrees", "Extra trees"),
    ("KNeighbors", "Nearest neighbours"),
    ("NeuralNetTorch", "Neural network"),
    ("NeuralNetFastAI", "Neural network"),
    ("LinearModel", "Linear model"),
    ("GBM", "Gradient boosting"),
    ("DRF", "Random forest"),
    ("XRT", "Extra trees"),
    ("GLM", "Linear model"),
    ("DeepLearning", "Neural network"),
    ("IsolationForest", "Isolation forest"),
    ("HistGradientBoostingSmall", "Histogram gradient boosting (small trees)"),
    ("HistGradientBoostingLarge", "Histogram gradient boosting (large trees)"),
    ("HistGradientBoosting", "Histogram gradient boosting"),
)


def plain_model_name(name: str) -> str:
    """``WeightedEnsemble_L3_FULL`` -> "Weighted ensemble, refit on all data"; the engine's
    name stays available beside it (tooltips, the API). The baseline's models keep their
    prefix: "Baseline: Histogram gradient boosting"."""
    if name.startswith(BASELINE_PREFIX):
        return BASELINE_PREFIX + plain_model_name(name[len(BASELINE_PREFIX) :])
    refit = name.endswith(REFIT_SUFFIX)
    base = name[: -len(REFIT_SUFFIX)] if refit else name
    family = next((words for prefix, words in _FAMILIES if base.startswith(prefix)), None)
    if family is None:
        family = re.sub(r"_(BAG_)?L\d+$", "", base)
    return f"{family}, refit on all data" if refit else family
