"""Small bundled datasets as CSV uploads, and the GraphQL operations of training."""

from __future__ import annotations

import asyncio
import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

from tests.datasets.support import upload

START = """
mutation Start($input: StartTrainingInput!) {
  startTraining(input: $input) {
    id status taskType requestedTaskType metric engine timeBudgetSeconds modelName attempt
    positiveClass
  }
}
"""
JOB = """
query Job($id: ID!) {
  trainingJob(id: $id) {
    id status progress message error errorCode taskType metric higherIsBetter engine attempt
    maxAttempts datasetName target droppedColumns { column reason }
    leaderboard {
      rank modelName scoreValidation fitTimeSeconds predictTimeSeconds finalFit refitModelName
    }
    featureImportance { feature importance stddev }
    metrics { name value }
    modelVersion {
      id version modelName stage engine taskType target metric bestModelName classes
      features { name type } datasetName datasetContentHash artifactBytes
      trainingJob { id } dataset { id }
    }
  }
}
"""
PREDICT = """
mutation Predict($id: ID!, $rows: JSON!) {
  predict(modelVersionId: $id, rows: $rows) {
    modelVersionId predictionIds predictions probabilities scores
  }
}
"""
PROGRESS = """
subscription Progress($id: ID!) {
  trainingProgress(jobId: $id) {
    jobId sequence status progress message error modelVersionId
    leaderboard { rank modelName scoreValidation }
  }
}
"""
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}


def to_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame.iloc[:, [0, 1, 2, 3, 20, 21, 22, 23, 30]]
    frame = frame.rename(columns=lambda c: c.replace(" ", "_"))
    frame["diagnosis"] = frame.pop("target").map({0: "malignant", 1: "benign"})
    frame.insert(0, "patient_id", [f"P{i:05d}" for i in range(len(frame))])
    return frame


def iris() -> pd.DataFrame:
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame
    names = dict(enumerate(load_iris().target_names))
    frame["species"] = frame.pop("target").map(names)
    return frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))


def diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame.rename(columns={"target": "progression"})


def transactions(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    """Normal traffic plus 5 % planted outliers (large amounts at odd hours), labelled."""
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(3.5, 0.4, rows)
    hour = rng.normal(14, 3, rows).clip(0, 23)
    channel = rng.choice(["web", "app", "branch"], rows)
    fraud = np.zeros(rows, dtype=bool)
    planted = rng.choice(rows, rows // 20, replace=False)
    amount[planted] *= rng.uniform(8, 15, len(planted))
    hour[planted] = rng.uniform(1, 4, len(planted))
    fraud[planted] = True
    return pd.DataFrame(
        {"amount": amount.round(2), "hour": hour.round(1), "channel": channel, "fraud": fraud}
    )


async def upload_frame(
    client: httpx.AsyncClient, headers: dict[str, str], frame: pd.DataFrame, name: str
) -> str:
    body = await upload(client, headers, to_csv(frame), name=name)
    assert "errors" not in body, body
    dataset: dict[str, Any] = body["data"]["uploadDataset"]
    assert dataset["status"] == "READY", dataset
    return str(dataset["id"])


async def post(
    client: httpx.AsyncClient, headers: dict[str, str], query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def start(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    return await post(client, headers, START, {"input": fields})


async def job(client: httpx.AsyncClient, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    body = await post(client, headers, JOB, {"id": job_id})
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["trainingJob"]
    return found


async def wait_for(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    job_id: str,
    statuses: set[str],
    timeout: float = 180,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = await job(client, headers, job_id)
        if found["status"] in statuses:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {found['status']}: {found['message']}")
        await asyncio.sleep(0.5)


def run_in_process(
    work: Path,
    frame: pd.DataFrame,
    target: str,
    column_types: dict[str, str],
    hyperparameters: dict[str, Any],
    positive_class: str | None = None,
) -> list[dict[str, Any]]:
    """The training child's own ``run`` in this process, AutoGluon on a fixed model zoo
    (its ``hyperparameters`` option, so the fit takes seconds): every message it sent,
    the last one its ``result``."""
    from phantom.automl.runner import Protocol, RunSpec, run

    frame.to_parquet(work / "data.parquet")
    (work / "model").mkdir()
    (work / "scratch").mkdir()
    spec = RunSpec(
        data_path=str(work / "data.parquet"),
        engine="autogluon",
        task="BINARY",
        target=target,
        metric="roc_auc",
        budget_seconds=20,
        num_cpus=1,
        memory_limit_mb=2048,
        model_dir=str(work / "model"),
        work_dir=str(work / "scratch"),
        column_types=column_types,
        options={"hyperparameters": hyperparameters},
        positive_class=positive_class,
    )
    stream = io.StringIO()
    run(spec, Protocol(stream))
    messages = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert messages[-1]["event"] == "result", messages[-1]
    return messages
