"""Anomaly detection quality: the product's detector (``engines/anomaly.py``, fitted as a job
fits it) against scikit-learn's ``IsolationForest()`` with default settings, PyOD's ECOD
and COPOD (no tuning), and an ablation of the first ensemble (each member alone, with and
without its percentile normalisation, with and without LOF).

    nice -n 10 .venv/bin/python bench/anomaly_quality.py [--seeds 3] [--datasets shuttle_like,wine]
                                                        [--methods iforest,product,ecod]

Each data set is split 70/30 per seed (stratified on the label); every method fits on the
70 % without the label and scores the held-out 30 %: ROC AUC. Data ships inside
scikit-learn (ODDS-style sets made from its bundled data sets: a class subsampled into
anomalies) or is generated with a fixed seed; nothing is downloaded. PyOD (dev extra)
provides ECOD and COPOD. Prints the mean AUC per data set and method (the spread over
seeds in brackets), the mean over data sets, and each method's worst margin to
``IsolationForest()``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

Array = np.ndarray[Any, Any]
Scorer = Callable[[pd.DataFrame], Array]
LABEL = "is_anomaly"


# --- data sets: (frame with a boolean LABEL column) ------------------------------------


def _labelled(x: Array, anomalous: Array, columns: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(x, columns=columns or [f"x{i}" for i in range(x.shape[1])])
    frame[LABEL] = np.asarray(anomalous, dtype=bool)
    return frame


def _subsampled(x: Array, is_rare_class: Array, n_anomalies: int, seed: int) -> pd.DataFrame:
    """ODDS recipe: all rows of the normal classes, a random few of the rare class."""
    rng = np.random.default_rng(seed)
    rare = np.flatnonzero(is_rare_class)
    keep = np.concatenate([np.flatnonzero(~is_rare_class), rng.choice(rare, n_anomalies, False)])
    return _labelled(x[keep], is_rare_class[keep])


def breast_cancer() -> pd.DataFrame:
    """ODDS wbc: 357 benign, 21 malignant (30 numeric columns)."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    return _subsampled(data.data, data.target == 0, 21, 0)


def wine() -> pd.DataFrame:
    """ODDS wine: classes 2 and 3 normal (119 rows), 10 of class 1 anomalous (13 columns)."""
    from sklearn.datasets import load_wine

    data = load_wine()
    return _subsampled(data.data, data.target == 0, 10, 0)


def digits() -> pd.DataFrame:
    """High dimension (64 pixel columns): nine digits normal, 40 zeros anomalous."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return _subsampled(data.data, data.target == 0, 40, 0)


def iris() -> pd.DataFrame:
    """Low dimension, local: setosa and versicolor normal, 8 virginica anomalous (they sit
    next to versicolor, not far from everything)."""
    from sklearn.datasets import load_iris

    data = load_iris()
    return _subsampled(data.data, data.target == 2, 8, 0)


def shuttle_like() -> pd.DataFrame:
    """Like ODDS shuttle (49,097 rows, 9 integer columns, 7 % anomalies), 20,000 rows: the
    normal class is several dense modes of whole numbers; the anomalies are one larger
    cluster of their own (most of them) and a few rare, scattered classes."""
    rng = np.random.default_rng(7)
    n = 20_000
    n_cluster, n_rare = int(n * 0.06), int(n * 0.01)
    n_normal = n - n_cluster - n_rare
    centres = rng.normal(0, 12, (4, 9))
    weights = np.array([0.55, 0.25, 0.15, 0.05])
    mode = rng.choice(4, n_normal, p=weights)
    normal = centres[mode] + rng.normal(0, 1.0, (n_normal, 9)) * rng.uniform(0.5, 3, 9)
    shift = rng.choice([-1.0, 1.0], 3) * rng.uniform(12, 20, 3)
    cluster_centre = centres[0] + np.r_[shift, np.zeros(6)]
    cluster = cluster_centre + rng.normal(0, 1.0, (n_cluster, 9)) * 1.5
    rare_centres = rng.normal(0, 25, (4, 9))
    rare = rare_centres[rng.integers(0, 4, n_rare)] + rng.normal(0, 3, (n_rare, 9))
    x = np.round(np.vstack([normal, cluster, rare]))
    return _labelled(x, np.r_[np.zeros(n_normal), np.ones(n_cluster + n_rare)])


def shuttle_like_dups() -> pd.DataFrame:
    """The same on a coarser grid (multiples of 4): most rows have exact duplicates, as
    in real integer telemetry (ODDS shuttle has many)."""
    frame = shuttle_like()
    cols = [c for c in frame.columns if c != LABEL]
    frame[cols] = (frame[cols] / 4).round() * 4
    return frame


def global_outliers() -> pd.DataFrame:
    """ADBench 'global': normal rows from a Gaussian mixture, anomalies uniform over a box
    1.1 times the data's range (10 columns, 5 %)."""
    rng = np.random.default_rng(11)
    centres = rng.normal(0, 5, (3, 10))
    normal = centres[rng.integers(0, 3, 3800)] + rng.normal(0, 1, (3800, 10))
    low, high = normal.min(axis=0) * 1.1, normal.max(axis=0) * 1.1
    anomalies = rng.uniform(low, high, (200, 10))
    return _labelled(np.vstack([normal, anomalies]), np.r_[np.zeros(3800), np.ones(200)])


