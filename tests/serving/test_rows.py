"""Rows checked against a version's input schema (serving/rows.py): the fast numeric path
gives the same values as the cell-by-cell one and refuses the same hostile input, with a
message naming the row and column, never a 500."""

from __future__ import annotations

import math

import numpy as np
import pytest

from phantom.kit.errors import BadUserInput
from phantom.serving.rows import frame, rows_to_columns

FEATURES = [
    {"name": "amount", "dtype": "float64"},
    {"name": "count", "dtype": "int64"},
    {"name": "channel", "dtype": "object"},
    {"name": "active", "dtype": "bool"},
]


def test_plain_numbers_nulls_and_numeric_text_are_accepted() -> None:
    rows = [
        {"amount": 1.5, "count": 3, "channel": "web", "active": True},
        {"amount": None, "channel": "app", "active": "no"},  # count missing: a null
        {"amount": " 2.25 ", "count": "7", "channel": 12, "active": 1},
    ]
    columns, count = rows_to_columns(rows, FEATURES)
    assert count == 3
    np.testing.assert_array_equal(columns["amount"], [1.5, math.nan, 2.25])
    np.testing.assert_array_equal(columns["count"], [3.0, math.nan, 7.0])
    assert columns["channel"] == ["web", "app", "12"]
    assert columns["active"] == [True, False, True]
    built = frame([columns, columns], FEATURES)
    assert len(built) == 6
    assert str(built["amount"].dtype) == "float64"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "got true/false"),
        (10**400, "finite number"),
        (float("nan"), "finite number"),
        (float("inf"), "finite number"),
        ("inf", "finite number"),
        ("NaN", "finite number"),
        ("12 apples", "expected a number, got '12 apples'"),
        ({"nested": 1}, "single value"),
        ([1, 2], "single value"),
    ],
)
def test_hostile_numbers_are_refused_naming_row_and_column(value: object, message: str) -> None:
    rows = [{"amount": 1.0}, {"amount": 2.0}, {"amount": value}]
    with pytest.raises(BadUserInput) as refused:
        rows_to_columns(rows, FEATURES)
    assert refused.value.message.startswith("Row 3, column 'amount'")
    assert message in refused.value.message


def test_a_row_that_is_not_an_object_is_refused_whatever_the_features() -> None:
    """The complete-rows fast path must not take a list or text of the right length."""
    for features in (FEATURES, [{"name": "channel", "dtype": "object"}]):
        width = len(features)
        for row in (list(range(width)), "x" * width, None, 7):
            with pytest.raises(BadUserInput) as refused:
                rows_to_columns([{}, row], features)
            assert refused.value.message == "Row 2 must be an object of column: value."


def test_complete_and_partial_rows_give_the_same_numbers() -> None:
    complete = [{"amount": 2.5, "count": 1, "channel": "web", "active": True}] * 3
    partial = [{"amount": 2.5, "count": 1, "channel": "web", "active": True}] * 2 + [
        {"amount": 2.5, "count": 1, "channel": "web"}
    ]
    fast, _ = rows_to_columns(complete, FEATURES)
    slow, _ = rows_to_columns(partial, FEATURES)
    np.testing.assert_array_equal(fast.numbers, slow.numbers)
    assert fast["channel"] == slow["channel"]
    assert slow["active"] == [True, True, None]


def test_an_unknown_column_is_refused_even_when_every_feature_is_there() -> None:
    row = {"amount": 1.0, "count": 2, "channel": "web", "active": True, "amuont": 3}
    with pytest.raises(BadUserInput, match="Row 1 has unknown column 'amuont'"):
        rows_to_columns([row], FEATURES)
