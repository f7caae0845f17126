"""The compliance overview, against the audit chain, data subject requests, approvals,
alerts, retention and SSO state made through the real API, in two tenants."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import httpx

from phantom.audit.chain import checkpoint
from phantom.audit.repository import AuditRepository
from phantom.authz.permissions import P
from phantom.authz.roles import Role
from phantom.db import transaction
from phantom.overview.service import add_months
from tests.graphql.test_schema_permissions import member_with
from tests.overview.conftest import World, member_of_role
from tests.support.fixtures import error_codes, gql
from tests.support.queries import count_queries

OVERVIEW = """{ complianceOverview { generatedAt
  auditChain { lastVerifiedAt lastVerificationPassed lastCheckpointSeq
    lastCheckpointSignedAt lastCheckpointAgeHours }
  dataSubjectRequests { id kind status createdAt dueAt daysLeft }
  modelsAwaitingApproval { modelVersionId modelName version }
  modelsLackingReport { model { modelVersionId } newestReportAt }
  modelsWithFairnessFlags { modelVersionId }
  modelsWithDriftAlerts { modelVersionId modelName version }
  retention { isSet detailsDays updatedAt lastPurgeAt }
  sso { configured required lastChangedAt } } }"""
VERIFY = "mutation { verifyAuditChain { ok events } }"
RETENTION = "mutation { setAuditRetentionPolicy(detailsDays: 400) { detailsDays updatedAt } }"
REQUEST = """mutation($i: CreateDataSubjectRequestInput!) { createDataSubjectRequest(input: $i) {
  id createdAt } }"""


async def overview(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    body = await gql(client, OVERVIEW, headers=headers)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["complianceOverview"]
    return found


async def ok(client: httpx.AsyncClient, query: str, headers: dict[str, str], **v: Any) -> Any:
    body = await gql(client, query, v or None, headers)
    assert "errors" not in body, body
    return body["data"]


async def test_the_figures_come_from_the_tenants_own_records(
    client: httpx.AsyncClient, world: World
) -> None:
    ours, theirs = world.ours.tenant, world.theirs.tenant
    # given: a verification, a signed checkpoint, a retention policy and an open request
    assert (await ok(client, VERIFY, ours.bearer))["verifyAuditChain"]["ok"]
    async with transaction(ours.id) as session:
        signed = await checkpoint(session)
    assert signed is not None
    await ok(client, RETENTION, ours.bearer)
    created = await ok(
        client,
        REQUEST,
        ours.bearer,
        i={"kind": "ACCESS", "subjectEmail": ours.admin_email, "reason": "Customer asked"},
    )
    request = created["createDataSubjectRequest"]
    # when
    found = await overview(client, ours.bearer)
    # then: the chain
    chain = found["auditChain"]
    assert chain["lastVerificationPassed"] is True
    assert datetime.fromisoformat(chain["lastVerifiedAt"]) <= datetime.now(UTC)
    assert chain["lastCheckpointSeq"] == signed.seq
    assert datetime.fromisoformat(chain["lastCheckpointSignedAt"]) == signed.signed_at
    assert 0 <= chain["lastCheckpointAgeHours"] < 1
    # the request and its one-month limit
    [dsr] = found["dataSubjectRequests"]
    created_at = datetime.fromisoformat(request["createdAt"])
    due = add_months(created_at, 1)
    assert (dsr["id"], dsr["kind"], dsr["status"]) == (request["id"], "ACCESS", "PENDING")
    assert datetime.fromisoformat(dsr["dueAt"]) == due
    generated = datetime.fromisoformat(found["generatedAt"])
    assert dsr["daysLeft"] == math.floor((due - generated).total_seconds() / 86400)
    assert 27 <= dsr["daysLeft"] <= 31
    # models: v2 waits for approval; v1 has no report and an open drift alert
    assert found["modelsAwaitingApproval"] == [
        {"modelVersionId": world.ours.pending, "modelName": "Card fraud", "version": 2}
    ]
    assert found["modelsLackingReport"] == [
        {"model": {"modelVersionId": world.ours.production}, "newestReportAt": None}
    ]
    assert found["modelsWithDriftAlerts"] == [
        {"modelVersionId": world.ours.production, "modelName": "Card fraud", "version": 1}
    ]
    assert found["modelsWithFairnessFlags"] == []  # anomaly detectors have no fairness report
    assert found["retention"]["isSet"] is True
    assert found["retention"]["detailsDays"] == 400
    assert found["retention"]["lastPurgeAt"] is None
    assert found["sso"] == {"configured": False, "required": False, "lastChangedAt": None}
    # and the other tenant sees none of it
    other = await overview(client, theirs.bearer)
    assert other["auditChain"]["lastVerifiedAt"] is None
    async with transaction(theirs.id) as session:
        their_checkpoint = await AuditRepository(session).latest_checkpoint()
    assert their_checkpoint is not None  # signed when the tenant was created
    assert other["auditChain"]["lastCheckpointSeq"] == their_checkpoint.seq < signed.seq
    assert other["dataSubjectRequests"] == []
    assert other["modelsAwaitingApproval"] == []
    assert other["modelsWithDriftAlerts"] == []
    assert other["modelsLackingReport"] == []  # theirs has a report since its promotion
    assert other["retention"]["isSet"] is False


async def test_a_compliance_officer_reads_it_others_without_audit_read_are_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    tenant = world.ours.tenant
    officer = await member_of_role(tenant, Role.COMPLIANCE_OFFICER)
    found = await overview(client, officer)
    assert found["modelsWithDriftAlerts"][0]["modelVersionId"] == world.ours.production
    for headers in (
        await member_of_role(tenant, Role.EXECUTIVE),
        {"Authorization": f"Bearer {await member_with(tenant, set(P) - {P.AUDIT_READ})}"},
    ):
        body = await gql(client, OVERVIEW, headers=headers)
        assert error_codes(body) == ["FORBIDDEN"], body
        assert body.get("data") is None


async def test_the_compliance_overview_costs_the_same_queries_whatever_the_data(
    client: httpx.AsyncClient, world: World
) -> None:
    counts = []
    for side in (world.ours, world.theirs):
        await overview(client, side.tenant.bearer)
        with count_queries() as statements:
            await overview(client, side.tenant.bearer)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts
