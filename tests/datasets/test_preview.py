"""datasetPreview: the first rows as text, bounded, for readers of datasets in the
dataset's own organization only."""

from __future__ import annotations

import httpx

from tests.audit.support import add_member
from tests.datasets.support import upload
from tests.support.fixtures import TenantFixture, error_codes, gql

PREVIEW = """query($id: ID!, $first: Int) {
  datasetPreview(id: $id, first: $first) { columns rows rowCount } }"""


async def uploaded(client: httpx.AsyncClient, tenant: TenantFixture, csv: bytes) -> str:
    body = await upload(client, tenant.bearer, csv, name="Loans")
    assert "errors" not in body, body
    return str(body["data"]["uploadDataset"]["id"])


async def test_the_first_rows_as_text_with_missing_cells_and_long_ones_cut(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    long_note = "x" * 500
    lines = ["loan_id,amount,note,approved"]
    lines += [
        f"L{i:03d},{1000 + i}.5,{'' if i == 1 else 'ok'},{'yes' if i % 2 else 'no'}"
        for i in range(150)
    ]
    lines[3] = f"L002,1002.5,{long_note},no"
    dataset_id = await uploaded(client, tenant, "\n".join(lines).encode())

    body = await gql(client, PREVIEW, {"id": dataset_id}, tenant.bearer)
    preview = body["data"]["datasetPreview"]
    assert preview["columns"] == ["loan_id", "amount", "note", "approved"]
    assert preview["rowCount"] == 150
    # twenty rows by default, in file order, each a cell per column
    assert len(preview["rows"]) == 20
    assert preview["rows"][0] == ["L000", "1000.5", "ok", "no"]
    # a missing value is null, not an empty string or "nan"
    assert preview["rows"][1][2] is None
    # a long cell is cut at 200 characters, ending with an ellipsis
    cut = preview["rows"][2][2]
    assert len(cut) == 200
    assert cut.endswith("…")

    # at most 100 rows; outside 1..100 is refused with a clear message
    body = await gql(client, PREVIEW, {"id": dataset_id, "first": 100}, tenant.bearer)
    assert len(body["data"]["datasetPreview"]["rows"]) == 100
    for bad in (0, -1, 101, 10_000):
        body = await gql(client, PREVIEW, {"id": dataset_id, "first": bad}, tenant.bearer)
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert "between 1 and 100" in body["errors"][0]["message"]


async def test_another_organizations_dataset_and_non_readers_see_no_rows(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    dataset_id = await uploaded(client, tenant, b"secret_column\ncanary-value-123\n")
    # another tenant: NOT_FOUND, as for an unknown id, and nothing of the rows
    body = await gql(client, PREVIEW, {"id": dataset_id}, other_tenant.bearer)
    assert error_codes(body) == ["NOT_FOUND"]
    assert "canary-value-123" not in str(body)
    assert "secret_column" not in str(body)
    # a member of the same organization without datasets:read: FORBIDDEN
    body = await gql(
        client,
        """mutation($input: CreateRoleInput!) { createRole(input: $input) { name } }""",
        {"input": {"name": "auditor_only", "description": "x", "permissions": ["audit:read"]}},
        tenant.bearer,
    )
    assert "errors" not in body, body
    auditor = await add_member(tenant, ["auditor_only"])
    body = await gql(client, PREVIEW, {"id": dataset_id}, auditor.bearer)
    assert error_codes(body) == ["FORBIDDEN"]
    assert "canary-value-123" not in str(body)
    # the owner reads it
    body = await gql(client, PREVIEW, {"id": dataset_id}, tenant.bearer)
    assert body["data"]["datasetPreview"]["rows"] == [["canary-value-123"]]
