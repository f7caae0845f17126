"""``startTraining`` refuses what would fail later, with a message a person can act on,
and leaves nothing behind: no job row, no queued message."""

from __future__ import annotations

from typing import Any

import httpx
import pandas as pd
import pytest
from sqlalchemy import func, select

from phantom.automl.models import TrainingJob
from phantom.db import transaction
from phantom.identity.models import Tenant
from phantom.kit.jobs import broker
from tests.automl.support import breast_cancer, diabetes, iris, start, transactions, upload_frame
from tests.support.fixtures import TenantFixture, error_codes


async def jobs_of(tenant: TenantFixture) -> int:
    async with transaction(tenant.id) as session:
        return int(await session.scalar(select(func.count(TrainingJob.id))) or 0)


def training_messages() -> int:
    return int(broker.client.hlen("phantom-jobs:training.msgs"))  # type: ignore[attr-defined]


@pytest.fixture
async def datasets(client: httpx.AsyncClient, tenant: TenantFixture) -> dict[str, str]:
    mixed = breast_cancer().head(120).copy()
    mixed["notes"] = [f"free text number {i} with words" for i in range(len(mixed))]
    mixed["three"] = ["a", "b", "c"] * 40
    rare = iris().copy()
    rare.loc[rare.index[:146], "species"] = "common"  # 'virginica' keeps only 4 rows
    return {
        "cancer": await upload_frame(client, tenant.bearer, mixed, "Cancer"),
        "iris": await upload_frame(client, tenant.bearer, iris(), "Iris"),
        "diabetes": await upload_frame(client, tenant.bearer, diabetes(), "Diabetes"),
        "tiny": await upload_frame(client, tenant.bearer, iris().iloc[::13], "Tiny"),
        "rare": await upload_frame(client, tenant.bearer, rare, "Rare"),
        "fraud": await upload_frame(client, tenant.bearer, transactions(200), "Fraud"),
    }


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("cancer", {"timeBudgetSeconds": 30}, "Choose a target column"),
    ("cancer", {"target": "nope", "timeBudgetSeconds": 30}, "no column 'nope'"),
    ("cancer", {"target": "x" * 5000, "timeBudgetSeconds": 30}, "must be a column name"),
    ("cancer", {"target": "patient_id", "timeBudgetSeconds": 30}, "Cannot infer a task"),
    ("cancer", {"target": "notes", "timeBudgetSeconds": 30}, "Cannot infer a task"),
    (
        "cancer",
        {"target": "three", "taskType": "BINARY", "timeBudgetSeconds": 30},
        "exactly two values",
    ),
    (
        "cancer",
        {"target": "diagnosis", "taskType": "MULTICLASS", "timeBudgetSeconds": 30},
        "Use BINARY",
    ),
    (
        "cancer",
        {"target": "diagnosis", "taskType": "REGRESSION", "timeBudgetSeconds": 30},
        "numeric target",
    ),
    ("rare", {"target": "species", "timeBudgetSeconds": 30}, "has only 4 rows"),
    ("tiny", {"target": "species", "timeBudgetSeconds": 30}, "needs at least 20"),
    ("iris", {"target": "species", "timeBudgetSeconds": 1}, "between 5 and"),
    ("iris", {"target": "species", "timeBudgetSeconds": 10**9}, "between 5 and"),
    ("iris", {"target": "species", "timeBudgetSeconds": -5}, "between 5 and"),
    (
        "iris",
        {"target": "species", "metric": "rmse", "timeBudgetSeconds": 30},
        "does not apply to MULTICLASS",
    ),
    (
        "iris",
        {"target": "species", "metric": "'; DROP TABLE x", "timeBudgetSeconds": 30},
        "does not apply",
    ),
    (
        "diabetes",
        {"target": "progression", "metric": "roc_auc", "timeBudgetSeconds": 30},
        "choose one of rmse, mae, r2",
    ),
    (
        "fraud",
        {"taskType": "ANOMALY_DETECTION", "metric": "roc_auc", "timeBudgetSeconds": 30},
        "needs a label column",
    ),
    (
        "iris",
        {"taskType": "ANOMALY_DETECTION", "target": "species", "timeBudgetSeconds": 30},
        "exactly two values",
    ),
    (
        "iris",
        {"target": "species", "excludedColumns": ["ghost"], "timeBudgetSeconds": 30},
        "no such column",
    ),
    (
        "iris",
        {"target": "species", "excludedColumns": ["species"], "timeBudgetSeconds": 30},
        "cannot be an excluded column",
    ),
    (
        "iris",
        {
            "target": "species",
            "timeBudgetSeconds": 30,
            "excludedColumns": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
        },
        "keep at least one",
    ),
    (
        "iris",
        {"target": "species", "engine": "H2O", "timeBudgetSeconds": 30},
        "at least 45 seconds",
    ),
    (
        "fraud",
        {"taskType": "ANOMALY_DETECTION", "engine": "SKLEARN", "timeBudgetSeconds": 30},
        "The SKLEARN engine trains classifiers and regressors",
    ),
    ("iris", {"target": "species", "modelName": "   ", "timeBudgetSeconds": 30}, "Give the model"),
    ("iris", {"target": "species", "modelName": "m" * 201, "timeBudgetSeconds": 30}, "at most 200"),
    # positiveClass: one of a binary target's two classes, listed when it is not
    (
        "cancer",
        {"target": "diagnosis", "positiveClass": "healthy", "timeBudgetSeconds": 30},
        "positiveClass 'healthy' is not a class of 'diagnosis'; its classes are 'benign', "
        "'malignant'.",
    ),
    (
        "cancer",
        {"target": "diagnosis", "positiveClass": "Malignant", "timeBudgetSeconds": 30},
        "its classes are 'benign', 'malignant'",
    ),
    (
        "cancer",
        {"target": "diagnosis", "positiveClass": "", "timeBudgetSeconds": 30},
        "positiveClass '' is not a class",
    ),
    (
        "cancer",
        {"target": "diagnosis", "positiveClass": "' OR 1=1 --", "timeBudgetSeconds": 30},
        "is not a class of 'diagnosis'",
    ),
    (
        "cancer",
        {"target": "diagnosis", "positiveClass": "m" * 50_000, "timeBudgetSeconds": 30},
        f"positiveClass '{'m' * 100}...' is not a class",
    ),
    (
        "iris",
        {"target": "species", "positiveClass": "setosa", "timeBudgetSeconds": 30},
        "positiveClass applies to BINARY tasks only; this job is MULTICLASS",
    ),
    (
        "diabetes",
        {"target": "progression", "positiveClass": "1", "timeBudgetSeconds": 30},
        "this job is REGRESSION",
    ),
    (
        "fraud",
        {
            "taskType": "ANOMALY_DETECTION",
            "target": "fraud",
            "positiveClass": "True",
            "timeBudgetSeconds": 30,
        },
        "this job is ANOMALY_DETECTION",
    ),
    (
        "fraud",
        {"taskType": "ANOMALY_DETECTION", "positiveClass": "True", "timeBudgetSeconds": 30},
        "positiveClass needs a target",
    ),
]


