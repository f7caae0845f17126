"""The profiling rules, as pure functions over Arrow tables built here."""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa

from phantom.datasets.profiling import profile_table


def types_of(table: pa.Table) -> dict[str, str]:
    return {c["name"]: c["type"] for c in profile_table(table)["columns"]}


def test_type_rules() -> None:
    n = 120
    table = pa.table(
        {
            "account_id": list(range(n)),
            "amount": list(range(n)),  # unique integers, but not named like an id
            "ref": [f"R-{i:05d}" for i in range(n)],
            "flag01": [i % 2 for i in range(n)],
            "yes_no": ["Yes" if i % 3 else "no" for i in range(n)],
            "day": [f"{1 + i % 28:02d}/03/2024" for i in range(n)],
            "grade": [["A", "B", "C"][i % 3] for i in range(n)],
            "review": [f"customer number {i} wrote a long comment" for i in range(n)],
            "empty": pa.nulls(n, pa.string()),
        }
    )
    assert types_of(table) == {
        "account_id": "ID",
        "amount": "NUMERIC",
        "ref": "ID",
        "flag01": "BOOLEAN",
        "yes_no": "BOOLEAN",
        "day": "DATETIME",
        "grade": "CATEGORICAL",
        "review": "TEXT",
        "empty": "CATEGORICAL",
    }


def test_missing_values_and_statistics() -> None:
    table = pa.table({"x": [1.0, None, float("nan"), 3.0], "s": ["a", "", None, "a"]})
    x, s = profile_table(table)["columns"]
    assert (x["missing_count"], x["missing_percent"], x["distinct_count"]) == (2, 50.0, 2)
    assert (x["min"], x["max"], x["mean"]) == (1.0, 3.0, 2.0)
    assert abs(x["std"] - 2**0.5) < 1e-12
    assert [b["count"] for b in x["histogram"]] == [1] + [0] * 18 + [1]
    assert (s["missing_count"], s["top_values"]) == (2, [{"value": "a", "count": 2}])


def test_suggested_targets_are_ranked_with_reasons() -> None:
    n = 100
    table = pa.table(
        {
            "is_fraud": [i % 7 == 0 for i in range(n)],
            "segment": [["a", "b", "c", "d"][i % 4] for i in range(n)],
            "balance": [float(i) * 1.5 for i in range(n)],
            "customer_id": list(range(n)),
        }
    )
    targets = profile_table(table)["suggested_targets"]
    assert [(t["column"], t["task_type"]) for t in targets] == [
        ("is_fraud", "BINARY"),
        ("segment", "MULTICLASS"),
        ("balance", "REGRESSION"),
    ]
    assert targets[0]["reason"].startswith("named like a target")


def test_deterministic_and_fast_on_100k_rows() -> None:
    rng = np.random.default_rng(7)
    n = 100_000
    table = pa.table(
        {
            "id": np.arange(n),
            "x": rng.normal(size=n),
            "city": rng.choice([f"c{i}" for i in range(30)], n),
            "note": [f"free text {i} {i * 7}" for i in range(n)],
            "label": rng.integers(0, 2, n),
        }
    )
    started = time.perf_counter()
    first = profile_table(table)
    elapsed = time.perf_counter() - started
    assert first == profile_table(table)
    assert elapsed < 5, elapsed


def suggested(columns: dict[str, list[object]]) -> list[str]:
    return [t["column"] for t in profile_table(pa.table(columns))["suggested_targets"]]


def test_a_loan_book_suggests_its_outcome_never_its_term() -> None:
    # the reported case: term_months (a few whole values, the last column) came first
    n = 200
    columns: dict[str, list[object]] = {
        "loan_id": [f"L{i:05d}" for i in range(n)],
        "amount": [1000.0 + 37.5 * i for i in range(n)],
        "age": [20 + i % 50 for i in range(n)],
        "income": [30000.0 + 411.0 * i for i in range(n)],
        "defaulted": ["yes" if i % 9 == 0 else "no" for i in range(n)],
        "term_months": [[12, 24, 36, 60][i % 4] for i in range(n)],
    }
    found = suggested(columns)
    assert found[0] == "defaulted"
    assert not {"term_months", "age", "loan_id"} & set(found)


def test_binary_columns_come_before_numbers_and_durations_are_skipped() -> None:
    n = 150
    columns: dict[str, list[object]] = {
        "tenure": [i % 72 for i in range(n)],
        "monthly_charges": [20.0 + 0.7 * i for i in range(n)],
        "contract": [["month-to-month", "one year", "two year"][i % 3] for i in range(n)],
        "paperless": [bool(i % 2) for i in range(n)],
        "days_since_signup": [i * 3 for i in range(n)],
        "customerNumber": [i % 140 for i in range(n)],
    }
    found = suggested(columns)
    # no column is named like an outcome: the two-valued one leads
    assert found[0] == "paperless"
    assert not {"tenure", "days_since_signup", "customerNumber"} & set(found)
    assert "monthly_charges" in found


def test_outcome_names_win_whatever_their_position() -> None:
    n = 120
    columns: dict[str, list[object]] = {
        "churn": [i % 5 == 0 for i in range(n)],
        "region": [["north", "south", "east"][i % 3] for i in range(n)],
        "mileage": [float(i) * 2.5 for i in range(n)],
        "y": [float(i % 17) * 1.1 for i in range(n)],
    }
    found = suggested(columns)
    assert found[:2] == ["churn", "y"]
    # "mileage" holds "age" only inside a word: still a candidate
    assert "mileage" in found
