"""The prediction log: every scored row kept with its id, written in batches off the
request path, one audit event per batch (never per call), verifiable against the chain,
and scoped to its tenant."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from phantom.audit.models import AuditEvent
from phantom.authz.permissions import P
from phantom.db import transaction
from phantom.kit.storage import get_store
from phantom.monitoring import predictionlog
from phantom.monitoring.models import PredictionBatch
from phantom.monitoring.predictionlog import find_predictions, prediction_log
from tests.graphql.test_schema_permissions import member_with
from tests.serving.support import payment_rows, trained_model
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.servers import PHANTOM

pytestmark = pytest.mark.slow  # a real fit in a child process


@pytest.fixture(scope="module")
async def trained(app: Any) -> tuple[TenantFixture, str]:
    return await trained_model(app)


def phantom_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PHANTOM, *args], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


async def predict(
    client: httpx.AsyncClient, tenant: TenantFixture, version_id: str, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/models/{version_id}/predict", json={"rows": rows}, headers=tenant.bearer
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def batches(tenant: TenantFixture) -> list[PredictionBatch]:
    async with transaction(tenant.id) as session:
        return list((await session.scalars(select(PredictionBatch))).all())


async def events(tenant: TenantFixture, action: str) -> int:
    async with transaction(tenant.id) as session:
        count = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )
    return int(count or 0)


async def test_every_scored_row_is_logged_once_with_its_id_and_one_audit_event_per_batch(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    await prediction_log.flush()
    before = {b.id for b in await batches(tenant)}
    events_before = await events(tenant, predictionlog.LOGGED_ACTION)
    # when: 20 concurrent calls of 3 rows, plus one GraphQL call
    answers = await asyncio.gather(
        *(predict(client, tenant, version_id, payment_rows(3, seed=i)) for i in range(20))
    )
    ids = [i for a in answers for i in a["predictionIds"]]
    assert len(ids) == len(set(ids)) == 60
    written = await prediction_log.flush()
    assert written >= 60
    # then: the rows are in the log, in few batches, each recorded once by the chain
    new = [b for b in await batches(tenant) if b.id not in before]
    assert sum(b.rows for b in new) == 60
    assert sum(b.calls for b in new) == 20
    assert await events(tenant, predictionlog.LOGGED_ACTION) - events_before == len(new)
    assert await events(tenant, "predictions.scored") == 0, "one chain append per call"
    logged = []
    for batch in new:
        with get_store().open(batch.storage_key) as source:
            data = source.read()
        assert f"tenants/{tenant.id}/prediction_logs/" in batch.storage_key
        assert predictionlog._digest(data) == batch.sha256
        logged.append(pq.read_table(io.BytesIO(data)).to_pandas())
    rows = {r["prediction_id"]: r for frame in logged for r in frame.to_dict("records")}
    assert set(rows) == set(ids)
    first = answers[0]
    sent = payment_rows(3, seed=0)
    for prediction_id, row, label, score in zip(
        first["predictionIds"], sent, first["predictions"], first["scores"], strict=True
    ):
        stored = rows[prediction_id]
        assert stored["input.amount"] == row["amount"]
        assert stored["input.channel"] == row["channel"]
        assert stored["prediction"] == label
        assert stored["anomaly_score"] == pytest.approx(score)
        assert stored["channel"] == "rest"
        assert stored["latency_ms"] > 0
        assert stored["credential_id"] is not None
    # and: found again by id (to join outcomes), within its tenant only
    wanted = [uuid.UUID(i) for i in first["predictionIds"]]
    async with transaction(tenant.id) as session:
        found = await find_predictions(session, uuid.UUID(version_id), wanted)
    assert [found[i].label for i in wanted] == first["predictions"]
    other = await create_tenant("Beta Insurance")
    async with transaction(other.id) as session:
        assert await find_predictions(session, uuid.UUID(version_id), wanted) == {}


async def test_the_log_verifies_and_a_changed_object_or_digest_is_reported(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    await predict(client, tenant, version_id, payment_rows(4))
    await prediction_log.flush()
    async with transaction(tenant.id) as session:
        intact = await predictionlog.verify(session)
    assert intact.ok, intact.problems
    assert "0 batches" not in intact.summary
    verified = phantom_cli("audit", "verify", "--tenant", tenant.slug, "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["records"]["prediction log"]["ok"] is True
    # when: someone rewrites one stored object (the rows of a batch)
    batch = (await batches(tenant))[-1]
    with get_store().open(batch.storage_key) as source:
        table = pq.read_table(source)
    sink = io.BytesIO()
    pq.write_table(table.slice(1), sink)
    get_store().write(batch.storage_key, io.BytesIO(sink.getvalue()))
    async with transaction(tenant.id) as session:
        tampered = await predictionlog.verify(session)
    assert not tampered.ok
    assert any(str(batch.id) in p and "SHA-256" in p for p in tampered.problems)
    verified = phantom_cli("audit", "verify", "--tenant", tenant.slug, "--json")
    assert verified.returncode == 1, verified.stdout
    answer = json.loads(verified.stdout)
    assert answer["ok"] is False
    assert answer["records"]["prediction log"]["ok"] is False
    # and when the digest in the table is changed to match, the chain still disagrees
    async with transaction(tenant.id) as session:
        row = await session.get(PredictionBatch, batch.id)
        assert row is not None
        row.sha256 = predictionlog._digest(sink.getvalue())
    async with transaction(tenant.id) as session:
        tampered = await predictionlog.verify(session)
    assert any(str(batch.id) in p and "digest was changed" in p for p in tampered.problems)


async def test_a_full_log_makes_callers_wait_and_loses_nothing(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant, version_id = trained
    await prediction_log.flush()
    monkeypatch.setattr(prediction_log, "max_pending_rows", 1000)
    # given: a flush that cannot proceed (held), and a log holding its bound
    async with prediction_log.flushing:
        big = asyncio.create_task(predict(client, tenant, version_id, payment_rows(1000)))
        first = await asyncio.wait_for(big, 30)
        # when: one more call arrives, it waits (back-pressure), it is not dropped
        late = asyncio.create_task(predict(client, tenant, version_id, payment_rows(2)))
        await asyncio.sleep(0.5)
        assert not late.done(), "a call was accepted past the log's bound"
    # then: once the log flushes, the caller is answered and every row is written
    second = await asyncio.wait_for(late, 30)
    await prediction_log.flush()
    async with transaction(tenant.id) as session:
        found = await find_predictions(
            session,
            uuid.UUID(version_id),
            [uuid.UUID(i) for i in first["predictionIds"][-5:] + second["predictionIds"]],
        )
    assert len(found) == 7


RETENTION = "{ predictionLogRetention { days defaultDays } }"
SET_RETENTION = """mutation($d: Int) { setPredictionLogRetention(days: $d) {
  days defaultDays } }"""


async def test_retention_is_the_tenants_own_and_deletes_only_its_old_batches(
    client: httpx.AsyncClient, trained: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = trained
    await predict(client, tenant, version_id, payment_rows(3))
    await prediction_log.flush()
    default = await gql(client, RETENTION, {}, tenant.bearer)
    assert default["data"]["predictionLogRetention"] == {"days": 90, "defaultDays": 90}
    # refused: out of range, and for a member without retention:manage
    for days in (0, -5, 3651):
        refused = await gql(client, SET_RETENTION, {"d": days}, tenant.bearer)
        assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
    everything_else = set(P) - {P.RETENTION_MANAGE}
    member = {"Authorization": f"Bearer {await member_with(tenant, everything_else)}"}
    refused = await gql(client, SET_RETENTION, {"d": 7}, member)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # when: the tenant keeps 7 days, and its batches are eight days old
    body = await gql(client, SET_RETENTION, {"d": 7}, tenant.bearer)
    assert body["data"]["setPredictionLogRetention"] == {"days": 7, "defaultDays": 90}
    kept = await batches(tenant)
    eight_days_on = max(b.last_at for b in kept) + timedelta(days=8)
    other = await create_tenant("Beta Insurance")
    async with transaction(other.id) as session:  # another tenant's run deletes nothing
        assert await predictionlog.expire(session, now=eight_days_on) == 0
    assert len(await batches(tenant)) == len(kept)
    async with transaction(tenant.id) as session:
        deleted = await predictionlog.expire(session, now=eight_days_on)
    # then: every batch and its object are gone, the chain names them, verify is clean
    assert deleted == len(kept)
    assert await batches(tenant) == []
    assert not any(get_store().exists(b.storage_key) for b in kept)
    assert await events(tenant, predictionlog.EXPIRED_ACTION) >= 1
    async with transaction(tenant.id) as session:
        checked = await predictionlog.verify(session)
    assert checked.ok, checked.problems
    # back to the default
    body = await gql(client, SET_RETENTION, {"d": None}, tenant.bearer)
    assert body["data"]["setPredictionLogRetention"]["days"] == 90
