"""Tenants never see each other's datasets, by id, in lists, or in the store."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from phantom.compliance.hooks import find_references
from phantom.db import transaction
from tests.datasets.support import stored_files, upload
from tests.support.fixtures import TenantFixture, gql


async def test_another_tenants_dataset_is_not_found(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: a dataset of each tenant
    mine = (await upload(client, tenant.bearer, b"a,b\n1,2\n", name="Mine"))["data"]
    theirs = (await upload(client, other_tenant.bearer, b"a,b\n3,4\n", name="Theirs"))["data"]
    mine_id, theirs_id = mine["uploadDataset"]["id"], theirs["uploadDataset"]["id"]
    # when: the first tenant names the other's dataset
    read = await gql(
        client,
        "query($id: ID!) { dataset(id: $id) { name } }",
        {"id": theirs_id},
        headers=tenant.bearer,
    )
    delete = await gql(
        client,
        "mutation($id: ID!) { deleteDataset(id: $id) }",
        {"id": theirs_id},
        headers=tenant.bearer,
    )
    # then: like an unknown id, with no data, and nothing changed
    for body in (read, delete):
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
        assert not any((body.get("data") or {}).values())
        assert "Theirs" not in str(body)
    listing = await gql(
        client, "{ datasets { totalCount edges { node { id name } } } }", headers=tenant.bearer
    )
    assert [e["node"]["id"] for e in listing["data"]["datasets"]["edges"]] == [mine_id]
    assert listing["data"]["datasets"]["totalCount"] == 1
    # and: each object lives under its own tenant's prefix
    assert [p.stem for p in stored_files(tenant.id)] == [mine_id]
    assert [p.stem for p in stored_files(other_tenant.id)] == [theirs_id]


async def test_the_privacy_report_names_datasets_the_subject_uploaded(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await upload(client, tenant.bearer, b"a\n1\n", name="Uploaded by owner")
    dataset_id = body["data"]["uploadDataset"]["id"]
    viewer = await gql(client, "{ viewer { id } }", headers=tenant.bearer)
    import uuid

    async with transaction(tenant.id) as session:
        found = await find_references(session, uuid.UUID(viewer["data"]["viewer"]["id"]))
    assert [(r.domain, r.id) for r in found if r.domain == "datasets"] == [("datasets", dataset_id)]


async def test_row_level_security_isolates_datasets_in_raw_sql(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    for t in (tenant, other_tenant):
        assert "errors" not in await upload(client, t.bearer, b"a\n1\n")
    query = text("SELECT tenant_id FROM datasets")
    async with transaction(tenant.id) as session:
        seen = set((await session.execute(query)).scalars())
    async with transaction(None) as session:  # the system sees both: the rows exist
        everyone = set((await session.execute(query)).scalars())
    assert seen == {tenant.id}
    assert {tenant.id, other_tenant.id} <= everyone
