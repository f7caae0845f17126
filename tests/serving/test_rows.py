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
