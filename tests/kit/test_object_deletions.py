"""A stored object whose rows were deleted is deleted for sure, even when the store
refuses at that moment: before, a failed after-commit delete left it for ever (an erased
dataset's old file kept the personal data the erasure had removed)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from phantom.db import transaction
from phantom.kit.storage import (
    DELETIONS,
    ObjectStore,
    delete_after_commit,
    get_store,
    sweep_deletions,
)
from tests.datasets.support import upload
from tests.support.fixtures import TenantFixture, gql

DELETE = "mutation($id: ID!) { deleteDataset(id: $id) }"
CSV = b"x,y\n" + b"".join(f"{i},{i % 2}\n".encode() for i in range(50))


def store_refusing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The store away (S3 throttling, a network blip): every delete raises, as fsspec does
    for a connection error. Returns the keys it refused."""
    refused: list[str] = []

    def refuse(self: ObjectStore, key: str) -> None:
        refused.append(key)
        raise OSError("the store is unreachable")

    monkeypatch.setattr(ObjectStore, "delete", refuse)
    return refused


async def pending(key: str) -> int:
    async with transaction(None) as session:
        count: Any = await session.scalar(
            select(func.count()).select_from(DELETIONS).where(DELETIONS.c.key == key)
        )
    return int(count)


async def test_a_deletion_the_store_refused_is_swept_once_it_answers(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a dataset, and a store that refuses deletions right now
    dataset_id = (await upload(client, tenant.bearer, CSV))["data"]["uploadDataset"]["id"]
    key = f"tenants/{tenant.id}/datasets/{uuid.UUID(dataset_id)}.parquet"
    assert get_store().exists(key)
    refused = store_refusing(monkeypatch)
    # when: the dataset is deleted
    deleted = await gql(client, DELETE, {"id": dataset_id}, headers=tenant.bearer)
    # then: the deletion stands for the user, the file is still there, and it is owed
    assert deleted["data"] == {"deleteDataset": True}, deleted
    assert refused == [key]
    assert get_store().exists(key)
    assert await pending(key) == 1
    # a sweep while the store is still away keeps owing it
    async with transaction(None) as session:
        _, failing = await sweep_deletions(session)
    assert failing >= 1
    assert await pending(key) == 1
    # when: the store answers again and the sweep runs
    monkeypatch.undo()
    async with transaction(None) as session:
        deleted_count, failing = await sweep_deletions(session)
    # then: the file is gone and nothing is owed any more
    assert deleted_count >= 1
    assert failing == 0
    assert not get_store().exists(key)
    assert await pending(key) == 0


async def test_a_deletion_that_succeeds_at_once_leaves_only_a_row_the_sweep_clears(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    dataset_id = (await upload(client, tenant.bearer, CSV))["data"]["uploadDataset"]["id"]
    key = f"tenants/{tenant.id}/datasets/{uuid.UUID(dataset_id)}.parquet"
    deleted = await gql(client, DELETE, {"id": dataset_id}, headers=tenant.bearer)
    assert deleted["data"] == {"deleteDataset": True}, deleted
    assert not get_store().exists(key)  # deleted right after the commit
    async with transaction(None) as session:
        await sweep_deletions(session)  # deleting a missing object succeeds
    assert await pending(key) == 0


async def test_a_rolled_back_deletion_owes_nothing(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """The row is written in the deleting transaction: if it rolls back, the object stays
    and nothing will delete it later."""
    key = f"tenants/{tenant.id}/datasets/{uuid.uuid4()}.parquet"

    async def failing_deletion() -> None:
        async with transaction(tenant.id) as session:
            await delete_after_commit(session, [key])
            raise RuntimeError("the deletion's transaction fails")

    with pytest.raises(RuntimeError):
        await failing_deletion()
    assert await pending(key) == 0
