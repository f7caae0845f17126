"""The arithmetic of value, on a version's stored holdout pairs (``automl/holdout.py``):
counted, never estimated.

Binary classifiers: a row is predicted positive when its positive-class probability is
strictly above the threshold (as AutoGluon applies its own). The value of a prediction
is the true positive's or true negative's value, or minus the false positive's or false
negative's cost; its mean over the holdout is the value per prediction. The "no model"
baseline treats everyone the same: the better of all positive and all negative.

Regression: the cost of a prediction is the per-unit cost of under-prediction times how
far below the truth it is, or of over-prediction times how far above; the value is minus
the mean cost. The baseline predicts one constant for everyone, the best one: the
quantile of the truth at under / (under + over) (the minimiser of that asymmetric cost).

The interval is a percentile bootstrap (95 %) over the holdout's rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]
CURVE_POINTS = 101  # thresholds 0.00, 0.01, ..., 1.00
RESAMPLES = 2_000
LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Payoffs:
    true_positive: float
    true_negative: float
    false_positive_cost: float
    false_negative_cost: float


@dataclass(frozen=True, slots=True)
class Confusion:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def rows(self) -> int:
        return int(self.cells().sum())

    def cells(self) -> Array:
        return np.array(
            [self.true_positives, self.false_positives, self.false_negatives, self.true_negatives]
        )


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float
    level: float
    resamples: int


def _weights(p: Payoffs) -> Array:
    """Per-row value of each cell, in ``Confusion.cells`` order."""
    return np.array(
        [p.true_positive, -p.false_positive_cost, -p.false_negative_cost, p.true_negative]
    )


def confusion_at(truth: Array, probability: Array, threshold: float) -> Confusion:
    actual, predicted = truth.astype(bool), probability > threshold
    return Confusion(
        true_positives=int(np.sum(actual & predicted)),
        false_positives=int(np.sum(~actual & predicted)),
        false_negatives=int(np.sum(actual & ~predicted)),
        true_negatives=int(np.sum(~actual & ~predicted)),
    )


def value_per_prediction(confusion: Confusion, payoffs: Payoffs) -> float:
    if confusion.rows == 0:
        return 0.0
    return float(confusion.cells() @ _weights(payoffs) / confusion.rows)


def curve(truth: Array, probability: Array, payoffs: Payoffs) -> list[tuple[float, float]]:
    """(threshold, value per prediction) at ``CURVE_POINTS`` evenly spaced thresholds."""
    thresholds = np.round(np.linspace(0.0, 1.0, CURVE_POINTS), 2)
    return [
        (float(t), value_per_prediction(confusion_at(truth, probability, float(t)), payoffs))
        for t in thresholds
    ]


def best(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The curve's highest point; among equal values, the lowest threshold."""
    return max(points, key=lambda point: (point[1], -point[0]))


def classifier_baseline(truth: Array, payoffs: Payoffs) -> tuple[str, float]:
    """The better of treating everyone as positive and everyone as negative."""
    positives = int(np.sum(truth.astype(bool)))
    negatives = len(truth) - positives
    everyone = Confusion(positives, negatives, 0, 0)
    no_one = Confusion(0, 0, positives, negatives)
    options = [
        ("ALL_POSITIVE", value_per_prediction(everyone, payoffs)),
        ("ALL_NEGATIVE", value_per_prediction(no_one, payoffs)),
    ]
    return max(options, key=lambda option: option[1])


def classifier_interval(confusion: Confusion, payoffs: Payoffs, seed: int = 0) -> Interval:
    """Resampling rows with replacement only changes how many land in each cell: a
    multinomial draw of the four counts is the same bootstrap, without the rows."""
    n = confusion.rows
    if n == 0:
        return Interval(0.0, 0.0, LEVEL, 0)
    draws = np.random.default_rng(seed).multinomial(n, confusion.cells() / n, size=RESAMPLES)
    return _percentiles(draws @ _weights(payoffs) / n)


def regression_costs(truth: Array, predicted: Array, under: float, over: float) -> Array:
    """Per-row cost: below the truth costs ``under`` per unit, above it ``over``."""
    error = predicted - truth
    return np.where(error < 0, -error * under, error * over)


def regression_baseline(truth: Array, under: float, over: float) -> tuple[str, float]:
    if under + over == 0 or len(truth) == 0:
        return "CONSTANT", 0.0
    constant = float(np.quantile(truth, under / (under + over)))
    costs = regression_costs(truth, np.full(len(truth), constant), under, over)
    return "CONSTANT", -float(np.mean(costs))


def regression_interval(costs: Array, seed: int = 0) -> Interval:
    n = len(costs)
    if n == 0:
        return Interval(0.0, 0.0, LEVEL, 0)
    rng = np.random.default_rng(seed)
    means = np.array([-costs[rng.integers(0, n, n)].mean() for _ in range(RESAMPLES)])
    return _percentiles(means)


def _percentiles(values: Array) -> Interval:
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval(float(low), float(high), LEVEL, len(values))


def matrix_counts(truth: Array, predicted: Array, classes: int) -> Array:
    """Counts of (actual, predicted) class indexes; rows with an unknown class (-1) left out."""
    known = (truth >= 0) & (predicted >= 0)
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (truth[known], predicted[known]), 1)
    return counts


def matrix_value(counts: Array, values: Array) -> float:
    total = counts.sum()
    return float((counts * values).sum() / total) if total else 0.0


def matrix_baseline(counts: Array, values: Array) -> tuple[str, float]:
    """One class predicted for everyone, the best one."""
    total = counts.sum()
    if not total:
        return "CONSTANT", 0.0
    actual = counts.sum(axis=1)  # rows per actual class
    per_class = actual @ values / total  # the value of predicting column c for everyone
    return "CONSTANT", float(per_class.max())


def matrix_interval(counts: Array, values: Array, seed: int = 0) -> Interval:
    """As ``classifier_interval``: a multinomial draw of the cells is the row bootstrap."""
    n = int(counts.sum())
    if n == 0:
        return Interval(0.0, 0.0, LEVEL, 0)
    flat = counts.ravel() / n
    draws = np.random.default_rng(seed).multinomial(n, flat, size=RESAMPLES)
    return _percentiles(draws @ values.ravel() / n)
