"""The pure parts of training and serving: ranking, metrics, column preparation, and the
coercion of prediction rows (every refusal names the row and the column)."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from phantom.automl.engines.base import DataError
from phantom.automl.leaderboard import ranked
from phantom.automl.lifecycle import hard_bound_seconds
from phantom.automl.runner import RunSpec, fit_limit_seconds, prepare
from phantom.automl.tasks import Outcome, TaskType, score_all
from phantom.kit.errors import BadUserInput
from phantom.registry.service import ServableVersion
from phantom.serving.rows import frame as columns_frame
from phantom.serving.rows import rows_to_columns


def test_the_hard_bound_is_a_quarter_over_the_budget_plus_30_seconds() -> None:
    assert hard_bound_seconds(60) == 105
    assert hard_bound_seconds(10) == 42.5


def test_a_slow_start_leaves_the_engine_half_its_budget_not_a_second() -> None:
    assert fit_limit_seconds(60, used=2, reserve=0) == 52
    # a loaded host spent 8 s of a 10 s budget starting up: 5 s, not the old 1 s floor
    assert fit_limit_seconds(10, used=8, reserve=0) == 5
    assert fit_limit_seconds(45, used=3, reserve=20) == 17.5  # H2O: its reserve stays out
    assert fit_limit_seconds(45, used=20, reserve=20) == 12.5
    # and the late fit still ends well within the hard bound
    assert 8 + fit_limit_seconds(10, used=8, reserve=0) * 1.05 < hard_bound_seconds(10) - 10


def test_leaderboards_rank_by_the_metrics_direction_with_unscored_models_last() -> None:
    rows = [
        {"model_name": n, "score_validation": s}
        for n, s in [("a", 3.0), ("b", None), ("c", 1.0), ("d", 2.0)]
    ]
    assert [(r["rank"], r["model_name"]) for r in ranked(rows, "rmse")] == [
        (1, "c"),
        (2, "d"),
        (3, "a"),
        (4, "b"),
    ]
    assert [r["model_name"] for r in ranked(rows, "roc_auc")] == ["a", "d", "c", "b"]


def test_holdout_metrics_agree_with_scikit_learn_and_skip_undefined_ones() -> None:
    rng = np.random.default_rng(0)
    truth = rng.choice(["no", "yes"], 200)
    p_yes = np.clip((truth == "yes") * 0.6 + rng.uniform(0, 0.4, 200), 0, 1)
    proba = np.column_stack([1 - p_yes, p_yes])
    labels = np.where(p_yes >= 0.5, "yes", "no")
    scores = score_all(TaskType.BINARY, Outcome(truth, labels, proba, ["no", "yes"], None))
    assert scores["roc_auc"] == pytest.approx(roc_auc_score(truth == "yes", p_yes))
    assert scores["log_loss"] == pytest.approx(log_loss(truth, proba, labels=["no", "yes"]))
    one_class = np.array(["yes"] * 10)
    only = score_all(
        TaskType.BINARY,
        Outcome(one_class, one_class, np.tile([0.2, 0.8], (10, 1)), ["no", "yes"], None),
    )
    assert "roc_auc" not in only  # undefined with one class present: left out, not guessed
    assert only["accuracy"] == 1.0


def _spec(**overrides: object) -> RunSpec:
    fields: dict[str, object] = {
        "data_path": "",
        "engine": "autogluon",
        "task": "BINARY",
        "target": "y",
        "metric": "roc_auc",
        "budget_seconds": 10,
        "num_cpus": 1,
        "memory_limit_mb": 512,
        "model_dir": "",
        "work_dir": "",
        "column_types": {"id": "ID", "x": "NUMERIC"},
    }
    fields.update(overrides)
    return RunSpec(**fields)  # type: ignore[arg-type]


def test_preparing_drops_ids_excluded_and_empty_columns_and_rows_without_a_target() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "x": [1.0, 2.0, 3.0],
            "z": [1, 2, 3],
            "empty": [None, None, None],
            "y": ["p", None, "q"],
        }
    )
    kept, dropped = prepare(frame, _spec(excluded_columns=["z"]))
    assert list(kept.columns) == ["x", "y"]
    assert len(kept) == 2
    assert [d["column"] for d in dropped] == ["id", "z", "empty", "y"]
    with pytest.raises(DataError, match="No feature column"):
        prepare(frame[["id", "y"]], _spec())


def _version(features: list[dict[str, str]]) -> ServableVersion:
    return ServableVersion(
        id=uuid.uuid4(),
        stage="NONE",
        engine="autogluon",
        task_type="BINARY",
        features=features,
        classes=None,
        artifact_path="",
        artifact_hash="",
    )


def rows_to_frame(rows: object, version: ServableVersion) -> pd.DataFrame:
    """What serving builds for one call: checked columns, then the typed frame."""
    columns, _ = rows_to_columns(rows, version.features)
    return columns_frame([columns], version.features)


FEATURES = [
    {"name": "amount", "type": "NUMERIC", "dtype": "float64"},
    {"name": "count", "type": "NUMERIC", "dtype": "int64"},
    {"name": "vip", "type": "BOOLEAN", "dtype": "bool"},
    {"name": "plan", "type": "CATEGORICAL", "dtype": "object"},
    {"name": "opened", "type": "DATETIME", "dtype": "datetime64[ns]"},
]


def test_rows_become_a_frame_of_the_training_types() -> None:
    frame = rows_to_frame(
        [
            {"amount": "12.5", "count": 3, "vip": "yes", "plan": 7, "opened": "2026-01-02"},
            {"amount": None},
        ],
        _version(FEATURES),
    )
    assert frame["amount"].tolist()[0] == 12.5
    assert np.isnan(frame["amount"].tolist()[1])
    assert frame["count"].dtype == "float64"  # a missing value makes integers float
    assert frame["vip"].tolist() == [True, None]
    assert frame["plan"].tolist() == ["7", None]
    assert frame["opened"].iloc[0] == pd.Timestamp("2026-01-02")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"amount": True}], "Row 1, column 'amount': expected a number, got true/false."),
        ([{}, {"amount": "ten"}], "Row 2, column 'amount': expected a number, got 'ten'."),
        ([{"amount": float("inf")}], "expected a finite number"),
        ([{"vip": "maybe"}], "expected true or false"),
        ([{"opened": "not a date"}], "expected an ISO 8601 date"),
        ([{"plan": {"nested": 1}}], "expected a single value"),
        ([{"plan": "x" * 10_001}], "text longer than 10000"),
        ([{"amonut": 1}], "unknown column 'amonut'"),
        ([1], "Row 1 must be an object"),
        ({"amount": 1}, "non-empty list"),
    ],
)
def test_bad_rows_are_refused_with_their_row_and_column(rows: object, message: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        rows_to_frame(rows, _version(FEATURES))
    assert message in refused.value.message
