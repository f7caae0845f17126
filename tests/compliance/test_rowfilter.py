"""Finding and dropping the rows that hold a value in a Parquet file, one record batch
at a time: positions across batches, text comparison after trimming, nulls, and no
removed value left behind in a dictionary page or column statistics."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from phantom.kit import rowfilter


def _file(table: pa.Table) -> io.BytesIO:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    sink.seek(0)
    return sink


def test_rows_are_found_across_batches_with_their_positions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rowfilter, "BATCH_ROWS", 7)  # many small batches
    ids = [f"C-{i}" for i in range(50)]
    ids[3] = ids[20] = ids[49] = " C-10023 "
    table = pa.table({"customer_id": ids, "amount": [float(i) for i in range(50)]})
    found = rowfilter.find_rows(_file(table), ["customer_id"], "C-10023", limit=2)
    assert found.row_count == 3, "counted past the limit"
    assert [r["_row"] for r in found.rows] == [3, 20]
    assert found.rows[1] == {"_row": 20, "customer_id": " C-10023 ", "amount": 20.0}


def test_cells_compare_as_trimmed_text_and_nulls_never_match() -> None:
    table = pa.table(
        {
            "n": pa.array([10023, None, 7], pa.int64()),
            "f": pa.array([None, 2.5, float("nan")]),
            "s": pa.array(["10023x", None, "7"]),
        }
    )
    assert rowfilter.find_rows(_file(table), ["n"], "10023", 10).row_count == 1
    assert rowfilter.find_rows(_file(table), ["s"], "10023", 10).row_count == 0
    assert rowfilter.find_rows(_file(table), ["n", "s"], " 7 ", 10).row_count == 1
    assert rowfilter.find_rows(_file(table), ["f"], "", 10).row_count == 0
    found = rowfilter.find_rows(_file(table), ["f"], "2.5", 10)
    assert found.rows == [{"_row": 1, "n": None, "f": 2.5, "s": None}]


def test_rewriting_drops_the_rows_and_leaves_no_trace_of_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rowfilter, "BATCH_ROWS", 4)
    names = ["ann", "bob", "SECRET-CUSTOMER", "carl", "dora", "SECRET-CUSTOMER", "eve"]
    table = pa.table(
        {
            "name": pa.array(names).dictionary_encode(),
            "segment": pa.array(["a", "b", "z-only-secret", "a", "b", "c", "d"]),
        }
    )
    target = io.BytesIO()
    result = rowfilter.rewrite_without(_file(table), target, ["name"], "SECRET-CUSTOMER")
    assert (result.removed, result.kept) == (2, 5)
    data = target.getvalue()
    assert b"SECRET-CUSTOMER" not in data, "not in a dictionary page"
    assert b"z-only-secret" not in data, "nor in the other columns' statistics"
    kept = pq.read_table(io.BytesIO(data))
    assert kept.column("name").to_pylist() == ["ann", "bob", "carl", "dora", "eve"]
    assert kept.schema.names == ["name", "segment"]


def test_rewriting_every_row_away_keeps_the_columns() -> None:
    table = pa.table({"id": ["x", "x"], "v": [1, 2]})
    target = io.BytesIO()
    result = rowfilter.rewrite_without(_file(table), target, ["id"], "x")
    assert (result.removed, result.kept) == (2, 0)
    empty = pq.read_table(io.BytesIO(target.getvalue()))
    assert (empty.num_rows, empty.schema.names) == (0, ["id", "v"])
