"""Uploads through the real ASGI app: CSV dialects, Parquet, what is stored and profiled."""

from __future__ import annotations

import hashlib
import io
import uuid

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from phantom.datasets import service
from phantom.db import transaction
from phantom.kit.storage import get_store
from tests.datasets.support import stored_files, upload
from tests.support.fixtures import TenantFixture, gql

CHURN = (
    "customer_id,age,plan,signed_up,active,churn\n"
    + "".join(
        f"C{i:04d},{20 + i % 50},{['basic', 'pro', 'team'][i % 3]},"
        f"2024-01-{1 + i % 28:02d},{'yes' if i % 2 else 'no'},{i % 5 == 0}\n"
        for i in range(200)
    )
).encode()


async def test_a_csv_becomes_a_profiled_parquet_dataset(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await upload(client, tenant.bearer, CHURN, filename="churn.csv")
    assert "errors" not in body, body
    dataset = body["data"]["uploadDataset"]
    assert dataset["status"] == "READY"
    assert dataset["sourceFormat"] == "csv"
    assert dataset["originalFilename"] == "churn.csv"
    assert dataset["sizeBytes"] == len(CHURN)
    assert dataset["contentHash"] == "sha256:" + hashlib.sha256(CHURN).hexdigest()
    assert (dataset["rowCount"], dataset["columnCount"]) == (200, 6)
    assert dataset["createdBy"] == tenant.admin_email.split("@")[0]
    columns = {c["name"]: c for c in dataset["profile"]["columns"]}
    assert {n: c["type"] for n, c in columns.items()} == {
        "customer_id": "ID",
        "age": "NUMERIC",
        "plan": "CATEGORICAL",
        "signed_up": "DATETIME",
        "active": "BOOLEAN",
        "churn": "BOOLEAN",
    }
    age = columns["age"]
    assert (age["min"], age["max"], age["distinctCount"], age["missingCount"]) == (20, 69, 50, 0)
    assert len(age["histogram"]) == 20
    assert sum(b["count"] for b in age["histogram"]) == 200
    assert columns["plan"]["topValues"] == [
        {"value": "basic", "count": 67},
        {"value": "pro", "count": 67},
        {"value": "team", "count": 66},
    ]
    assert (columns["signed_up"]["minText"], columns["signed_up"]["maxText"]) == (
        "2024-01-01",
        "2024-01-28",
    )
    best = dataset["profile"]["suggestedTargets"][0]
    assert (best["column"], best["taskType"]) == ("churn", "BINARY")
    assert "named like a target" in best["reason"]
    # stored as Parquet under the tenant's prefix, with the same rows
    (path,) = stored_files(tenant.id)
    assert path.name == f"{dataset['id']}.parquet"
    assert pq.read_table(path).num_rows == 200


async def test_delimiters_quotes_and_bom(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    for delimiter in (",", ";", "\t", "|"):
        text = (
            f"name{delimiter}note{delimiter}amount\n"
            f'"Smith{delimiter} Jane"{delimiter}"said ""hi""\nthen left"{delimiter}1.5\n'
            f"Doe{delimiter}plain{delimiter}2.5\n"
        )
        content = b"\xef\xbb\xbf" + text.encode()
        body = await upload(client, tenant.bearer, content)
        assert "errors" not in body, (delimiter, body)
        dataset = body["data"]["uploadDataset"]
        assert dataset["columnCount"] == 3, delimiter
        columns = {c["name"]: c for c in dataset["profile"]["columns"]}
        assert set(columns) == {"name", "note", "amount"}  # the BOM is not in the name
        assert {"value": f"Smith{delimiter} Jane", "count": 1} in columns["name"]["topValues"]
        assert {"value": 'said "hi"\nthen left', "count": 1} in columns["note"]["topValues"]
        assert columns["amount"]["mean"] == 2.0


async def test_parquet_upload(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    table = pa.table({"x": [1.0, 2.0, None, 4.0], "label": ["a", "b", "a", "c"]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    body = await upload(client, tenant.bearer, buffer.getvalue(), filename="t.parquet")
    assert "errors" not in body, body
    dataset = body["data"]["uploadDataset"]
    assert (dataset["sourceFormat"], dataset["rowCount"], dataset["status"]) == (
        "parquet",
        4,
        "READY",
    )
    x = dataset["profile"]["columns"][0]
    assert (x["missingCount"], x["missingPercent"], x["mean"]) == (1, 25.0, 7 / 3)


async def test_read_list_search_and_delete(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    first = (await upload(client, tenant.bearer, CHURN, name="Churn 2024"))["data"]
    second = (await upload(client, tenant.bearer, b"a,b\n1,2\n", name="Tiny"))["data"]
    first_id, second_id = first["uploadDataset"]["id"], second["uploadDataset"]["id"]
    listing = await gql(
        client,
        "{ datasets { totalCount edges { node { id name } } } }",
        headers=tenant.bearer,
    )
    assert [e["node"]["id"] for e in listing["data"]["datasets"]["edges"]] == [
        second_id,
        first_id,
    ]  # newest first
    found = await gql(
        client,
        '{ datasets(search: "churn") { totalCount edges { node { name } } } }',
        headers=tenant.bearer,
    )
    assert found["data"]["datasets"]["totalCount"] == 1
    one = await gql(
        client,
        "query($id: ID!) { dataset(id: $id) { name rowCount } }",
        {"id": first_id},
        headers=tenant.bearer,
    )
    assert one["data"]["dataset"] == {"name": "Churn 2024", "rowCount": 200}
    deleted = await gql(
        client,
        "mutation($id: ID!) { deleteDataset(id: $id) }",
        {"id": first_id},
        headers=tenant.bearer,
    )
    assert deleted["data"] == {"deleteDataset": True}
    assert [p.stem for p in stored_files(tenant.id)] == [second_id]
    gone = await gql(
        client,
        "query($id: ID!) { dataset(id: $id) { name } }",
        {"id": first_id},
        headers=tenant.bearer,
    )
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert get_store().exists(f"tenants/{tenant.id}/datasets/{second_id}.parquet")


async def test_header_with_a_line_break_and_leading_blank_lines(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await upload(client, tenant.bearer, b'\r\n"first\r\nname",b\r\nx,1\r\n\r\ny,2\r\n')
    assert "errors" not in body, body
    dataset = body["data"]["uploadDataset"]
    assert dataset["rowCount"] == 2
    assert [c["name"] for c in dataset["profile"]["columns"]] == ["first\r\nname", "b"]


async def test_profiling_that_fails_says_why_and_runs_once(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a dataset waiting for its profile whose stored object is damaged
    monkeypatch.setattr(
        service, "settings", service.settings.model_copy(update={"DATASET_INLINE_PROFILE_BYTES": 0})
    )
    body = await upload(client, tenant.bearer, b"a,b\n1,2\n")
    dataset_id = body["data"]["uploadDataset"]["id"]
    (path,) = stored_files(tenant.id)
    path.write_bytes(b"not parquet")
    # when: the job's work runs, twice (a message can arrive twice)
    async with transaction(tenant.id) as session:
        first = await service.datasets.profile_pending(session, uuid.UUID(dataset_id))
    async with transaction(tenant.id) as session:
        second = await service.datasets.profile_pending(session, uuid.UUID(dataset_id))
    # then
    assert (first, second) == ("FAILED", None)
    found = await gql(
        client,
        "query($id: ID!) { dataset(id: $id) { status error profile { rows } } }",
        {"id": dataset_id},
        headers=tenant.bearer,
    )
    dataset = found["data"]["dataset"]
    assert (dataset["status"], dataset["profile"]) == ("FAILED", None)
    assert dataset["error"].startswith("Profiling failed")
