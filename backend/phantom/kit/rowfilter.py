"""Finding and removing the rows of a Parquet file that hold a value (data subject
requests: a customer's identifier in a dataset or a prediction-log batch).

Bounded memory: the file is read one record batch at a time (``BATCH_ROWS`` rows), so
a large dataset costs one batch of memory, not the table. A cell matches when its text
(the cell cast to a string, trimmed, in Unicode NFC) equals the trimmed value in NFC
(a name exported decomposed, NFD, is the same text typed composed); nulls never match.
Callers choose which columns to compare (by name)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

BATCH_ROWS = 65_536


@dataclass(frozen=True, slots=True)
class Found:
    row_count: int
    rows: list[dict[str, Any]]  # at most the limit, each with ``_row`` (0-based position)


@dataclass(frozen=True, slots=True)
class Rewritten:
    removed: int
    kept: int


def column_names(source: IO[bytes]) -> list[str]:
    return list(pq.ParquetFile(source).schema_arrow.names)


def _mask(batch: pa.RecordBatch, columns: Sequence[str], value: str) -> pa.Array:
    mask = pa.array([False] * batch.num_rows, pa.bool_())
    for name in columns:
        array = batch.column(batch.schema.get_field_index(name))
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        try:
            text = pc.cast(array, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            text = pa.array([None if v is None else str(v) for v in array.to_pylist()], pa.string())
        trimmed = pc.utf8_trim_whitespace(text)
        equal = pc.fill_null(pc.equal(trimmed, value), False)
        mask = pc.or_(pc.or_(mask, equal), _normalized_equal(trimmed, value))
    return mask


def _normalized_equal(trimmed: pa.Array, value: str) -> pa.Array:
    """Cells equal to ``value`` (NFC) only once in NFC themselves: a name exported
    decomposed, or a compatibility singleton such as the Kelvin sign. Only non-ASCII cells
    can differ from their NFC (ASCII is its own normal form), so only they are
    normalized, in Python (Arrow's ``utf8_normalize`` is not built into every wheel)."""
    outside = pc.fill_null(pc.invert(pc.string_is_ascii(trimmed)), False)
    flags = [False] * len(trimmed)
    positions = pc.indices_nonzero(outside).to_pylist()
    if positions:
        cells = pc.take(trimmed, pa.array(positions, pa.int64())).to_pylist()
        for position, cell in zip(positions, cells, strict=True):
            flags[position] = unicodedata.normalize("NFC", cell) == value
    return pa.array(flags, pa.bool_())


def find_rows(source: IO[bytes], columns: Sequence[str], value: str, limit: int) -> Found:
    """The rows (all their columns, JSON-safe) whose ``columns`` hold ``value``."""
    value = comparable(value)
    parquet = pq.ParquetFile(source)
    count, offset = 0, 0
    rows: list[dict[str, Any]] = []
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
        mask = _mask(batch, columns, value)
        hits = pc.sum(mask).as_py() or 0
        if hits:
            positions = pc.indices_nonzero(mask).to_pylist()
            for position, row in zip(positions, batch.filter(mask).to_pylist(), strict=True):
                if len(rows) < limit:
                    rows.append(
                        {"_row": offset + position, **{k: plain(v) for k, v in row.items()}}
                    )
            count += hits
        offset += batch.num_rows
    return Found(count, rows)


def rewrite_without(
    source: IO[bytes], target: IO[bytes], columns: Sequence[str], value: str
) -> Rewritten:
    """Copy ``source`` to ``target`` without the rows whose ``columns`` hold ``value``
    (same columns; an empty file keeps them). Dictionary columns are written decoded (the
    writer encodes them afresh): a filtered dictionary array still carries the removed
    values in its dictionary, and so would the file."""
    value = comparable(value)
    parquet = pq.ParquetFile(source)
    schema = pa.schema(
        [
            pa.field(f.name, f.type.value_type, f.nullable, f.metadata)
            if pa.types.is_dictionary(f.type)
            else f
            for f in parquet.schema_arrow
        ],
        metadata=parquet.schema_arrow.metadata,
    )
    removed = kept = 0
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
            mask = _mask(batch, columns, value)
            keep = _decoded(batch.filter(pc.invert(mask)), schema)
            removed += batch.num_rows - keep.num_rows
            kept += keep.num_rows
            if keep.num_rows:
                writer.write_batch(keep)
    return Rewritten(removed, kept)


def comparable(value: str) -> str:
    """The searched value as cells are compared: trimmed, in NFC."""
    return unicodedata.normalize("NFC", value.strip())


def _decoded(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    arrays = [a.dictionary_decode() if pa.types.is_dictionary(a.type) else a for a in batch.columns]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def plain(value: Any) -> Any:
    """A cell as JSON can hold it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
