"""``promotionRequests`` and the versions' ``approvals`` cost the same number of queries
for a page of three as for one row (the web app's fields: names through loaders)."""

from __future__ import annotations

import httpx
import pytest

from tests.approvals.conftest import World
from tests.support.fixtures import gql
from tests.support.queries import page_costs

pytestmark = pytest.mark.slow  # the model versions are real fits in child processes

REQUESTS = """query($first: Int!) { promotionRequests(first: $first) { totalCount edges { node {
  id modelVersionId modelName version stage justification status requestedBy requestedAt
  expiresAt decidedBy decidedAt comment reportSha256 canDecide } } } }"""
VERSIONS = """query($first: Int!) { modelVersions(first: $first) { totalCount edges { node {
  id stage approvals { id modelName version status requestedBy decidedBy canDecide } } } } }"""
ASK = """mutation($i: RequestPromotionInput!) { requestPromotion(input: $i) { id } }"""
WITHDRAW = "mutation($id: ID!) { withdrawPromotionRequest(id: $id) { id } }"


@pytest.mark.parametrize("query", [REQUESTS, VERSIONS])
async def test_a_page_costs_the_same_as_one_row(
    client: httpx.AsyncClient, world: World, query: str
) -> None:
    # given: every version has a request in its history (withdrawn: the slot frees)
    for version_id in world.versions:
        asked = await gql(
            client,
            ASK,
            {"i": {"modelVersionId": version_id, "stage": "STAGING", "justification": "count"}},
            world.promoter,
        )
        assert "errors" not in asked, asked
        withdrawn = await gql(
            client, WITHDRAW, {"id": asked["data"]["requestPromotion"]["id"]}, world.promoter
        )
        assert "errors" not in withdrawn, withdrawn
    # when / then: three rows cost what one row costs
    costs = await page_costs(client, world.tenant.bearer, query, (1, 3))
    assert costs[3] == costs[1], costs
