"""Issue 10, item 7: decompression bombs. A small Parquet file can describe billions of
rows (one repeated value, RLE/dictionary encoded, zstd) or gigabytes of text (one long
string repeated). Uploads are judged by the footer's row count, column count and sizes
before any data is read, then read in batches with the decoded size counted, so memory
stays bounded even where the metadata cannot tell."""

from __future__ import annotations

import io
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from phantom.datasets import service
from tests.datasets.support import message, stored_files, upload
from tests.support.fixtures import TenantFixture, gql

MiB = 1024 * 1024


def parquet_bytes(table: pa.Table, **options: object) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", **options)
    return sink.getvalue()


def repeated(rows: int, value: str = "x") -> pa.Array:
    """``rows`` copies of one value, built as dictionary indices (1 byte a row here)."""
    indices = pa.nulls(rows, pa.int8()).fill_null(0)
    return pa.DictionaryArray.from_arrays(indices, pa.array([value]))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if not value:
            out.append(low)
            return bytes(out)
        out.append(low | 0x80)


def _i64_field(value: int) -> bytes:
    """A Thrift compact-protocol i64 field one id after the previous one (0x16), as
    ``num_rows`` and ``total_byte_size`` are in the Parquet footer."""
    return b"\x16" + _varint((value << 1) ^ (value >> 63))


def lying_footer(data: bytes, field: str, claimed: int) -> bytes:
    """``data`` with its footer rewritten to claim ``claimed`` for the file's row count
    (``num_rows``) or its row group's uncompressed size (``total_byte_size``)."""
    metadata = pq.ParquetFile(io.BytesIO(data)).metadata
    length = struct.unpack("<I", data[-8:-4])[0]
    start = len(data) - 8 - length
    footer = data[start:-8]
    if field == "num_rows":  # FileMetaData's, the first after the schema
        old = _i64_field(metadata.num_rows)
        at = footer.index(old)
    else:  # RowGroup's, the last one (the column chunk's own size comes before it)
        old = _i64_field(metadata.row_group(0).total_byte_size)
        at = footer.rindex(old)
    footer = footer[:at] + _i64_field(claimed) + footer[at + len(old) :]
    return data[:start] + footer + struct.pack("<I", len(footer)) + b"PAR1"


@contextmanager
def peak_growth() -> Iterator[list[int]]:
    """The largest RSS growth of this process (the API runs in it) while inside."""
    process = psutil.Process()
    start = process.memory_info().rss
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss - start)
            done.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


def limit(monkeypatch: pytest.MonkeyPatch, **limits: int) -> None:
    monkeypatch.setattr(service, "settings", service.settings.model_copy(update=limits))


