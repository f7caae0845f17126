"""The download route streams what was stored (Parquet) or the same rows as CSV; only the
tenant's own members with ``predictions:export`` get it. Another tenant's ids are
``NOT_FOUND`` everywhere, like ids that exist nowhere; a read-only member reads but
neither starts nor downloads."""

from __future__ import annotations

import hashlib
import io
import uuid

import httpx
import pandas as pd
import pytest

from tests.audit.support import add_member
from tests.batch.support import (
    CANCEL,
    JOB,
    World,
    job,
    parquet_frame,
    score,
    start,
    started,
)
from tests.support.fixtures import error_codes, gql

pytestmark = pytest.mark.slow  # the package's model is a real fit in a child process

LIST = """query($first: Int!, $version: ID) { batchPredictions(first: $first,
  modelVersionId: $version) { totalCount edges { node { id status rowsScored createdBy } } } }"""


@pytest.fixture(scope="module")
async def done(app: object, world: World) -> str:
    """A SUCCEEDED job of the world's tenant."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        job_id = await started(client, world.tenant.bearer, world.version, world.dataset)
        await score(world.tenant, job_id)
    return job_id


def url(job_id: str, fmt: str = "csv") -> str:
    return f"/api/v1/batch-predictions/{job_id}/download?format={fmt}"


async def test_csv_and_parquet_downloads_hold_the_same_rows(
    client: httpx.AsyncClient, world: World, done: str
) -> None:
    parquet = await client.get(url(done, "parquet"), headers=world.tenant.bearer)
    csv = await client.get(url(done, "csv"), headers=world.tenant.bearer)
    assert parquet.status_code == csv.status_code == 200, (parquet.text, csv.text)
    # the Parquet is the stored file, byte for byte
    found = await job(client, world.tenant.bearer, done)
    assert f"sha256:{hashlib.sha256(parquet.content).hexdigest()}" == found["outputSha256"]
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    assert parquet.headers["content-disposition"] == (
        f'attachment; filename="predictions-April-payments-{done[:8]}.parquet"'
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"].endswith(f'-{done[:8]}.csv"')
    # the CSV: one header, then every row, with the same values
    from_parquet = parquet_frame(parquet.content)
    from_csv = pd.read_csv(io.BytesIO(csv.content))
    assert csv.content.count(b'"customer","amount"') == 1, "one header, not one per chunk"
    assert list(from_csv.columns) == list(from_parquet.columns)
    assert len(from_csv) == 2000
    assert (from_csv["customer"] == from_parquet["customer"]).all()
    assert (from_csv["prediction"] == from_parquet["prediction"]).all()
    pd.testing.assert_series_equal(from_csv["anomaly_score"], from_parquet["anomaly_score"])


async def test_download_refusals(client: httpx.AsyncClient, world: World, done: str) -> None:
    bearer = world.tenant.bearer
    # unknown format: 400
    response = await client.get(url(done, "xlsx"), headers=bearer)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"
    # without a credential: 401
    assert (await client.get(url(done))).status_code == 401
    # a bad token: 401, never anonymous
    bad = {"Authorization": "Bearer nope"}
    assert (await client.get(url(done), headers=bad)).status_code == 401
    # malformed and unknown ids: 404
    for job_id in ("not-a-uuid", "%27%3B--", str(uuid.uuid4())):
        response = await client.get(url(job_id), headers=bearer)
        assert response.status_code == 404, (job_id, response.text)
    # another tenant's job: 404 like an unknown one, whatever the format
    theirs = await started(client, world.other.bearer, world.their_version, world.their_dataset)
    await score(world.other, theirs)
    for fmt in ("csv", "parquet"):
        response = await client.get(url(theirs, fmt), headers=bearer)
        assert response.status_code == 404, response.text
        assert response.json()["error"]["message"] == "Batch prediction not found."
    # a job not SUCCEEDED yet: 409
    queued = await started(client, bearer, world.version, world.dataset)
    response = await client.get(url(queued), headers=bearer)
    assert response.status_code == 409
    assert "QUEUED" in response.json()["error"]["message"]
    await gql(client, CANCEL, {"id": queued}, bearer)


async def test_another_tenants_ids_are_not_found(
    client: httpx.AsyncClient, world: World, done: str
) -> None:
    bearer = world.other.bearer  # the other tenant's owner, naming our ids
    theirs_dataset, theirs_version = world.their_dataset, world.their_version
    for version, dataset in [(world.version, theirs_dataset), (theirs_version, world.dataset)]:
        body = await start(client, bearer, version, dataset)
        assert error_codes(body) == ["NOT_FOUND"], body
    for query in (JOB, CANCEL):
        body = await gql(client, query, {"id": done}, bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
    listing = await gql(client, LIST, {"first": 10, "version": world.version}, bearer)
    assert listing["data"]["batchPredictions"]["totalCount"] == 0
    # and ours is untouched
    assert (await job(client, world.tenant.bearer, done))["status"] == "SUCCEEDED"


async def test_malformed_input_is_refused_clearly(client: httpx.AsyncClient, world: World) -> None:
    bearer = world.tenant.bearer
    for version, dataset in [
        ("nope", world.dataset),
        (world.version, "x" * 10_000),
        ("", ""),
        (world.version, str(uuid.uuid4())),
    ]:
        body = await start(client, bearer, version, dataset)
        assert error_codes(body) == ["NOT_FOUND"], body
    body = await gql(client, JOB, {"id": "1 OR 1=1"}, bearer)
    assert error_codes(body) == ["NOT_FOUND"]
    body = await gql(client, LIST, {"first": 10_000}, bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_read_only_member_reads_but_neither_starts_cancels_nor_downloads(
    client: httpx.AsyncClient, world: World, done: str
) -> None:
    viewer = await add_member(world.tenant, ["viewer"])
    found = await job(client, viewer.bearer, done)
    assert found["status"] == "SUCCEEDED"
    listing = await gql(client, LIST, {"first": 5, "version": world.version}, viewer.bearer)
    assert done in [e["node"]["id"] for e in listing["data"]["batchPredictions"]["edges"]]
    body = await start(client, viewer.bearer, world.version, world.dataset)
    assert error_codes(body) == ["FORBIDDEN"], body
    queued = await started(client, world.tenant.bearer, world.version, world.dataset)
    body = await gql(client, CANCEL, {"id": queued}, viewer.bearer)
    assert error_codes(body) == ["FORBIDDEN"], body
    response = await client.get(url(done), headers=viewer.bearer)
    assert response.status_code == 403
    assert "predictions:export" in response.json()["error"]["message"]
    # a data scientist may export what they score
    scientist = await add_member(world.tenant, ["data_scientist"])
    assert (await client.get(url(done), headers=scientist.bearer)).status_code == 200
    await gql(client, CANCEL, {"id": queued}, world.tenant.bearer)


async def test_the_list_filters_by_version(
    client: httpx.AsyncClient, world: World, done: str
) -> None:
    body = await gql(client, LIST, {"first": 50, "version": world.version}, world.tenant.bearer)
    ids = [e["node"]["id"] for e in body["data"]["batchPredictions"]["edges"]]
    assert done in ids
    other = await gql(
        client, LIST, {"first": 50, "version": str(uuid.uuid4())}, world.tenant.bearer
    )
    assert other["data"]["batchPredictions"]["totalCount"] == 0
