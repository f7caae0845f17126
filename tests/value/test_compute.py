"""The value arithmetic against counts made by hand (no model: ten rows written out)."""

from __future__ import annotations

import numpy as np
import pytest

from phantom.value import compute

# ten holdout rows: truth (1 = positive) and the positive class's probability
TRUTH = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
PROBABILITY = np.array([0.9, 0.8, 0.55, 0.3, 0.7, 0.45, 0.2, 0.1, 0.05, 0.5])
PAYOFFS = compute.Payoffs(
    true_positive=100.0, true_negative=1.0, false_positive_cost=20.0, false_negative_cost=80.0
)


def test_the_confusion_matrix_is_counted_strictly_above_the_threshold() -> None:
    # at 0.5: predicted positive are 0.9, 0.8, 0.55 (true) and 0.7 (false); 0.5 is not above
    assert compute.confusion_at(TRUTH, PROBABILITY, 0.5) == compute.Confusion(3, 1, 1, 5)
    assert compute.confusion_at(TRUTH, PROBABILITY, 0.0) == compute.Confusion(4, 6, 0, 0)
    assert compute.confusion_at(TRUTH, PROBABILITY, 1.0) == compute.Confusion(0, 0, 4, 6)


def test_value_per_prediction_is_the_payoffs_weighted_by_the_counts() -> None:
    confusion = compute.Confusion(3, 1, 1, 5)
    # (3 x 100 + 5 x 1 - 1 x 20 - 1 x 80) / 10 = 205 / 10
    assert compute.value_per_prediction(confusion, PAYOFFS) == pytest.approx(20.5)


def test_the_curve_has_101_points_and_its_best_point_is_the_maximum() -> None:
    points = compute.curve(TRUTH, PROBABILITY, PAYOFFS)
    assert len(points) == 101
    assert points[0][0] == 0.0
    assert points[-1][0] == 1.0
    threshold, value = compute.best(points)
    assert value == max(v for _, v in points)
    # by hand: above 0.25 and up to 0.3 keeps all four positives and two false positives
    # (0.7, 0.45, 0.5): thresholds in [0.2, 0.3) -> TP 4, FP 3, TN 3: (400 + 3 - 60) / 10
    assert threshold == pytest.approx(0.2)
    assert value == pytest.approx(34.3)


def test_the_baseline_is_the_better_of_treating_everyone_alike() -> None:
    # all positive: (4 x 100 - 6 x 20) / 10 = 28; all negative: (6 x 1 - 4 x 80) / 10 = -31.4
    assert compute.classifier_baseline(TRUTH, PAYOFFS) == ("ALL_POSITIVE", pytest.approx(28.0))
    cheap_misses = compute.Payoffs(1.0, 1.0, 50.0, 0.0)
    # all positive: (4 - 300) / 10; all negative: (6 x 1) / 10
    assert compute.classifier_baseline(TRUTH, cheap_misses) == (
        "ALL_NEGATIVE",
        pytest.approx(0.6),
    )


def test_the_interval_surrounds_the_value_and_is_reproducible() -> None:
    confusion = compute.Confusion(30, 10, 10, 50)
    value = compute.value_per_prediction(confusion, PAYOFFS)
    interval = compute.classifier_interval(confusion, PAYOFFS)
    assert interval.low < value < interval.high
    assert interval.resamples == compute.RESAMPLES
    assert interval.level == 0.95
    assert compute.classifier_interval(confusion, PAYOFFS) == interval


def test_regression_costs_are_asymmetric_per_unit_of_error() -> None:
    truth = np.array([10.0, 10.0, 10.0, 10.0])
    predicted = np.array([8.0, 10.0, 13.0, 11.0])
    costs = compute.regression_costs(truth, predicted, under=5.0, over=1.0)
    # 2 under x 5, exact, 3 over x 1, 1 over x 1
    assert costs.tolist() == [10.0, 0.0, 3.0, 1.0]


def test_the_regression_baseline_is_the_best_constant() -> None:
    truth = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    # symmetric costs: the median (3) is the best constant: |1-3|+|2-3|+0+1+97 = 101
    strategy, value = compute.regression_baseline(truth, under=1.0, over=1.0)
    assert strategy == "CONSTANT"
    assert value == pytest.approx(-101 / 5)
    # no constant does better (a check of the quantile rule, over a grid)
    grid = np.linspace(0, 100, 1001)
    costs = [compute.regression_costs(truth, np.full(5, c), 1.0, 1.0).mean() for c in grid]
    assert -min(costs) == pytest.approx(value)


def test_a_value_matrix_is_weighted_by_the_counted_cells() -> None:
    # classes a, b, c; six rows: (actual, predicted)
    truth = np.array([0, 0, 1, 1, 2, -1])
    predicted = np.array([0, 1, 1, 2, 2, 0])  # the last row's actual is unknown: left out
    counts = compute.matrix_counts(truth, predicted, 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 1], [0, 0, 1]]
    values = np.array([[10.0, -5.0, -5.0], [-20.0, 8.0, -1.0], [0.0, 0.0, 3.0]])
    # (10 - 5 + 8 - 1 + 3) / 5
    assert compute.matrix_value(counts, values) == pytest.approx(3.0)
    # actual rows per class: a 2, b 2, c 1. Everyone predicted a: (2 x 10 - 2 x 20 + 0) / 5
    # = -4; b: (-2 x 5 + 2 x 8 + 0) / 5 = 1.2; c: (-2 x 5 - 2 x 1 + 3) / 5 = -1.8
    assert compute.matrix_baseline(counts, values) == ("CONSTANT", pytest.approx(1.2))
    interval = compute.matrix_interval(counts, values)
    assert interval.low <= 3.0 <= interval.high
