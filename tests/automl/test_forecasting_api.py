"""FORECASTING through the API: ``startTraining`` checks the request and the data before a
job exists; a job trains in the real child process, registers a version with its backtest,
and ``predict`` (REST and GraphQL) answers forecasts with intervals, after the training
data or after history the caller sends; bad history is a 400 in the REST error dialect;
no other tenant can forecast with, or see, the version."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pandas as pd
import pytest

from phantom.automl import runs
from phantom.automl.supervisor import supervise
from phantom.kit.jobs import broker
from tests.automl.forecast_support import PREDICT_FORECAST, VERSION_FORECAST, seasonal
from tests.automl.support import job, post, start, upload_frame
from tests.automl.test_start_validation import jobs_of, training_messages
from tests.support.fixtures import TenantFixture, create_tenant, error_codes

FORECAST = {"taskType": "FORECASTING", "target": "sales", "timeColumn": "month"}


async def train(
    client: httpx.AsyncClient, tenant: TenantFixture, frame: pd.DataFrame, **fields: Any
) -> dict[str, Any]:
    """Upload, start, then run the claim and the fit here (the actor's body)."""
    dataset_id = await upload_frame(client, tenant.bearer, frame, "Store sales")
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset_id,
        timeBudgetSeconds=30,
        **{**FORECAST, "seriesIdColumn": "store", "horizon": 6, **fields},
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claim = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claim is not None
    await supervise(claim)
    return await job(client, tenant.bearer, job_id)


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, dict[str, Any]]:
    tenant = await create_tenant("Alpha Retail")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        found = await train(client, tenant, seasonal())
    return tenant, found


@pytest.mark.slow
async def test_a_forecasting_job_trains_registers_and_forecasts_with_intervals(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, dict[str, Any]]
) -> None:
    tenant, found = trained
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    assert (found["taskType"], found["metric"], found["higherIsBetter"]) == (
        "FORECASTING",
        "mase",
        False,
    )
    metrics = {m["name"]: m["value"] for m in found["metrics"]}
    assert set(metrics) == {"mase", "wql"}
    names = {r["modelName"] for r in found["leaderboard"]}
    assert {"SeasonalNaive", "BestPerSeries"} <= names, names
    version_id = found["modelVersion"]["id"]
    body = await post(client, tenant.bearer, VERSION_FORECAST, {"id": version_id})
    assert "errors" not in body, body
    version = body["data"]["modelVersion"]
    assert (version["engine"], version["servingModel"]) == ("forecast", "BestPerSeries")
    facts = version["forecast"]
    assert (facts["horizon"], facts["intervalLevel"], facts["frequency"]) == (6, 80, "MS")
    assert (facts["seasonLength"], facts["seriesCount"], facts["backtestWindows"]) == (12, 2, 3)
    # backtest metrics on the version, better than seasonal naive on seasonal data
    assert facts["mase"] == pytest.approx(metrics["mase"])
    assert facts["mase"] < facts["seasonalNaiveMase"], facts
    assert facts["wql"] < facts["seasonalNaiveWql"], facts
    assert sum(facts["chosen"].values()) == 2
    # what a chart needs: the history tail ...
    history = facts["history"]
    assert [h["series"] for h in history] == ["store-1"]
    assert len(history[0]["points"]) == 60
    assert history[0]["points"][-1]["time"].startswith("2022-12-01")
    # ... and the forecast with its interval, through REST (empty rows: after training)
    rest = await client.post(
        f"/api/v1/models/{version_id}/predict", json={"rows": []}, headers=tenant.bearer
    )
    assert rest.status_code == 200, rest.text
    answer = rest.json()
    forecasts = answer["forecasts"]
    assert answer["intervalLevel"] == 80
    assert len(forecasts) == len(answer["predictionIds"]) == 12
    for series in ("store-0", "store-1"):
        steps = [f for f in forecasts if f["series"] == series]
        times = [pd.Timestamp(f["time"]) for f in steps]
        assert times == list(pd.date_range("2023-01-01", periods=6, freq="MS")), steps
        assert all(f["lower"] <= f["mean"] <= f["upper"] for f in steps), steps
    # GraphQL answers the same forecast
    graph = await post(client, tenant.bearer, PREDICT_FORECAST, {"id": version_id, "rows": []})
    assert "errors" not in graph, graph
    assert [f["mean"] for f in graph["data"]["predict"]["forecasts"]] == pytest.approx(
        [f["mean"] for f in forecasts]
    )
    assert graph["data"]["predict"]["predictions"] == pytest.approx([f["mean"] for f in forecasts])