def local_outliers() -> pd.DataFrame:
    """ADBench 'local': the same mixture's components with 5 times the covariance; clusters
    of different spread, so a point can be far for a tight cluster and near for a loose one."""
    rng = np.random.default_rng(12)
    centres = rng.normal(0, 6, (4, 8))
    scales = np.array([0.5, 1.0, 2.0, 3.0])
    k = rng.integers(0, 4, 3800)
    normal = centres[k] + rng.normal(0, 1, (3800, 8)) * scales[k, None]
    ka = rng.integers(0, 4, 200)
    anomalies = centres[ka] + rng.normal(0, 1, (200, 8)) * scales[ka, None] * np.sqrt(5)
    return _labelled(np.vstack([normal, anomalies]), np.r_[np.zeros(3800), np.ones(200)])


def few_columns() -> pd.DataFrame:
    """High dimension (100 columns), anomalies visible in only 3 of them (4 sd shifts)."""
    rng = np.random.default_rng(13)
    x = rng.normal(0, 1, (4000, 100))
    anomalous = np.zeros(4000, dtype=bool)
    anomalous[rng.choice(4000, 120, replace=False)] = True
    x[np.ix_(anomalous, [3, 40, 77])] += rng.choice([-4.0, 4.0], (120, 3))
    return _labelled(x, anomalous)


def categorical() -> pd.DataFrame:
    """Mixed columns (payments): amount and hour numeric, country / channel / currency
    categorical. Anomalies: rare categories (a country seen in 0.5 % of rows), or a
    currency that does not fit the country, with ordinary amounts."""
    rng = np.random.default_rng(14)
    n = 6000
    countries = np.array(["DE", "FR", "IT", "ES", "NL", "PL"])
    currency_of = {"DE": "EUR", "FR": "EUR", "IT": "EUR", "ES": "EUR", "NL": "EUR", "PL": "PLN"}
    country = rng.choice(countries, n, p=[0.3, 0.25, 0.15, 0.12, 0.1, 0.08])
    frame = pd.DataFrame(
        {
            "amount": np.round(rng.lognormal(3.5, 0.8, n), 2),
            "hour": rng.integers(7, 23, n),
            "country": country,
            "channel": rng.choice(["web", "app", "pos"], n, p=[0.5, 0.3, 0.2]),
            "currency": [currency_of[c] for c in country],
        }
    )
    anomalous = np.zeros(n, dtype=bool)
    odd = rng.choice(n, 240, replace=False)
    anomalous[odd] = True
    rare_country, wrong_currency = odd[:120], odd[120:]
    frame.loc[rare_country, "country"] = rng.choice(["MT", "CY", "LU"], 120)
    frame.loc[rare_country, "currency"] = "EUR"
    frame.loc[wrong_currency, "currency"] = np.where(
        frame.loc[wrong_currency, "country"] == "PL", "EUR", "PLN"
    )
    frame[LABEL] = anomalous
    return frame


DATASETS: dict[str, Callable[[], pd.DataFrame]] = {
    "shuttle_like": shuttle_like,
    "shuttle_like_dups": shuttle_like_dups,
    "breast_cancer": breast_cancer,
    "wine": wine,
    "digits": digits,
    "iris": iris,
    "global": global_outliers,
    "local": local_outliers,
    "few_columns": few_columns,
    "categorical": categorical,
}


