"""Two tenants with real data made through the API, once per module: each trains tiny
anomaly detectors (seconds), promotes one through four-eyes approval, records real-time
predictions and scores a batch; ours also has a pending approval and a drift alert, so
every figure of the overviews has something to count and something not to count; theirs
has a model report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest

from phantom.authz.roles import Role
from phantom.db import transaction
from phantom.identity.sso.provisioning import provision_member
from phantom.identity.tokens import tokens
from phantom.monitoring.predictionlog import prediction_log
from tests.alerts.support import open_drift_alert
from tests.automl.support import upload_frame
from tests.batch.support import score, started
from tests.support.approvals import REQUEST, promote_with_approval
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import payments, train_version, upload_payments

DOCUMENT = """mutation($i: SetModelDocumentationInput!) { setModelDocumentation(input: $i) {
  id } }"""
BUSINESS_LINE = """mutation($v: ID!, $b: String) { setModelBusinessLine(modelVersionId: $v,
  businessLine: $b) { modelVersionId modelName businessLine } }"""
APPROVALS = """query($id: ID!) { modelVersion(id: $id) { approvals { status decidedAt } } }"""
REPORT = """mutation($v: ID!) { generateModelReport(modelVersionId: $v) { generatedAt } }"""
JOB_TIMES = """query($id: ID!) { trainingJob(id: $id) { status startedAt finishedAt } }"""


@dataclass
class Side:
    """One tenant's data, and the figures the overview must show for it."""

    tenant: TenantFixture
    production: str  # the version in production
    pending: str | None  # a version waiting for approval
    realtime_rows: int
    batch_rows: int
    approved_at: datetime
    reported_at: datetime | None  # its newest model report
    compute_seconds: float  # sum of finished - started over its training jobs
    jobs: int


@dataclass
class World:
    ours: Side
    theirs: Side


async def member_of_role(tenant: TenantFixture, role: Role) -> dict[str, str]:
    """A new member holding one built-in role; a bearer header of theirs."""
    email = f"{role.value}-{uuid.uuid4().hex[:6]}@{tenant.slug}.example.com"
    async with transaction(tenant.id) as session:
        await provision_member(
            session,
            tenant_id=tenant.id,
            email=email,
            display_name=role.value,
            roles=[role.value],
            sso_subject=f"test|{email}",
        )
        secret, _ = await tokens.create(session, tenant_id=tenant.id, email=email, name="t")
    return {"Authorization": f"Bearer {secret}"}


async def _compute_seconds(
    client: httpx.AsyncClient, tenant: TenantFixture, jobs: list[str]
) -> float:
    total = 0.0
    for job_id in jobs:
        body = await gql(client, JOB_TIMES, {"id": job_id}, tenant.bearer)
        found = body["data"]["trainingJob"]
        started_at = datetime.fromisoformat(found["startedAt"])
        total += (datetime.fromisoformat(found["finishedAt"]) - started_at).total_seconds()
    return total


async def _side(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    *,
    realtime_rows: int,
    batch_rows: int,
    with_pending: bool,
    with_report: bool,
) -> Side:
    dataset = await upload_payments(client, tenant)
    first = await train_version(client, tenant, dataset, "Card fraud")
    version = str(first["id"])
    jobs = [str(first["job"])]
    await gql(
        client,
        DOCUMENT,
        {"i": {"modelVersionId": version, "owner": "Risk analytics"}},
        tenant.bearer,
    )
    await promote_with_approval(client, tenant, version)
    approvals = await gql(client, APPROVALS, {"id": version}, tenant.bearer)
    decided = approvals["data"]["modelVersion"]["approvals"][0]["decidedAt"]
    reported_at = None
    if with_report:
        body = await gql(client, REPORT, {"v": version}, tenant.bearer)
        assert "errors" not in body, body
        reported_at = datetime.fromisoformat(body["data"]["generateModelReport"]["generatedAt"])
    pending = None
    if with_pending:
        second = await train_version(client, tenant, dataset, "Card fraud")
        pending, jobs = str(second["id"]), [*jobs, str(second["job"])]
        asked = await gql(
            client,
            REQUEST,
            {"i": {"modelVersionId": pending, "stage": "PRODUCTION", "justification": "v2"}},
            tenant.bearer,
        )
        assert "errors" not in asked, asked
    response = await client.post(
        f"/api/v1/models/{version}/predict",
        json={"rows": payments(realtime_rows, 5).to_dict("records")},
        headers=tenant.bearer,
    )
    assert response.status_code == 200, response.text
    await prediction_log.flush()
    scoring = await upload_frame(client, tenant.bearer, payments(batch_rows, 9), "To score")
    job_id = await started(client, tenant.bearer, version, scoring)
    await score(tenant, job_id)
    return Side(
        tenant=tenant,
        production=version,
        pending=pending,
        realtime_rows=realtime_rows,
        batch_rows=batch_rows,
        approved_at=datetime.fromisoformat(decided),
        reported_at=reported_at,
        compute_seconds=await _compute_seconds(client, tenant, jobs),
        jobs=len(jobs),
    )


@pytest.fixture(scope="package")
async def world(app: Any) -> World:
    ours, theirs = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        mine = await _side(
            client, ours, realtime_rows=25, batch_rows=40, with_pending=True, with_report=False
        )
        body = await gql(
            client, BUSINESS_LINE, {"v": mine.production, "b": "Retail cards"}, ours.bearer
        )
        assert "errors" not in body, body
        other = await _side(
            client, theirs, realtime_rows=7, batch_rows=11, with_pending=False, with_report=True
        )
    await open_drift_alert(ours.id, uuid.UUID(mine.production), "amount")
    return World(mine, other)