@pytest.mark.slow
async def test_history_rows_move_the_forecast_and_bad_history_is_a_400(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, dict[str, Any]]
) -> None:
    tenant, found = trained
    url = f"/api/v1/models/{found['modelVersion']['id']}/predict"
    recent = seasonal(seed=5).groupby("store").head(36)  # ends 2020-12
    rows = recent[recent["store"] == "store-0"].to_dict("records")
    ok = await client.post(url, json={"rows": rows}, headers=tenant.bearer)
    assert ok.status_code == 200, ok.text
    steps = ok.json()["forecasts"]
    assert [s["series"] for s in steps] == ["store-0"] * 6
    assert pd.Timestamp(steps[0]["time"]) == pd.Timestamp("2021-01-01")
    assert all(s["lower"] <= s["mean"] <= s["upper"] for s in steps)
    irregular = rows[:10] + rows[12:]
    duplicated = [*rows, rows[3]]
    text = [{**r, "sales": "lots"} if i == 2 else r for i, r in enumerate(rows)]
    bad_time = [{**r, "month": "yesterday"} if i == 2 else r for i, r in enumerate(rows)]
    cases = [
        (rows[:10], "fewer than 24 points"),
        (irregular, "no regular frequency"),
        (duplicated, "repeat a (series, time) pair"),
        (text, "expected a number"),
        (bad_time, "expected an ISO 8601 date"),
        ([{**r, "<img src=x>": 1} for r in rows], "unknown column '<img src=x>'"),
        ([{"month": "2020-01-01", "store": "s", "sales": None}] * 30, "no finite value"),
        ("not a list", "rows must be a list"),
        ([{"month": "2020-01-01", "store": "s", "sales": 1}] * 1001, "At most 1000 rows"),
    ]
    for history, message in cases:
        refused = await client.post(url, json={"rows": history}, headers=tenant.bearer)
        assert refused.status_code == 400, (message, refused.text)
        error = refused.json()["error"]
        assert error["code"] == "BAD_USER_INPUT", error
        assert message in error["message"], (message, error["message"])
        assert error["requestId"]
    explained = await client.post(f"{url}?explain=true", json={"rows": []}, headers=tenant.bearer)
    assert explained.status_code == 400
    assert "no SHAP explanations" in explained.json()["error"]["message"]


@pytest.mark.slow
async def test_another_tenant_cannot_forecast_with_or_see_the_version(
    client: httpx.AsyncClient,
    trained: tuple[TenantFixture, dict[str, Any]],
    other_tenant: TenantFixture,
) -> None:
    _, found = trained
    version_id = found["modelVersion"]["id"]
    rest = await client.post(
        f"/api/v1/models/{version_id}/predict", json={"rows": []}, headers=other_tenant.bearer
    )
    assert rest.status_code == 404, rest.text
    graph = await post(
        client, other_tenant.bearer, PREDICT_FORECAST, {"id": version_id, "rows": []}
    )
    assert error_codes(graph) == ["NOT_FOUND"], graph
    seen = await post(client, other_tenant.bearer, VERSION_FORECAST, {"id": version_id})
    assert seen["data"] is None or seen["data"]["modelVersion"] is None, seen
    by_name = await client.post(
        "/api/v1/models/Store sales · sales/predict", json={"rows": []}, headers=other_tenant.bearer
    )
    assert by_name.status_code == 404, by_name.text


