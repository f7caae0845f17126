"""Explanations and input warnings through the real API, on a model without trees to
read (the anomaly engine's ensemble): the sampled explainer over the background stored
at training."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from phantom.config import settings
from phantom.explain import service as explain_service
from tests.automl.support import post
from tests.explain.support import (
    SUMMARY,
    anomaly_version,
    assert_additive,
    graphql_predict,
)
from tests.support.fixtures import TenantFixture, create_tenant, error_codes
from tests.support.servers import api_server

pytestmark = pytest.mark.slow  # a real fit in a child process

FEATURES = {"age", "region", "income"}
ROWS = [
    {"age": 35, "region": "north", "income": 52.0},
    {"age": 80, "region": "west", "income": 20.0},
]


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return tenant, await anomaly_version(client, tenant)


async def test_rest_explains_each_row_additively_and_plain_calls_carry_no_explanation(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    url = f"/api/v1/models/{version_id}/predict"
    # when
    explained = await client.post(url + "?explain=true", json={"rows": ROWS}, headers=tenant.bearer)
    plain = await client.post(url, json={"rows": ROWS}, headers=tenant.bearer)
    # then: one explanation per row; its output is the model's own anomaly score
    assert explained.status_code == 200, explained.text
    body = explained.json()
    assert len(body["explanations"]) == len(ROWS)
    for explanation, score in zip(body["explanations"], body["scores"], strict=True):
        assert_additive(explanation, FEATURES)
        assert explanation["output"] == pytest.approx(score, abs=1e-9)
        assert explanation["method"] == "kernel"
        assert explanation["explained"] == "anomaly score (higher is more anomalous)"
    first = {c["feature"]: c["value"] for c in body["explanations"][0]["contributions"]}
    assert first == {"age": 35.0, "region": "north", "income": 52.0}
    assert plain.status_code == 200, plain.text
    assert "explanations" not in plain.json()
    assert plain.json()["warnings"] == []
    assert plain.json()["target"] is None  # anomaly detection without a label


async def test_graphql_explains_with_the_same_numbers(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    body = await graphql_predict(client, tenant, version_id, ROWS[:1], explain=True)
    assert "errors" not in body, body
    answer = body["data"]["predict"]
    assert_additive(answer["explanations"][0], FEATURES)
    assert answer["explanations"][0]["output"] == pytest.approx(answer["scores"][0], abs=1e-9)
    plain = await graphql_predict(client, tenant, version_id, ROWS[:1], explain=False)
    assert plain["data"]["predict"]["explanations"] is None


async def test_the_issues_example_comes_back_with_two_warnings_and_a_missing_column_with_one(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    rows = [
        {"age": 40, "region": "south", "income": 50.0},
        {"age": -5, "region": "Mars", "income": 50.0},
        {"age": 40, "region": "south"},
    ]
    # when: REST and GraphQL, without explain
    rest = await client.post(
        f"/api/v1/models/{version_id}/predict", json={"rows": rows}, headers=tenant.bearer
    )
    graphql = await graphql_predict(client, tenant, version_id, rows, explain=False)
    # then: scored, each unseen input flagged on its row
    assert rest.status_code == 200, rest.text
    assert len(rest.json()["predictions"]) == 3
    for warnings in (rest.json()["warnings"], graphql["data"]["predict"]["warnings"]):
        assert [(w["row"], w["feature"], w["kind"]) for w in warnings] == [
            (1, "age", "OUT_OF_RANGE"),
            (1, "region", "UNSEEN_CATEGORY"),
            (2, "income", "MISSING"),
        ]
        assert "-5" in warnings[0]["message"]
        assert "[18, 90]" in warnings[0]["message"]
        assert "Mars" in warnings[1]["message"]


async def test_more_rows_than_the_explain_limit_is_bad_user_input(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant, version_id = trained
    monkeypatch.setattr(
        explain_service, "settings", settings.model_copy(update={"EXPLAIN_MAX_ROWS": 2})
    )
    rows = ROWS + ROWS[:1]
    rest = await client.post(
        f"/api/v1/models/{version_id}/predict?explain=true",
        json={"rows": rows},
        headers=tenant.bearer,
    )
    assert rest.status_code == 400, rest.text
    assert rest.json()["error"]["code"] == "BAD_USER_INPUT"
    assert "At most 2 rows per call with explain" in rest.json()["error"]["message"]
    graphql = await graphql_predict(client, tenant, version_id, rows, explain=True)
    assert error_codes(graphql) == ["BAD_USER_INPUT"]
    # without explain the same rows are scored
    plain = await graphql_predict(client, tenant, version_id, rows, explain=False)
    assert "errors" not in plain, plain


@pytest.mark.parametrize("value", ["yes", "2", "TRUE!", "x" * 500])
async def test_an_explain_flag_that_is_not_a_boolean_is_refused(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str], value: str
) -> None:
    tenant, version_id = trained
    response = await client.post(
        f"/api/v1/models/{version_id}/predict",
        params={"explain": value},
        json={"rows": ROWS},
        headers=tenant.bearer,
    )
    assert response.status_code == 400, response.text
    assert "explain must be true or false" in response.json()["error"]["message"]


async def test_another_tenants_version_is_not_found_with_or_without_explain(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    _, version_id = trained
    other = await create_tenant("Other Bank")
    for suffix in ("", "?explain=true"):
        response = await client.post(
            f"/api/v1/models/{version_id}/predict{suffix}",
            json={"rows": ROWS},
            headers=other.bearer,
        )
        assert response.status_code == 404, response.text
    body = await graphql_predict(client, other, version_id, ROWS, explain=True)
    assert error_codes(body) == ["NOT_FOUND"]
    summary = await post(client, other.bearer, SUMMARY, {"id": version_id})
    assert summary["data"] is None or summary["data"]["modelVersion"] is None
    assert "NOT_FOUND" in error_codes(summary)


async def test_the_version_has_a_sampled_summary_beside_permutation_importance(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    body = await post(client, tenant.bearer, SUMMARY, {"id": version_id})
    assert "errors" not in body, body
    version = body["data"]["modelVersion"]
    summary = version["explanationSummary"]
    assert summary["method"] == "kernel"
    assert summary["explained"] == "anomaly score (higher is more anomalous)"
    assert summary["rows"] >= 1  # as many as the job's time allowed (a 5 s budget here)
    assert {f["feature"] for f in summary["features"]} == FEATURES
    sizes = [f["meanAbsShap"] for f in summary["features"]]
    assert sizes == sorted(sizes, reverse=True)
    assert all(len(f["points"]) == summary["rows"] for f in summary["features"])
    assert version["trainingJob"]["featureImportance"]


async def test_past_the_time_bound_a_real_server_answers_unavailable_quickly(
    trained: tuple[TenantFixture, str], tmp_path: Path
) -> None:
    tenant, version_id = trained
    url = f"/api/v1/models/{version_id}/predict"
    with api_server(tmp_path, {"PHANTOM_EXPLAIN_TIMEOUT_SECONDS": "0.05"}) as base:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            warm = await http.post(url, json={"rows": ROWS}, headers=tenant.bearer)
            assert warm.status_code == 200, warm.text  # the model is loaded
            started = time.monotonic()
            late = await http.post(
                url + "?explain=true", json={"rows": ROWS}, headers=tenant.bearer
            )
            took = time.monotonic() - started
            after = await http.post(url, json={"rows": ROWS}, headers=tenant.bearer)
    assert late.status_code == 503, late.text
    assert late.json()["error"]["code"] == "UNAVAILABLE"
    assert "did not finish within 0.05 s" in late.json()["error"]["message"]
    assert took < 5
    assert after.status_code == 200, after.text  # the model still answers others
