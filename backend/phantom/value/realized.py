"""Realized value: the same arithmetic as the holdout's (``value/compute.py``), on what
actually happened to production predictions (monitoring's outcomes, ``recordOutcomes``),
per UTC day the predictions were made in. The label counted is the one predict answered
(at the serving threshold of the time), never recomputed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from phantom.value import compute

REALIZED_DAYS = 30


@dataclass(frozen=True, slots=True)
class RealizedWindow:
    window_start: datetime  # midnight UTC
    predictions: int  # with an outcome
    value_per_prediction: float
    confusion: compute.Confusion | None  # classifiers


def _day(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


def classifier(
    outcomes: list[tuple[datetime, str, Any]], positive: str, payoffs: compute.Payoffs
) -> list[RealizedWindow]:
    counts: dict[datetime, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for at, actual, predicted in outcomes:
        if predicted is None:
            continue
        truth, guess = actual == positive, str(predicted) == positive
        # cells in Confusion order: TP, FP, FN, TN
        cell = 0 if truth and guess else 1 if guess else 2 if truth else 3
        counts[_day(at)][cell] += 1
    windows = []
    for day, cells in sorted(counts.items()):
        confusion = compute.Confusion(*cells)
        windows.append(
            RealizedWindow(
                day, confusion.rows, compute.value_per_prediction(confusion, payoffs), confusion
            )
        )
    return windows


def regression(
    outcomes: list[tuple[datetime, str, Any]], under: float, over: float
) -> list[RealizedWindow]:
    pairs: dict[datetime, list[tuple[float, float]]] = defaultdict(list)
    for at, actual, predicted in outcomes:
        if isinstance(predicted, int | float):
            pairs[_day(at)].append((float(actual), float(predicted)))
    windows = []
    for day, rows in sorted(pairs.items()):
        truth, guess = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
        cost = compute.regression_costs(truth, guess, under, over)
        windows.append(RealizedWindow(day, len(rows), -float(np.mean(cost)), None))
    return windows


def multiclass(
    outcomes: list[tuple[datetime, str, Any]], classes: list[str], values: np.ndarray[Any, Any]
) -> list[RealizedWindow]:
    index = {name: i for i, name in enumerate(classes)}
    counts: dict[datetime, np.ndarray[Any, Any]] = {}
    for at, actual, predicted in outcomes:
        row, column = index.get(actual), index.get(str(predicted))
        if row is None or column is None:
            continue
        day = _day(at)
        if day not in counts:
            counts[day] = np.zeros((len(classes), len(classes)), dtype=int)
        counts[day][row, column] += 1
    return [
        RealizedWindow(day, int(c.sum()), compute.matrix_value(c, values), None)
        for day, c in sorted(counts.items())
    ]
