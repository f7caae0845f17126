"""From uploaded bytes to a validated Arrow table and a Parquet file.

Synchronous and CPU-bound: the service runs it in a thread. Every refusal is an
``InvalidDataset`` whose message says what is wrong and where (line, column, byte), so a
person can fix the file. CSV is checked by Python's ``csv`` module first (exact line
numbers for ragged rows and bad quoting), then parsed by Arrow for the column types.

Memory is bounded by the limits, not by the file: a CSV's rows are counted while it
streams through the check; a Parquet file (compressed, so a few KiB can describe billions
of rows) is judged by its footer (rows, columns, schema, uncompressed size) before any
data is read, then read in batches whose decoded size is counted before it is built.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from phantom.datasets.errors import InvalidDataset, UploadTooLarge, human_size

CHUNK = 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 64 * 1024
SNIFF_ROWS = 20
MAX_FIELD_BYTES = 16 * 1024 * 1024
BOM = codecs.BOM_UTF8
PARQUET_MAGIC = b"PAR1"
# well-known binary formats people rename to .csv, and what to tell them
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3", "an SQLite database"),
)
TEXT_NOT_CSV = (
    ("<!doctype html", "an HTML page"),
    ("<html", "an HTML page"),
    ("<?xml", "an XML document"),
    ("{", "a JSON document"),
)
FIX = "Export the data as CSV (UTF-8) or Parquet and upload that."

csv.field_size_limit(MAX_FIELD_BYTES)


PARQUET_BATCH_BYTES = 16 * 1024 * 1024  # fixed-width bytes per batch read


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_columns: int
    max_rows: int
    max_uncompressed_bytes: int  # decoded, in memory


@dataclass(frozen=True, slots=True)
class Spooled:
    path: Path
    size_bytes: int
    content_hash: str  # "sha256:<hex>"


@dataclass(frozen=True, slots=True)
class Ingested:
    table: pa.Table
    source_format: str  # "csv" | "parquet"
    parquet_path: Path


def spool(source: IO[bytes], target: Path, max_bytes: int) -> Spooled:
    """Copy the upload to ``target`` in chunks, hashing it and refusing it as soon as it
    passes ``max_bytes`` (the request body was already capped while it streamed in)."""
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(max_bytes)
            digest.update(chunk)
            out.write(chunk)
    return Spooled(target, size, f"sha256:{digest.hexdigest()}")


def ingest(spooled: Spooled, filename: str, workdir: Path, limits: Limits) -> Ingested:
    """Validate and parse the upload, and write it as Parquet into ``workdir``."""
    if spooled.size_bytes == 0:
        raise InvalidDataset("The file is empty: upload a CSV with a header row and data rows.")
    with spooled.path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if head.startswith(PARQUET_MAGIC):
        table, source_format = read_parquet(spooled.path, limits), "parquet"
    elif filename.lower().endswith((".parquet", ".pq")):
        raise InvalidDataset(
            "This file is named like Parquet but is not a Parquet file (no PAR1 header). " + FIX
        )
    else:
        refuse_non_tabular(head)
        table, source_format = read_csv(spooled.path, head, limits), "csv"
    check_columns([str(name) for name in table.column_names], limits)
    table = flat_columns(table)
    if table.num_rows == 0:
        raise InvalidDataset("The file has a header but no rows: add at least one data row.")
    out = workdir / "data.parquet"
    pq.write_table(table, out, compression="zstd")
    return Ingested(table=table, source_format=source_format, parquet_path=out)


# --- CSV -------------------------------------------------------------------------------


def refuse_non_tabular(head: bytes) -> None:
    for magic, what in SIGNATURES:
        if head.startswith(magic):
            raise InvalidDataset(f"This file is {what}, not a CSV. {FIX}")
    if b"\x00" in head:
        position = head.index(b"\x00")
        raise InvalidDataset(
            f"This is a binary file, not a CSV (a NUL byte at byte {position}). {FIX}"
        )
    text = head.removeprefix(BOM).decode("utf-8", errors="ignore").lstrip().lower()
    if not text:
        raise InvalidDataset("The file is empty: upload a CSV with a header row and data rows.")
    for prefix, what in TEXT_NOT_CSV:
        if text.startswith(prefix):
            raise InvalidDataset(f"This file is {what}, not a CSV. {FIX}")


def check_utf8(path: Path) -> None:
    """Refuse bytes that are not UTF-8, naming the first bad byte's offset."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as f:
        while True:
            chunk = f.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                position = offset + error.start - len(decoder.getstate()[0])
                raise InvalidDataset(
                    f"The file is not UTF-8 at byte {max(position, 0)}: save it as UTF-8 "
                    "(in Excel: 'CSV UTF-8'), or export it as Parquet."
                ) from None
            if not chunk:
                return
            offset += len(chunk)


