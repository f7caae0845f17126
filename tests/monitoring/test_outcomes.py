"""Outcomes on a real binary classifier (AutoGluon, the smallest budget): recorded from
real logged predictions by REST (JSON and CSV) and GraphQL, realized performance next to
CBPE's estimate, and every kind of bad input refused or reported."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from phantom.config import settings
from phantom.kit.ids import uuid7_block
from phantom.monitoring import outcomes as outcomes_module
from phantom.monitoring import routes as routes_module
from phantom.monitoring.windows import hour_of
from tests.automl.support import breast_cancer
from tests.monitoring.support import (
    HEALTH,
    logged_batch,
    observe_batch,
    predict_logged,
    train_classifier,
)
from tests.support.fixtures import TenantFixture, create_tenant, gql

pytestmark = pytest.mark.slow  # a real fit in a child process

RECORD = """
mutation Record($id: ID!, $outcomes: [OutcomeInput!]!) {
  recordOutcomes(modelVersionId: $id, outcomes: $outcomes) {
    recorded replaced unknown unknownCount errors { row predictionId message } errorCount
  }
}
"""


@pytest.fixture(scope="module")
async def classifier(app: Any) -> tuple[TenantFixture, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_classifier(client, tenant, breast_cancer(), "diagnosis", "Tumours")
    return tenant, version


def features() -> pd.DataFrame:
    return breast_cancer().drop(columns=["diagnosis", "patient_id"])


def url(version_id: str) -> str:
    return f"/api/v1/models/{version_id}/outcomes"


async def test_realized_performance_next_to_the_estimate(
    client: httpx.AsyncClient, classifier: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = classifier
    frame, truth = features(), breast_cancer()["diagnosis"].tolist()
    answer = await predict_logged(client, tenant, version_id, frame)
    ids = answer["predictionIds"]
    # the same traffic, as the log hands it to monitoring, five hours ago (CBPE's window)
    classes = sorted(answer["probabilities"][0])
    scored = {"predictions": answer["predictions"], "probabilities": answer["probabilities"]}
    earlier = hour_of(datetime.now(UTC)) - timedelta(hours=5)
    await observe_batch(
        tenant, logged_batch(tenant, version_id, frame, {**scored, "scores": []}, earlier, classes)
    )
    # when: the outcomes arrive
    response = await client.post(
        url(version_id),
        json={
            "outcomes": [{"predictionId": i, "actual": a} for i, a in zip(ids, truth, strict=True)]
        },
        headers=tenant.bearer,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "recorded": len(ids),
        "replaced": 0,
        "unknown": [],
        "unknownCount": 0,
        "errors": [],
        "errorCount": 0,
    }
    body = await gql(client, HEALTH, {"id": version_id}, tenant.bearer)
    assert "errors" not in body, body
    health = body["data"]["modelHealth"]
    realized = {m["name"]: m["value"] for m in health["performance"]}
    estimated = {m["name"]: m["value"] for m in health["estimatedPerformance"]}
    # realized is the task's metrics on exactly these outcomes
    predicted = np.asarray(answer["predictions"])
    assert realized["accuracy"] == pytest.approx(float(np.mean(predicted == np.asarray(truth))))
    positive = classes[1]
    p = np.asarray([row[positive] for row in answer["probabilities"]])
    assert realized["roc_auc"] == pytest.approx(roc_auc_score(np.asarray(truth) == positive, p))
    assert health["outcomes"] == len(ids)
    # the estimate, from probability bins only, is close to what happened
    assert set(estimated) >= {"accuracy", "recall", "roc_auc"}
    if (p > 0.5).any():  # (a 5 s fit on a loaded machine may predict one class only)
        assert set(estimated) >= {"precision", "f1"}
    assert estimated["accuracy"] == pytest.approx(realized["accuracy"], abs=0.1)
    assert estimated["roc_auc"] == pytest.approx(realized["roc_auc"], abs=0.1)
    windows = {w["start"]: w for w in health["windows"]}
    assert windows[earlier.isoformat()]["estimatedPerformance"]
    now_window = next(w for w in health["windows"] if w["outcomes"])
    assert now_window["outcomes"] == len(ids)
    assert {m["name"] for m in now_window["performance"]} >= {"accuracy", "roc_auc"}
    # days are sums of hours, outcomes and realized metrics included
    body = await gql(client, HEALTH, {"id": version_id, "window": "DAY"}, tenant.bearer)
    days = body["data"]["modelHealth"]["windows"]
    assert sum(w["outcomes"] for w in days) == health["outcomes"]
    assert sum(w["predictions"] for w in days) == health["predictions"]


async def test_bad_rows_are_reported_and_the_rest_recorded(
    client: httpx.AsyncClient, classifier: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = classifier
    answer = await predict_logged(client, tenant, version_id, features().head(4))
    a, b, c, d = answer["predictionIds"]
    never_scored = str(uuid7_block(datetime.now(UTC), 1)[0])
    outcomes: list[dict[str, Any]] = [
        {"predictionId": a, "actual": "benign"},
        {"predictionId": "not-an-id", "actual": "benign"},
        {"predictionId": b, "actual": "'; DROP TABLE prediction_outcomes; --"},
        {"predictionId": c, "actual": None},
        {"predictionId": d, "actual": {"nested": 1}},
        {"predictionId": never_scored, "actual": "benign"},
        "not an object",
        {"predictionId": a, "actual": "malignant"},  # the same id again: the latest wins
        {"predictionId": b, "actual": "x" * 5000},
    ]
    response = await client.post(
        url(version_id), json={"outcomes": outcomes}, headers=tenant.bearer
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["recorded"] == 1
    assert result["unknown"] == [never_scored]
    errors = {e["row"]: e["message"] for e in result["errors"]}
    assert set(errors) == {2, 3, 4, 5, 7, 9}
    assert "UUID" in errors[2]
    assert "not one of the model's classes" in errors[3]
    assert "missing" in errors[4]
    assert "single value" in errors[5]
    assert "longer than" in errors[9]
    # a later call corrects an outcome: replaced, not added
    body = await gql(
        client,
        RECORD,
        {"id": version_id, "outcomes": [{"predictionId": a, "actual": "benign"}]},
        tenant.bearer,
    )
    assert body["data"]["recordOutcomes"]["replaced"] == 1
    assert body["data"]["recordOutcomes"]["recorded"] == 0


async def test_csv_uploads(
    client: httpx.AsyncClient, classifier: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = classifier
    answer = await predict_logged(client, tenant, version_id, features().head(3))
    ids = answer["predictionIds"]
    csv = "\ufeffpredictionId,actual\n" + "".join(f"{i},malignant\n" for i in ids) + "\n"
    headers = {**tenant.bearer, "Content-Type": "text/csv"}
    response = await client.post(url(version_id), content=csv.encode(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["recorded"] == 3
    for body, message in [
        (b"id,actual\nx,y\n", "header"),
        (b"predictionId,actual\n\xff\xfe\n", "UTF-8"),
        (b'predictionId,actual\n"unterminated,x\n', "malformed"),
    ]:
        response = await client.post(url(version_id), content=body, headers=headers)
        assert response.status_code == 400, response.text
        assert message in response.json()["error"]["message"]
    response = await client.post(
        url(version_id), content=b"predictionId,actual\na,b,c\n", headers=headers
    )
    assert response.json()["errorCount"] == 1


async def test_malformed_oversized_and_refused_bodies(
    client: httpx.AsyncClient,
    classifier: tuple[TenantFixture, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tenant, version_id = classifier
    post = client.post
    for body in [b"{", b"[]", b'{"outcomes": {}}', b'{"rows": []}', b'{"outcomes": []}']:
        response = await post(
            url(version_id),
            content=body,
            headers={**tenant.bearer, "Content-Type": "application/json"},
        )
        assert response.status_code == 400, (body, response.text)
    response = await post(
        url(version_id), content=b"x", headers={**tenant.bearer, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    huge = b'{"outcomes": [' + b" " * settings.OUTCOMES_MAX_BODY_BYTES + b"]}"
    response = await post(
        url(version_id), content=huge, headers={**tenant.bearer, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    small = settings.model_copy(update={"OUTCOMES_MAX_ROWS": 3})
    monkeypatch.setattr(outcomes_module, "settings", small)
    monkeypatch.setattr(routes_module, "settings", small)
    rows = [{"predictionId": str(uuid.uuid4()), "actual": "benign"}] * 4
    response = await post(url(version_id), json={"outcomes": rows}, headers=tenant.bearer)
    assert response.status_code == 400
    assert "At most 3" in response.json()["error"]["message"]
    response = await post(url("not-a-uuid"), json={"outcomes": rows[:1]}, headers=tenant.bearer)
    assert response.status_code == 404
    response = await post(url(version_id), json={"outcomes": rows[:1]})
    assert response.status_code == 401
    # GraphQL: the API's list limit (thousands go through REST)
    many = [{"predictionId": str(uuid.uuid4()), "actual": "benign"}] * 251
    body = await gql(client, RECORD, {"id": version_id, "outcomes": many}, tenant.bearer)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_another_tenant_can_record_nothing(
    client: httpx.AsyncClient, classifier: tuple[TenantFixture, str], other_tenant: TenantFixture
) -> None:
    tenant, version_id = classifier
    answer = await predict_logged(client, tenant, version_id, features().head(2))
    outcomes = [{"predictionId": i, "actual": "benign"} for i in answer["predictionIds"]]
    before = (await gql(client, HEALTH, {"id": version_id}, tenant.bearer))["data"]
    response = await client.post(
        url(version_id), json={"outcomes": outcomes}, headers=other_tenant.bearer
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    body = await gql(client, RECORD, {"id": version_id, "outcomes": outcomes}, other_tenant.bearer)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # the owner's figures are untouched: those predictions still have no outcome
    after = (await gql(client, HEALTH, {"id": version_id}, tenant.bearer))["data"]
    assert after["modelHealth"]["outcomes"] == before["modelHealth"]["outcomes"]
