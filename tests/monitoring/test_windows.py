"""Window aggregates and health on a real model version (anomaly detection, the fastest
fit): the reference stored at training, ``observe`` merging, drift on a shifted feature
and none on unshifted traffic over many windows, and the signals for alerts."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from phantom.db import transaction
from phantom.monitoring import health as h
from phantom.monitoring.jobs import refresh_all
from phantom.monitoring.models import MonitoringWindow
from phantom.monitoring.types import SignalKind
from phantom.monitoring.windows import hour_of
from phantom.registry.models import ModelVersion
from phantom.registry.service import NewVersion, registry
from tests.automl.support import upload_frame
from tests.monitoring.support import HEALTH, logged_batch, observe_batch, score, split_batch
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import payments, train_version

pytestmark = pytest.mark.slow  # a real fit in a child process

REFRESH = """
mutation Refresh($id: ID!) { refreshModelHealth(modelVersionId: $id) { status predictions } }
"""


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, str]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await upload_frame(client, tenant.bearer, payments(3000), "Payments")
        version = await train_version(client, tenant, dataset, "Payments")
    return tenant, str(version["id"])


def base_hour() -> datetime:
    return hour_of(datetime.now(UTC)) - timedelta(hours=20)


async def windows_of(tenant: TenantFixture, version_id: str) -> dict[datetime, MonitoringWindow]:
    async with transaction(tenant.id) as session:
        rows = await session.scalars(
            select(MonitoringWindow).where(
                MonitoringWindow.model_version_id == uuid.UUID(version_id)
            )
        )
        return {w.start: w for w in rows}


async def alerts_of(
    client: httpx.AsyncClient, tenant: TenantFixture, version_id: str
) -> list[dict[str, Any]]:
    query = "{ alerts(first: 100) { edges { node { modelVersionId kind feature status } } } }"
    body = await gql(client, query, None, tenant.bearer)
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["alerts"]["edges"]]
    return [n for n in nodes if n["modelVersionId"] == version_id]


async def test_the_reference_is_stored_at_training(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    async with transaction(tenant.id) as session:
        monitored = await registry.reference_of(session, uuid.UUID(version_id))
    reference = monitored.reference
    assert reference is not None
    features = {f["name"]: f for f in reference["features"]}
    assert set(features) == {"amount", "hour", "channel"}
    amount = features["amount"]
    assert amount["kind"] == "numeric"
    assert 5 <= len(amount["edges"]) <= 9
    assert sum(amount["counts"]) + amount["missing"] == reference["rows"]
    # each feature's permutation importance from the same run (None where its deadline
    # skipped the feature), the summary's weight
    query = """query($id: ID!) { modelVersion(id: $id) {
        trainingJob { featureImportance { feature importance } } } }"""
    body = await gql(client, query, {"id": version_id}, tenant.bearer)
    measured = {
        f["feature"]: f["importance"]
        for f in body["data"]["modelVersion"]["trainingJob"]["featureImportance"]
    }
    assert {name: f["importance"] for name, f in features.items()} == {
        name: measured.get(name) for name in features
    }
    assert features["channel"]["kind"] == "categorical"
    assert sorted(features["channel"]["categories"]) == ["app", "branch", "web"]
    assert reference["predictions"]["kind"] == "score"
    assert sum(reference["predictions"]["counts"]) > 100  # the holdout's scores


async def test_two_batches_merge_like_one(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    frame = payments(1200, seed=11).drop(columns=[])
    scored = await score(client, tenant, version_id, frame)
    one_hour, other_hour = base_hour(), base_hour() + timedelta(hours=1)
    whole = logged_batch(tenant, version_id, frame, scored, one_hour + timedelta(minutes=5))
    await observe_batch(tenant, whole)
    moved = logged_batch(tenant, version_id, frame, scored, other_hour + timedelta(minutes=5))
    first, second = split_batch(moved, 500)
    await observe_batch(tenant, first)
    await observe_batch(tenant, second)
    found = await windows_of(tenant, version_id)
    a, b = found[one_hour], found[other_hour]
    assert a.rows == b.rows == 1200
    assert a.calls == b.calls == 12
    assert a.features == b.features
    assert a.predictions == b.predictions
    assert a.latency == b.latency
    assert sum(a.features["amount"]["counts"]) + a.features["amount"]["missing"] == 1200


async def test_shifted_feature_alerts_and_unshifted_traffic_does_not(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    start = base_hour() + timedelta(hours=3)
    for i in range(8):  # eight hours of traffic from the training source
        frame = payments(600, seed=100 + i)
        scored = await score(client, tenant, version_id, frame)
        at = start + timedelta(hours=i, minutes=10)
        await observe_batch(tenant, logged_batch(tenant, version_id, frame, scored, at))
    shifted_at = start + timedelta(hours=9)
    frame = payments(600, seed=200)
    frame["amount"] = frame["amount"] * 3  # prices tripled: one feature shifted
    scored = await score(client, tenant, version_id, frame)
    batch = logged_batch(
        tenant, version_id, frame, scored, shifted_at + timedelta(minutes=1), failed_calls=2
    )
    await observe_batch(tenant, batch)

    body = await gql(client, HEALTH, {"id": version_id}, tenant.bearer)
    assert "errors" not in body, body
    health = body["data"]["modelHealth"]
    assert health["hasReference"] is True
    windows = {w["start"]: w for w in health["windows"]}
    unshifted = [w for w in health["windows"] if w["start"] < shifted_at.isoformat()]
    assert len(unshifted) >= 8
    for window in unshifted:
        assert window["status"] == "OK", window
        assert all(f["status"] == "OK" for f in window["drift"]), window["drift"]
    shifted = windows[shifted_at.isoformat()]
    assert shifted["predictions"] == 600
    statuses = {f["feature"]: f["status"] for f in shifted["drift"]}
    assert statuses == {"amount": "ALERT", "hour": "OK", "channel": "OK"}
    assert shifted["failed"] == 2
    assert shifted["errorRate"] == pytest.approx(2 / 8)
    assert shifted["latencyP50Ms"] == pytest.approx(5.0, rel=0.13)
    # the latest window is the shifted one: its drill-down shows both distributions
    assert health["latestWindowStart"] == shifted_at.isoformat()
    amount = next(f for f in health["drift"] if f["feature"] == "amount")
    assert amount["psi"] > 0.25
    assert amount["distanceName"] == "ks"
    assert amount["distance"] > 0.3
    assert sum(b["referenceShare"] for b in amount["bins"]) == pytest.approx(1.0)
    assert sum(b["currentShare"] for b in amount["bins"]) == pytest.approx(1.0)
    assert amount["bins"][-1]["label"] == "missing"

    # the signals alert rules get: feature PSI per feature, from the latest window only
    async with transaction(tenant.id) as session:
        computed = await h.compute(session, uuid.UUID(version_id), h.HealthWindow.HOUR, None)
    found = h.signals(computed)
    drift = {s.feature: s.value for s in found if s.kind == SignalKind.FEATURE_DRIFT}
    assert drift["amount"] > 0.25
    # unshifted features: noise (drift.p_value), so the rules get no drift figure for them
    assert set(drift) == {"amount"}
    assert {s.window_start for s in found} == {shifted_at}
    assert any(s.kind == SignalKind.ERROR_RATE and s.value == pytest.approx(0.25) for s in found)
    assert any(s.kind == SignalKind.LATENCY_P99 for s in found)

    assert all(s.reference == 0.25 for s in found if s.kind == SignalKind.FEATURE_DRIFT)

    # through the alert rules: every unshifted window, oldest first, opens nothing; the
    # shifted one (refreshModelHealth) opens one drift alert, on the shifted feature
    version_uuid = uuid.UUID(version_id)
    for window in computed.windows:
        if window.start < shifted_at and window.predictions >= computed.thresholds.min_rows:
            async with transaction(tenant.id) as session:
                await h.evaluate_alerts(
                    session, tenant.id, version_uuid, replace(computed, latest=window)
                )
    assert await alerts_of(client, tenant, version_id) == []
    body = await gql(client, REFRESH, {"id": version_id}, tenant.bearer)
    assert body["data"]["refreshModelHealth"]["status"] == "ALERT"
    opened = await alerts_of(client, tenant, version_id)
    kinds = [(a["kind"], a["feature"]) for a in opened]
    assert [k for k in kinds if k[0] == "FEATURE_DRIFT"] == [("FEATURE_DRIFT", "amount")]
    assert ("ERROR_RATE", None) in kinds  # 2 of 8 calls failed in that hour
    # (tripled amounts also move the anomaly scores: PREDICTION_DRIFT may open too)

    # a day window is the sum of its hours
    body = await gql(client, HEALTH, {"id": version_id, "window": "DAY"}, tenant.bearer)
    days = body["data"]["modelHealth"]["windows"]
    assert sum(d["predictions"] for d in days) == health["predictions"]


async def test_another_tenant_sees_nothing(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str], other_tenant: TenantFixture
) -> None:
    _, version_id = trained
    body = await gql(client, HEALTH, {"id": version_id}, other_tenant.bearer)
    assert body["data"] is None or body["data"].get("modelHealth") is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


THRESHOLDS = """
mutation Set($warn: Float!, $alert: Float!, $rows: Int!) {
  setMonitoringThresholds(psiWarn: $warn, psiAlert: $alert, minRows: $rows) {
    psiWarn psiAlert minRows
  }
}
"""


async def test_refresh_now_and_the_periodic_job(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    # fewer rows than minRows: the module's other windows stay the ones drift describes
    frame = payments(50, seed=300)
    scored = await score(client, tenant, version_id, frame)
    now = datetime.now(UTC)
    await observe_batch(tenant, logged_batch(tenant, version_id, frame, scored, now))
    body = await gql(client, REFRESH, {"id": version_id}, tenant.bearer)
    assert "errors" not in body, body
    assert body["data"]["refreshModelHealth"]["predictions"] >= 50
    # the periodic job visits every version with traffic in the last two hours
    assert await refresh_all(now) >= 1
    assert await refresh_all(now + timedelta(hours=3)) == 0


async def test_thresholds_per_tenant(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    body = await gql(client, THRESHOLDS, {"warn": 0.2, "alert": 0.5, "rows": 50}, tenant.bearer)
    assert body["data"]["setMonitoringThresholds"] == {
        "psiWarn": 0.2,
        "psiAlert": 0.5,
        "minRows": 50,
    }
    query = "{ monitoringThresholds { psiWarn psiAlert minRows } }"
    mine = await gql(client, query, None, tenant.bearer)
    theirs = await gql(client, query, None, other_tenant.bearer)
    assert mine["data"]["monitoringThresholds"]["psiWarn"] == 0.2
    assert theirs["data"]["monitoringThresholds"] == {
        "psiWarn": 0.1,
        "psiAlert": 0.25,
        "minRows": 200,
    }
    for bad in [
        {"warn": 0.5, "alert": 0.2, "rows": 50},
        {"warn": -1, "alert": 0.2, "rows": 50},
        {"warn": 0.1, "alert": 1e308, "rows": 50},
        {"warn": 0.1, "alert": 0.2, "rows": 0},
    ]:
        body = await gql(client, THRESHOLDS, bad, tenant.bearer)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", bad


async def test_a_version_without_reference_has_no_drift_but_volume(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    """Versions registered before references existed: volume, latency and errors only."""
    tenant, version_id = trained
    async with transaction(tenant.id) as session:
        current = await session.get(ModelVersion, uuid.UUID(version_id))
        assert current is not None
        legacy = await registry.register(
            session,
            NewVersion(
                model_name="Payments before monitoring",
                training_job_id=None,
                dataset_id=None,
                dataset_name=current.dataset_name,
                dataset_content_hash=current.dataset_content_hash,
                engine=current.engine,
                task_type=current.task_type,
                target=None,
                metric=current.metric,
                metrics={},
                best_model_name=current.best_model_name,
                features=current.features,
                classes=None,
                artifact_path=current.artifact_path,
                artifact_hash=current.artifact_hash,
                artifact_bytes=current.artifact_bytes,
                created_by=None,
                reference=None,
            ),
        )
    legacy_id = str(legacy.id)
    frame = payments(300, seed=400)
    scored = await score(client, tenant, legacy_id, frame)
    at = base_hour() + timedelta(hours=2)
    await observe_batch(tenant, logged_batch(tenant, legacy_id, frame, scored, at))
    body = await gql(client, HEALTH, {"id": legacy_id}, tenant.bearer)
    assert "errors" not in body, body
    health = body["data"]["modelHealth"]
    assert health["hasReference"] is False
    assert health["status"] == "NO_REFERENCE"
    assert health["drift"] == []
    assert health["predictionDrift"] is None
    (window,) = health["windows"]
    assert window["predictions"] == 300
    assert window["calls"] == 3
    assert window["latencyP99Ms"] is not None


async def test_a_batch_across_an_hour_and_concurrent_flushes(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    frame = payments(400, seed=500)
    scored = await score(client, tenant, version_id, frame)
    boundary = base_hour() - timedelta(hours=2)
    batch = logged_batch(tenant, version_id, frame, scored, boundary - timedelta(minutes=1))
    times = [boundary - timedelta(seconds=1)] * 150 + [boundary + timedelta(seconds=1)] * 250
    await observe_batch(tenant, replace(batch, times=times))
    # two processes flushing into the same new hour at once: both counted, once each
    fresh = boundary + timedelta(hours=1)
    await asyncio.gather(
        *(
            observe_batch(tenant, logged_batch(tenant, version_id, frame, scored, fresh))
            for _ in range(2)
        )
    )
    found = await windows_of(tenant, version_id)
    assert found[boundary - timedelta(hours=1)].rows == 150
    assert found[boundary].rows == 250
    assert found[fresh].rows == 800
    assert found[fresh].calls == 8


async def test_a_batch_monitoring_cannot_count_still_counts_its_volume(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    """The prediction log's flush never fails on monitoring's account."""
    tenant, version_id = trained
    frame = payments(100, seed=600)
    scored = await score(client, tenant, version_id, frame)
    at = base_hour() - timedelta(hours=4)
    broken = frame.astype({"channel": object})
    broken["channel"] = [{"unhashable": i} for i in range(100)]
    await observe_batch(tenant, logged_batch(tenant, version_id, broken, scored, at))
    window = (await windows_of(tenant, version_id))[at]
    assert window.rows == 100
    assert window.calls == 1
    assert window.features == {}