async def assert_nothing_kept(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    listing = await gql(client, "{ datasets { totalCount } }", headers=tenant.bearer)
    assert listing["data"]["datasets"]["totalCount"] == 0
    assert stored_files(tenant.id) == []


async def test_a_row_count_bomb_is_refused_from_the_footer_before_reading(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: one column of 10,000,001 copies of "x" (the default limit is 10,000,000 rows)
    bomb = parquet_bytes(pa.table({"flag": repeated(10_000_001)}))
    assert len(bomb) < 200_000
    # when
    started = time.monotonic()
    with peak_growth() as peak:
        body = await upload(client, tenant.bearer, bomb, filename="small.parquet")
    # then: refused by its metadata, naming the count and the limit, without reading it
    assert "10,000,001 rows" in message(body), body
    assert "at most 10,000,000" in message(body)
    assert peak[0] < 40 * MiB, f"the API process grew by {peak[0] / MiB:.0f} MiB"
    assert time.monotonic() - started < 5
    await assert_nothing_kept(client, tenant)


THOUSAND = pa.table({"amount": list(range(1000))})


async def test_a_footer_claiming_absurd_rows_is_refused(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    absurd = lying_footer(parquet_bytes(THOUSAND), "num_rows", 2**62)
    body = await upload(client, tenant.bearer, absurd, filename="absurd.parquet")
    assert "4,611,686,018,427,387,904 rows" in message(body), body
    await assert_nothing_kept(client, tenant)


async def test_a_footer_claiming_negative_rows_is_refused_as_damaged(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    negative = lying_footer(parquet_bytes(THOUSAND), "num_rows", -5)
    body = await upload(client, tenant.bearer, negative, filename="negative.parquet")
    assert "damaged" in message(body), body
    await assert_nothing_kept(client, tenant)


async def test_a_footer_claiming_an_absurd_uncompressed_size_is_refused(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    absurd = lying_footer(parquet_bytes(THOUSAND), "total_byte_size", 2**50)
    body = await upload(client, tenant.bearer, absurd, filename="absurd.parquet")
    assert "this file takes 1048576.0 GiB" in message(body), body  # 2**50 bytes
    await assert_nothing_kept(client, tenant)


async def test_a_footer_understating_its_rows_is_caught_while_reading(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a limit of 500 rows, and a footer claiming 100 rows for a file holding 1,000
    limit(monkeypatch, DATASET_MAX_ROWS=500)
    understated = lying_footer(parquet_bytes(THOUSAND), "num_rows", 100)
    assert pq.ParquetFile(io.BytesIO(understated)).metadata.num_rows == 100
    # when
    body = await upload(client, tenant.bearer, understated, filename="liar.parquet")
    # then: the rows are counted as they are read
    assert "more than 500 rows" in message(body), body
    await assert_nothing_kept(client, tenant)


async def test_a_file_whose_uncompressed_size_is_over_the_limit_is_refused_before_reading(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: 4 Mi zeros stored plain (32 MiB uncompressed, a few KiB with zstd)
    limit(monkeypatch, DATASET_MAX_UNCOMPRESSED_BYTES=16 * MiB)
    zeros = pa.table({"amount": pa.nulls(4 * MiB, pa.int64()).fill_null(0)})
    bomb = parquet_bytes(zeros, use_dictionary=False)
    assert len(bomb) < 1 * MiB
    # when
    body = await upload(client, tenant.bearer, bomb, filename="zeros.parquet")
    # then
    text = message(body)
    assert "at most 16.0 MiB once uncompressed; this file takes 32.0 MiB" in text, body
    await assert_nothing_kept(client, tenant)


async def test_a_huge_string_column_is_refused_while_reading_with_bounded_memory(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: 100,000 rows of one 4 KiB string: a small file whose footer (a 4 KiB
    # dictionary and RLE indices) says little; decoded, it is 400 MiB of text
    limit(monkeypatch, DATASET_MAX_UNCOMPRESSED_BYTES=32 * MiB)
    bomb = parquet_bytes(pa.table({"note": repeated(100_000, "y" * 4096)}))
    assert len(bomb) < 1 * MiB
    # when
    with peak_growth() as peak:
        body = await upload(client, tenant.bearer, bomb, filename="notes.parquet")
    # then: refused once the decoded size passes the limit, long before 400 MiB
    text = message(body)
    assert "at most 32.0 MiB once uncompressed; this file takes more than that" in text, body
    assert peak[0] < 150 * MiB, f"the API process grew by {peak[0] / MiB:.0f} MiB"
    await assert_nothing_kept(client, tenant)


async def test_too_many_parquet_columns_are_refused_before_reading(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(monkeypatch, DATASET_MAX_COLUMNS=3)
    wide = pa.table({f"c{i}": [1, 2] for i in range(4)})
    body = await upload(client, tenant.bearer, parquet_bytes(wide), filename="wide.parquet")
    assert "The file has 4 columns; at most 3 are allowed" in message(body), body
    await assert_nothing_kept(client, tenant)


async def test_a_nested_column_is_refused_before_reading(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a list column whose lists hold 1,000 items each: nested data is refused by the
    # schema in the footer, whatever it would decode to
    nested = pa.table({"id": [1, 2], "tags": [list(range(1000)), list(range(1000))]})
    body = await upload(client, tenant.bearer, parquet_bytes(nested), filename="nested.parquet")
    assert "Column 'tags' has the nested type" in message(body), body
    await assert_nothing_kept(client, tenant)


async def test_a_csv_over_the_row_limit_is_refused_while_streaming(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a limit of 1,000 rows and a CSV of 5,000
    limit(monkeypatch, DATASET_MAX_ROWS=1000)
    csv = b"a,b\n" + b"1,2\n" * 5000
    # when
    body = await upload(client, tenant.bearer, csv)
    # then: the message names the line where the limit was passed
    text = message(body)
    assert "more than 1,000 rows" in text, body
    assert "line 1002" in text
    await assert_nothing_kept(client, tenant)


async def test_a_parquet_file_under_the_limits_is_still_accepted(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    table = pa.table(
        {
            "city": pa.array(["Lyon", "Oslo", "Lyon"]).dictionary_encode(),
            "amount": [1.5, 2.5, None],
            "note": ["a", None, "c" * 100],
        }
    )
    body = await upload(client, tenant.bearer, parquet_bytes(table), filename="ok.parquet")
    assert "errors" not in body, body
    dataset = body["data"]["uploadDataset"]
    assert (dataset["status"], dataset["rowCount"], dataset["columnCount"]) == ("READY", 3, 3)