@pytest.mark.parametrize(("dataset", "fields", "message"), CASES)
async def test_bad_training_requests_are_refused_and_leave_nothing(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    datasets: dict[str, str],
    dataset: str,
    fields: dict[str, Any],
    message: str,
) -> None:
    broker.flush_all()
    body = await start(client, tenant.bearer, datasetId=datasets[dataset], **fields)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert message in body["errors"][0]["message"], body["errors"][0]["message"]
    assert body["data"] is None
    assert await jobs_of(tenant) == 0
    assert training_messages() == 0


async def test_a_model_name_keeps_its_task(
    client: httpx.AsyncClient, tenant: TenantFixture, datasets: dict[str, str]
) -> None:
    broker.flush_all()
    first = await start(
        client,
        tenant.bearer,
        datasetId=datasets["iris"],
        target="species",
        timeBudgetSeconds=30,
        modelName="Flowers",
    )
    assert "errors" not in first, first
    job = first["data"]["startTraining"]
    assert (job["status"], job["taskType"], job["requestedTaskType"], job["metric"]) == (
        "QUEUED",
        "MULTICLASS",
        "AUTO",
        "log_loss",
    )
    assert training_messages() == 1, "one message, sent after commit"
    # a registered model keeps its target and task: another job cannot reuse the name
    from phantom.registry.models import RegisteredModel

    async with transaction(tenant.id) as session:
        session.add(
            RegisteredModel(
                name="Flowers", task_type="MULTICLASS", target="species", latest_version=1
            )
        )
    clash = await start(
        client,
        tenant.bearer,
        datasetId=datasets["diabetes"],
        target="progression",
        timeBudgetSeconds=30,
        modelName="Flowers",
    )
    assert error_codes(clash) == ["BAD_USER_INPUT"]
    assert "give this job another model name" in clash["errors"][0]["message"]
    broker.flush_all()


