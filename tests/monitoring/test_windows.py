"""Window aggregates and health on a real model version (anomaly detection, the fastest
fit): the reference stored at training, ``observe`` merging, drift on a shifted feature
and none on unshifted traffic over many windows, and the signals for alerts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from phantom.db import transaction
from phantom.monitoring import health as h
from phantom.monitoring.models import MonitoringWindow
from phantom.monitoring.types import SignalKind
from phantom.monitoring.windows import hour_of
from phantom.registry.service import registry
from tests.automl.support import upload_frame
from tests.monitoring.support import HEALTH, logged_batch, observe_batch, score, split_batch
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import payments, train_version

pytestmark = pytest.mark.slow  # a real fit in a child process


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


async def test_the_reference_is_stored_at_training(trained: tuple[TenantFixture, str]) -> None:
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
    assert amount["importance"] is not None
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