# --- methods: fit on feature rows, return a scorer (higher = more anomalous) -----------


def _ordinal(train: pd.DataFrame) -> Callable[[pd.DataFrame], Array]:
    """What one would do for a plain scikit-learn detector: numbers as they are, other
    columns as ordinal codes (unseen: -1)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OrdinalEncoder

    other = [c for c in train.columns if not pd.api.types.is_numeric_dtype(train[c])]
    numeric = [c for c in train.columns if c not in other]
    encoder = ColumnTransformer(
        [
            ("numeric", "passthrough", numeric),
            (
                "other",
                OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
                other,
            ),
        ]
    ).fit(train)
    return lambda frame: np.asarray(encoder.transform(frame), dtype=float)


def iforest(train: pd.DataFrame, seed: int) -> Scorer:
    from sklearn.ensemble import IsolationForest

    encode = _ordinal(train)
    model = IsolationForest(random_state=seed).fit(encode(train))
    return lambda frame: -model.score_samples(encode(frame))


def _pyod(kind: str) -> Callable[[pd.DataFrame, int], Scorer]:
    def method(train: pd.DataFrame, seed: int) -> Scorer:
        from pyod.models.copod import COPOD
        from pyod.models.ecod import ECOD

        encode = _ordinal(train)
        model = (ECOD() if kind == "ecod" else COPOD()).fit(encode(train))
        return lambda frame: np.asarray(model.decision_function(encode(frame)))

    return method


def product(train: pd.DataFrame, seed: int) -> Scorer:
    """The engine as a job runs it: the label given (for its validation and
    contamination, never a feature), then scoring through the saved model."""
    from phantom.automl.engines.anomaly import AnomalyEngine
    from phantom.automl.engines.base import FitSpec
    from phantom.automl.tasks import TaskType

    with tempfile.TemporaryDirectory() as scratch:
        spec = FitSpec(
            task=TaskType.ANOMALY_DETECTION,
            target=LABEL,
            metric="roc_auc",
            time_limit_seconds=600,
            deadline=time.time() + 600,
            num_cpus=1,
            memory_limit_mb=4096,
            seed=seed,
            model_dir=Path(scratch),
            work_dir=Path(scratch),
        )
        engine = AnomalyEngine()
        engine.fit(train, spec, lambda message, board: None)
        model = engine.load(Path(scratch), 1)
    return lambda frame: model.score(frame)


# The ablation: the first ensemble (until 2026-12: if200, if_bagged, if_1024 and lof,
# training percentiles averaged) rebuilt from its parts, and the parts of the second
# (if200, if_1024, lof_distinct: LOF on standardised columns and distinct rows, scores
# standardised and averaged; ``product`` is that design as the engine fits it).


def _members(n_rows: int, n_features: int, seed: int) -> dict[str, Any]:
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "if200": IsolationForest(n_estimators=200, random_state=seed),
        "if_bagged": IsolationForest(
            n_estimators=300, max_features=0.5 if n_features > 1 else 1.0, random_state=seed + 1
        ),
        "if_1024": IsolationForest(
            n_estimators=200, max_samples=min(1024, n_rows), random_state=seed + 2
        ),
        "lof": LocalOutlierFactor(n_neighbors=min(35, max(n_rows - 1, 1)), novelty=True),
        "lof_distinct": make_pipeline(
            StandardScaler(),
            LocalOutlierFactor(n_neighbors=min(35, max(n_rows - 1, 1)), novelty=True),
        ),
    }


def _ensemble(members: list[str], combine: str) -> Callable[[pd.DataFrame, int], Scorer]:
    """``combine``: 'percentile' (the first ensemble's: each member's score as its
    training-set percentile, averaged) or 'zscore' (raw score standardised on the
    training rows, averaged)."""

    def method(train: pd.DataFrame, seed: int) -> Scorer:
        encode = _ordinal(train)
        x = encode(train)
        rng = np.random.default_rng(seed)
        fitted = []
        for name, estimator in _members(len(x), x.shape[1], seed).items():
            if name not in members:
                continue
            rows = x
            if "lof" in name and len(x) > 5000:
                rows = x[rng.choice(len(x), 5000, replace=False)]
            if name == "lof_distinct":
                rows = np.unique(rows, axis=0)
            estimator.fit(rows)
            reference = np.sort(-estimator.score_samples(x))
            fitted.append((estimator, reference))

        def score(frame: pd.DataFrame) -> Array:
            z = encode(frame)
            parts = []
            for estimator, reference in fitted:
                raw = -estimator.score_samples(z)
                if combine == "percentile":
                    parts.append(np.searchsorted(reference, raw, side="right") / len(reference))
                else:
                    parts.append((raw - reference.mean()) / (reference.std() or 1.0))
            return np.asarray(np.mean(parts, axis=0))

        return score

    return method


ALL_V1 = ["if200", "if_bagged", "if_1024", "lof"]
METHODS: dict[str, Callable[[pd.DataFrame, int], Scorer]] = {
    "iforest": iforest,
    "product": product,
    "ecod": _pyod("ecod"),
    "copod": _pyod("copod"),
    "v1_ensemble": _ensemble(ALL_V1, "percentile"),
    "v1_zscore": _ensemble(ALL_V1, "zscore"),
    "v2_percentile": _ensemble(["if200", "if_1024", "lof_distinct"], "percentile"),
    "v2_lof_raw_columns": _ensemble(["if200", "if_1024", "lof"], "zscore"),
    "v1_no_lof": _ensemble(["if200", "if_bagged", "if_1024"], "percentile"),
    "v1_if200": _ensemble(["if200"], "percentile"),
    "v1_if_bagged": _ensemble(["if_bagged"], "percentile"),
    "v1_if_1024": _ensemble(["if_1024"], "percentile"),
    "v1_lof": _ensemble(["lof"], "percentile"),
}
DEFAULT_METHODS = ["iforest", "product", "ecod", "copod", "v1_ensemble"]
ABLATION = [
    "v1_zscore",
    "v1_no_lof",
    "v1_if200",
    "v1_if_bagged",
    "v1_if_1024",
    "v1_lof",
    "v2_percentile",
    "v2_lof_raw_columns",
]


def run(datasets: list[str], methods: list[str], seeds: int) -> pd.DataFrame:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    rows = []
    for name in datasets:
        frame = DATASETS[name]()
        for seed in range(seeds):
            train, test = train_test_split(
                frame, test_size=0.3, random_state=seed, stratify=frame[LABEL]
            )
            features = [c for c in frame.columns if c != LABEL]
            for method in methods:
                started = time.perf_counter()
                fit_rows = train if method == "product" else train[features]
                scorer = METHODS[method](fit_rows, seed)
                auc = roc_auc_score(test[LABEL], scorer(test[features]))
                seconds = time.perf_counter() - started
                rows.append({"dataset": name, "method": method, "seed": seed, "auc": auc})
                print(
                    f"  {name:14} {method:13} seed {seed}: {auc:.4f} ({seconds:.1f} s)",
                    file=sys.stderr,
                )
    return pd.DataFrame(rows)


def table(results: pd.DataFrame, methods: list[str]) -> str:
    shapes = {
        name: f"{len(f := DATASETS[name]())}x{f.shape[1] - 1}, {f[LABEL].mean():.1%}"
        for name in results["dataset"].unique()
    }
    mean = results.pivot_table(index="dataset", columns="method", values="auc", aggfunc="mean")
    low = results.pivot_table(index="dataset", columns="method", values="auc", aggfunc="min")
    high = results.pivot_table(index="dataset", columns="method", values="auc", aggfunc="max")
    lines = [
        "| data set (rows x cols, anomalies) | " + " | ".join(methods) + " |",
        "|---|" + "---:|" * len(methods),
    ]
    for name in mean.index:
        cells = [
            f"{mean.at[name, m]:.3f} ({low.at[name, m]:.3f}-{high.at[name, m]:.3f})"
            for m in methods
        ]
        lines.append(f"| {name} ({shapes[name]}) | " + " | ".join(cells) + " |")
    lines.append("| **mean** | " + " | ".join(f"**{mean[m].mean():.3f}**" for m in methods) + " |")
    if "iforest" in methods:
        worst = [f"{(mean[m] - mean['iforest']).min():+.3f}" for m in methods]
        lines.append("| worst margin to iforest | " + " | ".join(worst) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS))
    parser.add_argument("--ablation", action="store_true", help="add the v1 ablation methods")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    methods = args.methods.split(",") + (ABLATION if args.ablation else [])
    results = run(args.datasets.split(","), methods, args.seeds)
    print(table(results, methods))


if __name__ == "__main__":
    main()