def sniff_delimiter(head: bytes) -> str:
    """The delimiter among , ; tab | that splits the first rows into the same number of
    fields (more than one), preferring the one giving the most fields."""
    text = head.removeprefix(BOM).decode("utf-8", errors="ignore")
    if len(head) >= SNIFF_BYTES and "\n" in text:
        text = text[: text.rindex("\n")]  # no partial last row
    best, best_score = ",", (False, 1)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        except csv.Error:
            continue
        rows = rows[:SNIFF_ROWS]
        if not rows:
            continue
        width = len(rows[0])
        score = (all(len(r) == width for r in rows), width)
        if width > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _text_lines(path: Path) -> Iterator[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        yield from f


def validate_csv(path: Path, delimiter: str, limits: Limits) -> list[str]:
    """One pass with Python's csv module: header rules, then every row's field count."""
    reader = csv.reader(_text_lines(path), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        while header is not None and not header:
            header = next(reader, None)  # leading blank lines
        if header is None:
            raise InvalidDataset("The file is empty: upload a CSV with a header row and data rows.")
        check_columns(header, limits)
        width, rows = len(header), 0
        for row in reader:
            if not row:
                continue  # blank line
            rows += 1
            if rows > limits.max_rows:
                raise too_many_rows(f"more than {limits.max_rows:,}", limits, reader.line_num)
            if len(row) != width:
                raise InvalidDataset(
                    f"Line {reader.line_num} has {len(row)} field{'s' * (len(row) != 1)}, "
                    f"the header has {width}: check the delimiter "
                    f"({_delimiter_name(delimiter)}) and the quoting on that line."
                )
    except csv.Error as error:
        raise InvalidDataset(
            f"Line {reader.line_num}: {error}. Quote fields that contain the delimiter, "
            'quotes or line breaks, and double the quotes inside them ("").'
        ) from None
    if rows == 0:
        raise InvalidDataset("The file has a header but no rows: add at least one data row.")
    return header


def _delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]


def read_csv(path: Path, head: bytes, limits: Limits) -> pa.Table:
    check_utf8(path)
    delimiter = sniff_delimiter(head)
    header = validate_csv(path, delimiter, limits)
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(block_size=16 * 1024 * 1024),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(strings_can_be_null=True),
        )
    except pa.ArrowInvalid as error:
        reason = str(error).split("\n", 1)[0][:300]
        raise InvalidDataset(f"The CSV could not be parsed: {reason}. {FIX}") from None
    if table.num_columns != len(header):  # both parsers read the same rows; be sure
        raise InvalidDataset(f"The CSV header could not be read consistently. {FIX}")
    if table.nbytes > limits.max_uncompressed_bytes:  # bounded by the file's size anyway
        raise too_large_in_memory(limits)
    return table.rename_columns(header)


# --- Parquet and both ------------------------------------------------------------------


def too_many_rows(count: str, limits: Limits, line: int | None = None) -> InvalidDataset:
    where = f" (passed at line {line})" if line is not None else ""
    return InvalidDataset(
        f"The file has {count} rows{where}; at most {limits.max_rows:,} are allowed. Upload "
        "a sample, or split the data."
    )


def too_large_in_memory(limits: Limits, claimed: int | None = None) -> InvalidDataset:
    allowed = human_size(limits.max_uncompressed_bytes)
    size = f"takes {human_size(claimed)}" if claimed is not None else "takes more than that"
    return InvalidDataset(
        f"Datasets may take at most {allowed} once uncompressed; this file {size}. Upload "
        "a sample, or fewer or shorter columns."
    )


def damaged(reason: object) -> InvalidDataset:
    text = str(reason).split("\n", 1)[0][:300]
    return InvalidDataset(
        f"This Parquet file is damaged or unreadable ({text}). Export it again, or upload a CSV."
    )


