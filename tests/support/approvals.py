"""Four-eyes promotion for tests that are not about it: either go through a request and
a second person's approval (as production does), or set the tenant's policy off, which
is itself an audited change by the tenant's owner."""

from __future__ import annotations

from typing import Any

import httpx

from phantom.authz.permissions import P
from tests.support.fixtures import TenantFixture, gql

SET_POLICY = """mutation($i: SetPromotionPolicyInput!) { setPromotionPolicy(input: $i) {
  productionRequiresApproval stagingRequiresApproval requestTtlHours isDefault } }"""
REQUEST = """mutation($i: RequestPromotionInput!) { requestPromotion(input: $i) {
  id status stage canDecide } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!, $comment: String) {
  decidePromotion(id: $id, approve: $approve, comment: $comment) { id status decidedBy } }"""


async def approval_off(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    """The tenant promotes without approval (its owner's audited choice)."""
    body = await gql(
        client,
        SET_POLICY,
        {"i": {"productionRequiresApproval": False, "stagingRequiresApproval": False}},
        tenant.bearer,
    )
    assert "errors" not in body, body


async def approval_off_directly(tenant: TenantFixture) -> None:
    """The same without an HTTP client (fixtures that set up with services)."""
    from phantom.approvals.service import approvals
    from phantom.db import transaction
    from tests.graphql.test_schema_permissions import principal_of

    owner = await principal_of(tenant.token)
    async with transaction(tenant.id) as session:
        await approvals.set_policy(
            session,
            owner,
            production_requires_approval=False,
            staging_requires_approval=False,
            request_ttl_hours=None,
        )


async def approver_of(tenant: TenantFixture) -> dict[str, str]:
    """A second member who may approve (and read models): a bearer header of theirs."""
    from tests.graphql.test_schema_permissions import member_with

    token = await member_with(tenant, {P.MODELS_READ, P.MODELS_APPROVE})
    return {"Authorization": f"Bearer {token}"}


async def promote_with_approval(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    version_id: str,
    stage: str = "PRODUCTION",
    approver: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The owner requests, a second member approves: the decided request."""
    asked = await gql(
        client,
        REQUEST,
        {"i": {"modelVersionId": version_id, "stage": stage, "justification": "tests"}},
        tenant.bearer,
    )
    assert "errors" not in asked, asked
    approver = approver or await approver_of(tenant)
    decided = await gql(
        client, DECIDE, {"id": asked["data"]["requestPromotion"]["id"], "approve": True}, approver
    )
    assert "errors" not in decided, decided
    request: dict[str, Any] = decided["data"]["decidePromotion"]
    assert request["status"] == "APPROVED", request
    return request
