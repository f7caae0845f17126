"""Batch scoring's GraphQL operations, a package-wide trained model, and running a job the
way the ``batch.score`` actor does (claim, then the job's body) inside the test."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pyarrow.parquet as pq

from phantom.batch import runs
from phantom.batch.scoring import run
from phantom.kit.storage import get_store
from tests.support.fixtures import TenantFixture, gql
from tests.support.models import payments

CHUNK_ROWS = 500  # 2,000 rows are four chunks

START = """mutation Start($input: StartBatchPredictionInput!) {
  startBatchPrediction(input: $input) { id status progress rowsScored rowsTotal datasetName
    modelVersionId datasetId attempt maxAttempts } }"""
JOB = """query Job($id: ID!) { batchPrediction(id: $id) { id status progress rowsScored
  rowsTotal message error errorCode attempt outputBytes outputSha256 csvUrl parquetUrl
  createdBy } }"""
CANCEL = """mutation Cancel($id: ID!) { cancelBatchPrediction(id: $id) { id status error } }"""


@dataclass
class World:
    tenant: TenantFixture
    other: TenantFixture
    version: str  # an anomaly detector over amount, hour, channel
    dataset: str  # 2,000 rows: the features plus two columns the model never saw
    frame: pd.DataFrame  # that dataset as uploaded
    their_version: str
    their_dataset: str


def scoring_frame(rows: int = 2000, seed: int = 7) -> pd.DataFrame:
    frame = payments(rows, seed)
    frame.insert(0, "customer", [f"C{i:06d}" for i in range(rows)])
    frame["note"] = ["vip" if i % 7 == 0 else None for i in range(rows)]
    return frame


async def start(
    client: httpx.AsyncClient, headers: dict[str, str], version: str, dataset: str
) -> dict[str, Any]:
    return await gql(
        client, START, {"input": {"modelVersionId": version, "datasetId": dataset}}, headers
    )


async def started(
    client: httpx.AsyncClient, headers: dict[str, str], version: str, dataset: str
) -> str:
    body = await start(client, headers, version, dataset)
    assert "errors" not in body, body
    return str(body["data"]["startBatchPrediction"]["id"])


async def job(client: httpx.AsyncClient, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    body = await gql(client, JOB, {"id": job_id}, headers)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["batchPrediction"]
    return found


async def claim(tenant: TenantFixture, job_id: str) -> runs.Claim:
    claimed = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claimed is not None, "the job was claimed by someone else"
    return claimed


async def score(tenant: TenantFixture, job_id: str) -> None:
    """The ``batch.score`` actor's body, here."""
    await run(await claim(tenant, job_id), CHUNK_ROWS)


def stored_outputs(tenant: TenantFixture) -> list[Path]:
    root = Path(get_store().path(f"tenants/{tenant.id}/predictions"))
    return sorted(root.iterdir()) if root.exists() else []


def parquet_frame(content: bytes) -> pd.DataFrame:
    return pq.read_table(io.BytesIO(content)).to_pandas()
