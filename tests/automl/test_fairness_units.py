"""The fairness report's arithmetic (``automl/fairness.py``) on planted predictions, checked
against rates counted by hand: per-group figures, disparities between the groups large
enough to judge, the four-fifths rule, and what is left unjudged."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from phantom.automl.engines.base import Predictions
from phantom.automl.fairness import evaluate
from phantom.automl.tasks import TaskType

FAR = time.time() + 3600


def binary_case() -> tuple[pd.DataFrame, pd.Series, Predictions]:
    """A: 100 rows, 60 approved; B: 100 rows, 30 approved; C: 10 rows, all approved."""
    groups = ["A"] * 100 + ["B"] * 100 + ["C"] * 10
    approved = [True] * 60 + [False] * 40 + [True] * 30 + [False] * 70 + [True] * 10
    truth = pd.Series(["yes" if i % 2 == 0 else "no" for i in range(210)])
    labels = np.where(approved, "yes", "no")
    return (
        pd.DataFrame({"group": groups}),
        truth,
        Predictions(labels=labels, classes=["no", "yes"]),
    )


def test_a_planted_gap_is_flagged_by_the_four_fifths_rule_and_small_groups_are_marked() -> None:
    attributes, truth, predicted = binary_case()
    [report] = evaluate(attributes, set(), TaskType.BINARY, truth, predicted, 30, FAR)
    groups = {g["group"]: g for g in report["groups"]}
    assert [(g, groups[g]["size"], groups[g]["too_small"]) for g in "ABC"] == [
        ("A", 100, False),
        ("B", 100, False),
        ("C", 10, True),
    ]
    assert groups["A"]["selection_rate"] == pytest.approx(0.6)
    assert groups["B"]["selection_rate"] == pytest.approx(0.3)
    assert groups["C"]["selection_rate"] == 1.0  # shown, though too small to judge
    # truth is "yes" on even rows: A's first 60 rows hold 30 actual yes, all selected
    assert groups["A"]["true_positive_rate"] == pytest.approx(30 / 50)
    assert groups["A"]["false_positive_rate"] == pytest.approx(30 / 50)
    assert groups["A"]["accuracy"] == pytest.approx((30 + 20) / 100)
    assert groups["A"]["error"] is None
    measures = {d["measure"]: d for d in report["disparities"]}
    # C (1.0) is left out: with it, the ratio would be 0.3 and the difference 0.7
    assert measures["demographic_parity_ratio"]["value"] == pytest.approx(0.5)
    assert measures["demographic_parity_ratio"]["threshold"] == 0.8
    assert measures["demographic_parity_ratio"]["flagged"]
    assert measures["demographic_parity_difference"]["value"] == pytest.approx(0.3)
    assert not measures["demographic_parity_difference"]["flagged"]
    assert "equalized_odds_difference" in measures
    assert {d["positive_class"] for d in report["disparities"]} == {"yes"}
    assert report["flagged"]
    assert report["summary"].startswith("Flagged by the four-fifths rule")
    assert "Lowest: 'B' (0.30)" in report["summary"]
    assert "1 group too small to judge (< 30 holdout rows): C." in report["summary"]


def test_a_ratio_at_or_above_four_fifths_is_not_flagged() -> None:
    groups = ["A"] * 100 + ["B"] * 100
    selected = [True] * 50 + [False] * 50 + [True] * 40 + [False] * 60  # ratio exactly 0.8
    predicted = Predictions(labels=np.where(selected, "yes", "no"), classes=["no", "yes"])
    [report] = evaluate(
        pd.DataFrame({"g": groups}), {"g"}, TaskType.BINARY, None, predicted, 30, FAR
    )
    ratio = next(d for d in report["disparities"] if d["measure"] == "demographic_parity_ratio")
    assert ratio["value"] == pytest.approx(0.8)
    assert not ratio["flagged"]
    assert not report["flagged"]
    assert report["excluded_from_features"]
    # without a label there are no error rates, and no equalized odds
    assert report["groups"][0]["true_positive_rate"] is None
    assert "equalized_odds_difference" not in {d["measure"] for d in report["disparities"]}


def test_rates_undefined_for_a_group_are_null_not_zero_and_missing_values_are_a_group() -> None:
    groups = ["A"] * 40 + [None] * 40
    truth = pd.Series(["no"] * 40 + ["yes", "no"] * 20)  # A has no actual positive
    predicted = Predictions(labels=np.array(["no", "yes"] * 40), classes=["no", "yes"])
    [report] = evaluate(
        pd.DataFrame({"g": groups}), set(), TaskType.BINARY, truth, predicted, 30, FAR
    )
    rows = {g["group"]: g for g in report["groups"]}
    assert set(rows) == {"A", "(missing)"}
    assert rows["A"]["true_positive_rate"] is None
    assert rows["A"]["false_positive_rate"] == pytest.approx(0.5)


def test_with_fewer_than_two_groups_to_judge_nothing_is_computed_or_flagged() -> None:
    attributes, truth, predicted = binary_case()
    [report] = evaluate(attributes, set(), TaskType.BINARY, truth, predicted, 150, FAR)
    assert all(g["too_small"] for g in report["groups"])
    assert all(d["value"] is None and not d["flagged"] for d in report["disparities"])
    assert not report["flagged"]
    assert report["summary"].startswith("Not judged: fewer than two groups")


def test_regression_reports_error_and_mean_prediction_per_group_and_judges_nothing() -> None:
    groups = ["A"] * 50 + ["B"] * 50
    truth = pd.Series([10.0] * 100)
    predicted = Predictions(labels=np.array([12.0] * 50 + [7.0] * 50))
    [report] = evaluate(
        pd.DataFrame({"g": groups}), set(), TaskType.REGRESSION, truth, predicted, 30, FAR
    )
    rows = {g["group"]: g for g in report["groups"]}
    assert (rows["A"]["error"], rows["A"]["mean_prediction"]) == (2.0, 12.0)
    assert (rows["B"]["error"], rows["B"]["mean_prediction"]) == (3.0, 7.0)
    assert rows["A"]["selection_rate"] is None
    measures = {d["measure"]: d for d in report["disparities"]}
    assert measures["mean_prediction_difference"]["value"] == pytest.approx(5.0)
    assert measures["error_difference"]["value"] == pytest.approx(1.0)
    assert not report["flagged"]
    assert all(d["threshold"] is None for d in report["disparities"])


def test_multiclass_judges_each_class_one_vs_rest() -> None:
    groups = ["A"] * 60 + ["B"] * 60
    # A: 30 cats, 30 dogs; B: 10 cats, 50 dogs; nobody gets "bird"
    labels = np.array(["cat"] * 30 + ["dog"] * 30 + ["cat"] * 10 + ["dog"] * 50)
    truth = pd.Series(labels)
    predicted = Predictions(labels=labels, classes=["bird", "cat", "dog"])
    [report] = evaluate(
        pd.DataFrame({"g": groups}), set(), TaskType.MULTICLASS, truth, predicted, 30, FAR
    )
    ratios = {
        d["positive_class"]: d["value"]
        for d in report["disparities"]
        if d["measure"] == "demographic_parity_ratio"
    }
    assert ratios["cat"] == pytest.approx(1 / 3)
    assert ratios["dog"] == pytest.approx(0.6)
    assert report["flagged"]
    assert "for class 'cat' is 0.33" in report["summary"]
    assert report["groups"][0]["accuracy"] == 1.0


def test_an_attribute_reached_after_the_deadline_is_reported_as_not_evaluated() -> None:
    attributes, truth, predicted = binary_case()
    [report] = evaluate(attributes, set(), TaskType.BINARY, truth, predicted, 30, time.time() - 1)
    assert report == {
        "attribute": "group",
        "excluded_from_features": False,
        "flagged": False,
        "summary": "Not evaluated: the training's time ran out.",
        "groups": [],
        "disparities": [],
    }


def test_an_excluded_protected_attribute_is_kept_aside_row_for_row_through_the_split() -> None:
    from phantom.automl.runner import RunSpec, prepare, set_aside, split

    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 200)
    frame = pd.DataFrame(
        {
            "x": x,
            "g": np.where(x > 0, "hi", "lo"),  # a function of x, to check the alignment
            "y": np.where(x + rng.normal(0, 1, 200) > 0, "yes", "no"),
        }
    )
    frame.loc[3, "y"] = None  # a row without a target is dropped with its attribute
    spec = RunSpec(
        data_path="",
        engine="autogluon",
        task="BINARY",
        target="y",
        metric="roc_auc",
        budget_seconds=10,
        num_cpus=1,
        memory_limit_mb=512,
        model_dir="",
        work_dir="",
        column_types={"x": "NUMERIC", "g": "CATEGORICAL", "y": "CATEGORICAL"},
        excluded_columns=["g"],
        protected_attributes=["g"],
    )
    prepared, dropped = prepare(frame, spec)
    train, holdout, attributes = set_aside(*split(prepared, spec), dropped, spec)
    assert list(train.columns) == list(holdout.columns) == ["x", "y"]
    assert len(attributes) == len(holdout) == 40
    assert (attributes["g"] == np.where(holdout["x"] > 0, "hi", "lo")).all()
    reasons = {d["column"]: d["reason"] for d in dropped}
    assert reasons["g"].endswith("(a protected attribute: evaluated for fairness only)")
