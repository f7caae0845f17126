"""A model's global SHAP summary on its holdout, computed at training in the child process
(``automl/runner.py``) within the job's deadline, and the background sample the sampled
explainer needs at serving.

Shape (docs/governance.md): {"method", "explained", "rows", "features": [{"feature",
"mean_abs_shap", "points": [[value, shap], ...]}]}, features by mean |SHAP|, largest
first. With the sampled explainer rows are explained a few at a time until the deadline:
``rows`` says how many made it (at least one chunk, else no summary).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

from phantom.automl.engines.base import LoadedModel
from phantom.explain.shapley import Explained, OutOfTime, Subject, explain, typed

BACKGROUND_ROWS = 100
BACKGROUND_FILE = "phantom-background.parquet"
TREE_ROWS = 500  # exact tree SHAP is cheap
SAMPLED_ROWS = 50
# the sampled summary estimates means: fewer coalitions over a smaller part of the
# background than per prediction (a row costs SAMPLED_COALITIONS x SAMPLED_BACKGROUND
# rows scored)
SAMPLED_COALITIONS = 30
SAMPLED_BACKGROUND = 20
CHUNK = 1
MAX_POINTS = 200


def background_sample(features: pd.DataFrame, seed: int) -> pd.DataFrame:
    """At most ``BACKGROUND_ROWS`` training rows, seeded: what "a typical input" means to
    the sampled explainer (its base value is the model's mean output over them)."""
    count = min(len(features), BACKGROUND_ROWS)
    return features.sample(n=count, random_state=seed).reset_index(drop=True)


def _json(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _stack(parts: list[Explained]) -> Explained:
    first = parts[0]
    return Explained(
        method=first.method,
        explained=[t for p in parts for t in p.explained],
        base=np.concatenate([p.base for p in parts]),
        output=np.concatenate([p.output for p in parts]),
        values=np.concatenate([p.values for p in parts]),
        features=first.features,
    )


def summarise(
    model: LoadedModel,
    subject: Subject,
    features: list[dict[str, str]],
    holdout: pd.DataFrame,
    background: pd.DataFrame,
    deadline: float,
    seed: int,
) -> dict[str, Any] | None:
    """None when not even one chunk of rows could be explained before ``deadline``
    (``time.monotonic()``)."""
    sample = holdout.sample(n=min(len(holdout), TREE_ROWS), random_state=seed)
    rows = typed(sample.reset_index(drop=True), features)
    # the tree way ignores the background; the sampled way gets a small part of it
    small = typed(background, features).sample(
        n=min(len(background), SAMPLED_BACKGROUND), random_state=seed
    )
    small = small.reset_index(drop=True)
    parts: list[Explained] = []
    try:
        head = rows.iloc[:CHUNK]
        first = explain(model, subject, features, head, small, deadline, samples=SAMPLED_COALITIONS)
        parts.append(first)
        if first.method == "tree":
            if len(rows) > CHUNK:
                rest = rows.iloc[CHUNK:].reset_index(drop=True)
                parts.append(explain(model, subject, features, rest, small, deadline))
        else:
            for start in range(CHUNK, min(len(rows), SAMPLED_ROWS), CHUNK):
                chunk = rows.iloc[start : start + CHUNK].reset_index(drop=True)
                parts.append(
                    explain(
                        model, subject, features, chunk, small, deadline, samples=SAMPLED_COALITIONS
                    )
                )
    except OutOfTime:
        pass
    if not parts:
        return None
    done = _stack(parts)
    return _shape(done, rows.iloc[: len(done.output)])


def _shape(done: Explained, rows: pd.DataFrame) -> dict[str, Any]:
    texts = sorted(set(done.explained))
    explained = (
        texts[0] if len(texts) == 1 else "each row's predicted class: " + "; ".join(texts[:5])
    )
    picks = np.arange(len(rows))
    if len(picks) > MAX_POINTS:
        picks = np.random.default_rng(0).choice(len(rows), MAX_POINTS, replace=False)
    entries: list[dict[str, Any]] = []
    for j, name in enumerate(done.features):
        column = rows[name].tolist()
        entries.append(
            {
                "feature": name,
                "mean_abs_shap": float(np.mean(np.abs(done.values[:, j]))),
                "points": [[_json(column[i]), float(done.values[i, j])] for i in picks.tolist()],
            }
        )
    entries.sort(key=lambda e: -float(e["mean_abs_shap"]))
    return {
        "method": done.method,
        "explained": explained,
        "rows": len(done.output),
        "features": entries,
    }


def monotonic_deadline(wall_deadline: float) -> float:
    """The runner's deadlines are ``time.time()``; the explainer's are monotonic."""
    return time.monotonic() + (wall_deadline - time.time())