def read_parquet(path: Path, limits: Limits) -> pa.Table:
    """Footer first (nothing decoded yet), then batches: text columns are read as
    dictionaries, so a batch's decoded size is known before it is built."""
    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
        text = [f.name for f in schema if _is_text(f.type)]
        if text:
            parquet = pq.ParquetFile(path, read_dictionary=text)
        row_width = check_parquet_metadata(parquet.metadata, schema, limits)
        batch_rows = max(1, min(64 * 1024, PARQUET_BATCH_BYTES // max(row_width, 1)))
        batches, rows, size = [], 0, 0
        for batch in parquet.iter_batches(batch_size=batch_rows, use_threads=False):
            rows += batch.num_rows
            if rows > limits.max_rows:  # the footer understated its rows
                raise too_many_rows(f"more than {limits.max_rows:,}", limits)
            size += _decoded_size(batch)
            if size > limits.max_uncompressed_bytes:
                raise too_large_in_memory(limits)
            batches.append(_decoded(batch))
    except (pa.ArrowException, OSError) as error:
        raise damaged(error) from None
    if not batches:
        return _decoded_schema(schema).empty_table()
    return pa.Table.from_batches(batches)


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def check_parquet_metadata(metadata: pq.FileMetaData, schema: pa.Schema, limits: Limits) -> int:
    """Refuse from the footer alone; returns the fixed-width bytes of one row."""
    check_columns(list(schema.names), limits)
    check_flat(schema)
    if metadata.num_rows < 0:
        raise damaged(f"the footer claims {metadata.num_rows} rows")
    if metadata.num_rows > limits.max_rows:
        raise too_many_rows(f"{metadata.num_rows:,}", limits)
    claimed = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if claimed > limits.max_uncompressed_bytes or claimed < 0:
        raise too_large_in_memory(limits, claimed)
    row_width = sum(_fixed_width(f.type) for f in schema)
    if metadata.num_rows * row_width > limits.max_uncompressed_bytes:
        raise too_large_in_memory(limits, metadata.num_rows * row_width)
    return row_width


def _fixed_width(kind: pa.DataType) -> int:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    try:
        return max(int(kind.bit_width) // 8, 1)
    except ValueError:  # variable width: counted batch by batch
        return 0


def _decoded_size(batch: pa.RecordBatch) -> int:
    """The batch's size once dictionaries are decoded, computed from the indices and the
    dictionary's value lengths (a short dictionary can stand for gigabytes of text)."""
    size = 0
    for column in batch.columns:
        if not isinstance(column, pa.DictionaryArray):
            size += column.nbytes
        elif _is_text(column.type.value_type):
            lengths = pc.binary_length(column.dictionary)
            text = pc.sum(pc.take(lengths, column.indices)).as_py() or 0
            size += int(text) + 4 * len(column)  # the values and their offsets
        else:
            size += len(column) * _fixed_width(column.type.value_type)
    return size


def _decoded(batch: pa.RecordBatch) -> pa.RecordBatch:
    columns = [
        column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
        for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, schema=_decoded_schema(batch.schema))


def _decoded_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema]
    )


def check_flat(schema: pa.Schema) -> None:
    for field in schema:
        if pa.types.is_nested(field.type):
            raise InvalidDataset(
                f"Column '{field.name[:100]}' has the nested type {field.type}: only flat "
                "columns (numbers, text, booleans, dates) are supported. Flatten it first."
            )


def check_columns(names: list[str], limits: Limits) -> None:
    if len(names) > limits.max_columns:
        raise InvalidDataset(
            f"The file has {len(names)} columns; at most {limits.max_columns} are allowed. "
            "Drop the columns you do not need."
        )
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name.strip():
            raise InvalidDataset(
                f"Column {position} has no name: give every column a name in the header row."
            )
        if name in seen:
            raise InvalidDataset(
                f"The column name '{name[:100]}' appears twice (columns {seen[name]} and "
                f"{position}): column names must be unique."
            )
        seen[name] = position


def flat_columns(table: pa.Table) -> pa.Table:
    """Dictionary-encoded columns (pandas categoricals) are decoded; nested ones refused."""
    check_flat(table.schema)
    for index, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            decoded = table.column(index).cast(field.type.value_type)
            table = table.set_column(index, field.name, decoded)
    return table