@pytest.fixture
async def datasets(client: httpx.AsyncClient, tenant: TenantFixture) -> dict[str, str]:
    good = seasonal()
    irregular = good.drop(index=[10, 11]).reset_index(drop=True)
    duplicated = pd.concat([good, good.iloc[[7]]], ignore_index=True)
    text = good.assign(sales=[f"{v} units" for v in good["sales"]])
    unparseable = good.assign(month=[f"month {i}" for i in range(len(good))])
    hostile = good.rename(columns={"store": "'; DROP TABLE x; --", "month": "<b>when</b>"})
    return {
        "good": await upload_frame(client, tenant.bearer, good, "Good"),
        "short": await upload_frame(client, tenant.bearer, good.groupby("store").head(30), "S"),
        "irregular": await upload_frame(client, tenant.bearer, irregular, "Irregular"),
        "duplicated": await upload_frame(client, tenant.bearer, duplicated, "Duplicated"),
        "text": await upload_frame(client, tenant.bearer, text, "Text"),
        "unparseable": await upload_frame(client, tenant.bearer, unparseable, "Unparseable"),
        "hostile": await upload_frame(client, tenant.bearer, hostile, "Hostile"),
    }


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("good", {"horizon": 6}, "FORECASTING needs timeColumn"),
    ("good", {"timeColumn": "month"}, "between 1 and 500"),
    ("good", {"timeColumn": "month", "horizon": 0}, "between 1 and 500"),
    ("good", {"timeColumn": "month", "horizon": 10**6}, "between 1 and 500"),
    ("good", {"timeColumn": "month", "horizon": 6, "intervalLevel": 99}, "80, 95"),
    ("good", {"timeColumn": "nope", "horizon": 6}, "no column 'nope'"),
    ("good", {"timeColumn": "x" * 5000, "horizon": 6}, "must be column names"),
    ("good", {"timeColumn": "month", "horizon": 6, "seriesIdColumn": "ghost"}, "no column"),
    ("good", {"timeColumn": "store", "horizon": 6}, "three different columns"),
    (
        "good",
        {"timeColumn": "store", "horizon": 6, "seriesIdColumn": None},
        "are not dates or times",
    ),
    ("good", {"timeColumn": "month", "horizon": 30}, "fewer than 114 points"),
    ("good", {"timeColumn": "month", "horizon": 6, "engine": "SKLEARN"}, "does not forecast"),
    ("good", {"timeColumn": "month", "horizon": 6, "excludedColumns": ["store"]}, "leave"),
    ("short", {"timeColumn": "month", "horizon": 6}, "fewer than 42 points"),
    ("irregular", {"timeColumn": "month", "horizon": 6}, "no regular frequency"),
    ("duplicated", {"timeColumn": "month", "horizon": 6}, "repeat a (series, time) pair"),
    ("text", {"timeColumn": "month", "horizon": 6}, "numeric target"),
    ("unparseable", {"timeColumn": "month", "horizon": 6}, "are not dates or times"),
    ("hostile", {"timeColumn": "<b>when</b>", "horizon": 6}, "repeat a (series, time) pair"),
]