async def test_an_organizations_own_budget_limit_applies(
    client: httpx.AsyncClient, tenant: TenantFixture, datasets: dict[str, str]
) -> None:
    async with transaction(None) as session:
        row = await session.get(Tenant, tenant.id)
        assert row is not None
        row.training_max_budget_seconds = 20
    try:
        body = await start(
            client,
            tenant.bearer,
            datasetId=datasets["iris"],
            target="species",
            timeBudgetSeconds=25,
        )
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert "between 5 and 20 seconds for this organization" in body["errors"][0]["message"]
    finally:
        async with transaction(None) as session:
            row = await session.get(Tenant, tenant.id)
            assert row is not None
            row.training_max_budget_seconds = None


async def test_a_dataset_being_profiled_cannot_be_trained_on(
    client: httpx.AsyncClient, tenant: TenantFixture, datasets: dict[str, str]
) -> None:
    from phantom.datasets.models import Dataset

    async with transaction(tenant.id) as session:
        dataset = await session.get(Dataset, __import__("uuid").UUID(datasets["iris"]))
        assert dataset is not None
        dataset.status = "PROFILING"
    body = await start(
        client, tenant.bearer, datasetId=datasets["iris"], target="species", timeBudgetSeconds=30
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "still being profiled" in body["errors"][0]["message"]


async def test_training_options_list_metrics_limits_and_engines(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    query = (
        "{ trainingOptions { limits { minBudgetSeconds maxBudgetSeconds maxConcurrentJobs } "
        "metrics { name taskTypes higherIsBetter } defaultMetrics engines } }"
    )
    body = (await client.post("/graphql", json={"query": query}, headers=tenant.bearer)).json()
    options = body["data"]["trainingOptions"]
    assert options["defaultMetrics"]["MULTICLASS"] == "log_loss"
    assert options["engines"] == ["AUTOGLUON", "H2O", "SKLEARN"]
    rmse = next(m for m in options["metrics"] if m["name"] == "rmse")
    assert rmse == {"name": "rmse", "taskTypes": ["REGRESSION"], "higherIsBetter": False}
    assert options["limits"]["minBudgetSeconds"] == 5


def test_frames_used_here_are_what_they_claim() -> None:
    assert set(transactions(200)["fraud"].unique()) == {False, True}
    assert pd.api.types.is_numeric_dtype(diabetes()["progression"])


async def test_positive_class_is_checked_only_after_the_tenant_sees_the_dataset(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    datasets: dict[str, str],
) -> None:
    """Another organization's dataset is NOT_FOUND, whatever positiveClass says: its
    classes are never listed to someone who cannot see it."""
    broker.flush_all()
    body = await start(
        client,
        other_tenant.bearer,
        datasetId=datasets["cancer"],
        target="diagnosis",
        positiveClass="nope",
        timeBudgetSeconds=30,
    )
    assert error_codes(body) == ["NOT_FOUND"], body
    assert "benign" not in str(body)
    assert "malignant" not in str(body)
    assert await jobs_of(other_tenant) == 0
    assert await jobs_of(tenant) == 0


async def test_a_positive_class_is_recorded_on_the_job(
    client: httpx.AsyncClient, tenant: TenantFixture, datasets: dict[str, str]
) -> None:
    broker.flush_all()
    body = await start(
        client,
        tenant.bearer,
        datasetId=datasets["cancer"],
        target="diagnosis",
        positiveClass="benign",
        timeBudgetSeconds=30,
    )
    assert "errors" not in body, body
    assert body["data"]["startTraining"]["positiveClass"] == "benign"
    async with transaction(tenant.id) as session:
        row = await session.scalar(select(TrainingJob))
        assert row is not None
        assert (row.task_type, row.positive_class) == ("BINARY", "benign")
    # a retrain keeps it
    again = await client.post(
        "/graphql",
        json={
            "query": "mutation($id: ID!) { retrainFromJob(jobId: $id) { id positiveClass } }",
            "variables": {"id": body["data"]["startTraining"]["id"]},
        },
        headers=tenant.bearer,
    )
    assert again.json()["data"]["retrainFromJob"]["positiveClass"] == "benign", again.json()
    broker.flush_all()