@pytest.mark.parametrize(("dataset", "fields", "message"), REFUSALS)
async def test_bad_forecasting_requests_are_refused_and_leave_nothing(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    datasets: dict[str, str],
    dataset: str,
    fields: dict[str, Any],
    message: str,
) -> None:
    before = training_messages()
    series = {"seriesIdColumn": "store"} if dataset not in ("hostile",) else {}
    body = await start(
        client,
        tenant.bearer,
        datasetId=datasets[dataset],
        taskType="FORECASTING",
        target="sales",
        timeBudgetSeconds=30,
        **{**series, **fields},
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert message in body["errors"][0]["message"], body["errors"][0]["message"]
    assert await jobs_of(tenant) == 0
    assert training_messages() == before


async def test_forecasting_fields_on_another_task_and_no_target_are_refused(
    client: httpx.AsyncClient, tenant: TenantFixture, datasets: dict[str, str]
) -> None:
    other = await start(
        client,
        tenant.bearer,
        datasetId=datasets["good"],
        target="sales",
        taskType="REGRESSION",
        timeBudgetSeconds=30,
        horizon=6,
    )
    assert "FORECASTING only" in other["errors"][0]["message"], other
    no_target = await start(
        client,
        tenant.bearer,
        datasetId=datasets["good"],
        taskType="FORECASTING",
        timeColumn="month",
        horizon=6,
        timeBudgetSeconds=30,
    )
    assert "FORECASTING needs a target" in no_target["errors"][0]["message"], no_target
    hostile = await start(
        client,
        tenant.bearer,
        datasetId=datasets["hostile"],
        taskType="FORECASTING",
        target="sales",
        timeColumn="<b>when</b>",
        seriesIdColumn="'; DROP TABLE x; --",
        horizon=6,
        timeBudgetSeconds=30,
    )
    assert "errors" not in hostile, hostile  # odd names are names: the job is queued
    assert hostile["data"]["startTraining"]["taskType"] == "FORECASTING"
    assert await jobs_of(tenant) == 1
    broker.flush_all()


@pytest.mark.slow
async def test_batch_scoring_forecasts_every_series_of_a_history_dataset(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, dict[str, Any]]
) -> None:
    from phantom.batch.scoring import run as score
    from tests.batch.support import claim, parquet_frame, started
    from tests.batch.support import job as batch_job

    tenant, found = trained
    version_id = found["modelVersion"]["id"]
    history = pd.concat(
        [seasonal(3, 48, seed=9), seasonal(1, 40, seed=2).assign(store="new shop")],
        ignore_index=True,
    )
    dataset = await upload_frame(client, tenant.bearer, history, "Recent sales")
    job_id = await started(client, tenant.bearer, version_id, dataset)
    await score(await claim(tenant, job_id), 50)
    done = await batch_job(client, tenant.bearer, job_id)
    assert done["status"] == "SUCCEEDED", done
    response = await client.get(
        f"/api/v1/batch-predictions/{job_id}/download?format=parquet", headers=tenant.bearer
    )
    assert response.status_code == 200, response.text
    output = parquet_frame(response.content)
    assert list(output.columns) == ["series", "time", "mean", "lower", "upper"]
    assert sorted(output["series"].unique()) == ["new shop", "store-0", "store-1", "store-2"]
    assert (output.groupby("series").size() == 6).all()
    first = output[output["series"] == "store-0"]
    assert list(first["time"]) == list(pd.date_range("2022-01-01", periods=6, freq="MS"))
    shop = output[output["series"] == "new shop"]
    assert shop["time"].iloc[0] == pd.Timestamp("2021-05-01")
    assert (output["lower"] <= output["mean"]).all()
    assert (output["mean"] <= output["upper"]).all()
    # history the model cannot forecast fails the job as a data error, saying why
    irregular = history.drop(index=[5]).reset_index(drop=True)
    bad = await upload_frame(client, tenant.bearer, irregular, "Gappy sales")
    failed_id = await started(client, tenant.bearer, version_id, bad)
    await score(await claim(tenant, failed_id), 50)
    failed = await batch_job(client, tenant.bearer, failed_id)
    assert (failed["status"], failed["errorCode"]) == ("FAILED", "data_error"), failed
    assert "no regular frequency" in failed["error"]


@pytest.mark.slow
async def test_forecast_steps_are_kept_in_the_prediction_log(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, dict[str, Any]]
) -> None:
    from phantom.db import transaction
    from phantom.monitoring.predictionlog import find_predictions, prediction_log

    tenant, found = trained
    version_id = found["modelVersion"]["id"]
    await prediction_log.flush()
    answer = await client.post(
        f"/api/v1/models/{version_id}/predict", json={"rows": []}, headers=tenant.bearer
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert await prediction_log.flush() >= 12
    wanted = [uuid.UUID(i) for i in body["predictionIds"]]
    async with transaction(tenant.id) as session:
        logged = await find_predictions(session, uuid.UUID(version_id), wanted)
    assert [logged[i].label for i in wanted] == pytest.approx(
        [f["mean"] for f in body["forecasts"]]
    )
