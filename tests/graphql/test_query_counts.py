"""Database round trips per request, so regressions show up as failures, not timings."""

from __future__ import annotations

import httpx
import pytest
from graphql import GraphQLList, get_named_type, get_nullable_type

from phantom.graphql.schema import schema
from phantom.identity.authn import authenticator
from tests.automl.support import start
from tests.support.fixtures import TenantFixture, gql
from tests.support.models import upload_payments
from tests.support.queries import count_queries, page_costs, steady_selects


async def test_warm_viewer_costs_no_database_round_trip(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    query = "{ viewer { id email roles tenant { id slug name } } }"
    await gql(client, query, headers=tenant.bearer)  # warms the credential cache
    await authenticator.flush()  # its last-used write is not part of the requests below
    with count_queries() as statements:
        for _ in range(5):
            body = await gql(client, query, headers=tenant.bearer)
            assert body["data"]["viewer"]["email"] == tenant.admin_email
    assert statements == []


async def test_a_page_of_tokens_and_owners_is_four_queries(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    for i in range(5):
        await gql(
            client,
            "mutation($n: String!) { createApiToken(input: {name: $n}) { token } }",
            {"n": f"t{i}"},
            headers=tenant.bearer,
        )
    query = (
        "{ viewer { apiTokens(first: 3) { totalCount edges { node { id name "
        "owner { email roles } } } } } }"
    )
    await gql(client, query, headers=tenant.bearer)
    with count_queries() as statements:
        await gql(client, query, headers=tenant.bearer)
    selects = [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT") and "set_config" not in s  # RLS settings
    ]
    # the count, the page, then one batch for the owners: memberships and their roles
    assert len(selects) == 4, statements


# --- every list query: a page costs the same as one row -------------------------------------

# the web app's fields for each list (its fragments in frontend/src/features)
LISTS = {
    "members": """query($first: Int!) { members(first: $first) { totalCount edges { node {
      id email displayName roles status lastLoginAt joinedAt signInMethods } } } }""",
    "apiTokens": """query($first: Int!) { apiTokens(first: $first, includeRevoked: true) {
      totalCount edges { node { id name prefix scopes createdAt expiresAt lastUsedAt revokedAt
      owner { email roles } } } } }""",
    # one kind of resource on the page: names cost one lookup per kind (tests/audit)
    "auditEvents": """query($first: Int!) { auditEvents(first: $first,
      filter: {action: "automl.training.started"}) { totalCount edges {
      node { id seq occurredAt action actionLabel outcome resourceType resourceId
      resource { type id name path } requestId detailsState details
      actor { type userId label displayName erased } personalData { subjectId data erased } } }
      } }""",
    "dataSubjectRequests": """query($first: Int!) { dataSubjectRequests(first: $first) {
      totalCount edges { node { id kind status subjectId subjectEmail reason requestedBy
      decidedBy decidedAt decisionNote executedBy executedAt createdAt report } } } }""",
    "datasets": """query($first: Int!) { datasets(first: $first) { totalCount edges { node {
      id name status error sourceFormat originalFilename sizeBytes rowCount columnCount
      createdAt createdBy } } } }""",
    "trainingJobs": """query($first: Int!) { trainingJobs(first: $first) { totalCount edges {
      node { id status progress message modelName dataset { id } datasetName target
      requestedTaskType taskType metric higherIsBetter engine timeBudgetSeconds createdAt
      createdBy leaderboard { rank modelName scoreValidation } } } } }""",
}
# the audit log names people and resources: who was erased, the people's names (and which
# of them this organization erased: a person another keeps still has a user row), and one
# lookup per kind of resource on the page, over its five (count, page, details, keys)
BUDGETS = {"auditEvents": 9}
ROLES = "{ roles { name description builtIn permissions memberCount } }"
PERMISSIONS = "{ permissions { name description } }"
# lists whose query-count test lives with their domain (they need trained models)
ELSEWHERE = {
    "modelVersions": "tests/registry/test_query_counts.py",
    "batchPredictions": "tests/batch/test_query_counts.py",
    "alerts": "tests/alerts/test_query_counts.py",
    "webhooks": "tests/alerts/test_query_counts.py",
    "webhookDeliveries": "tests/alerts/test_query_counts.py",
    "promotionRequests": "tests/approvals/test_query_counts.py",
}
# webhookEvents, auditActionLabels: catalogues; auditPurgeHistory: one page (first <= 100)
# in one query and one details read whatever its size
NOT_PAGINATED = {"roles", "permissions", "webhookEvents", "auditActionLabels", "auditPurgeHistory"}


def list_queries() -> set[str]:
    root = schema._schema.query_type
    return {
        name
        for name, field in root.fields.items()
        if isinstance(get_nullable_type(field.type), GraphQLList)
        or get_named_type(field.type).name.endswith("Connection")
    }


def test_every_list_query_has_a_query_count_test() -> None:
    covered = set(LISTS) | set(ELSEWHERE) | NOT_PAGINATED
    assert list_queries() == covered, "add the new list query to LISTS (or ELSEWHERE)"


async def seed_three_of_each(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    for i in range(3):
        for query, variables in [
            (
                "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { inviteUrl } }",
                {"i": {"email": f"m{i}@{tenant.slug}.example.com", "roles": ["viewer"]}},
            ),
            (
                "mutation($n: String!) { createApiToken(input: {name: $n}) { token } }",
                {"n": f"t{i}"},
            ),
            (
                "mutation($i: CreateDataSubjectRequestInput!) { "
                "createDataSubjectRequest(input: $i) { id } }",
                {"i": {"kind": "ACCESS", "subjectEmail": tenant.admin_email, "reason": "r"}},
            ),
        ]:
            body = await gql(client, query, variables, headers=tenant.bearer)
            assert "errors" not in body, body
        dataset = await upload_payments(client, tenant, f"Payments {i}")
        started = await start(
            client,
            tenant.bearer,
            datasetId=dataset,
            taskType="ANOMALY_DETECTION",
            timeBudgetSeconds=5,
        )
        assert "errors" not in started, started


@pytest.mark.parametrize("name", sorted(LISTS))
async def test_a_page_of_each_list_costs_the_same_as_one_row(
    client: httpx.AsyncClient, tenant: TenantFixture, name: str
) -> None:
    # given: at least three rows of everything
    await seed_three_of_each(client, tenant)
    # when / then: a page of three costs what a page of one costs
    costs = await page_costs(client, tenant.bearer, LISTS[name], (1, 3))
    assert costs[1] == costs[3], costs
    assert costs[3] <= BUDGETS.get(name, 5), costs


async def test_roles_and_permissions_cost_the_same_however_many_roles(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    async def send() -> None:
        for query in (ROLES, PERMISSIONS):
            body = await gql(client, query, headers=tenant.bearer)
            assert "errors" not in body, body

    costs = []
    for extra in range(2):
        await send()  # warm
        costs.append(await steady_selects(send))
        for i in range(3):  # three more custom roles, each with a member
            role = f"r{extra}{i}"
            created = await gql(
                client,
                "mutation($i: CreateRoleInput!) { createRole(input: $i) { name } }",
                {"i": {"name": role, "permissions": ["datasets:read"]}},
                headers=tenant.bearer,
            )
            assert "errors" not in created, created
            invited = await gql(
                client,
                "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { inviteUrl } }",
                {"i": {"email": f"{role}@{tenant.slug}.example.com", "roles": [role]}},
                headers=tenant.bearer,
            )
            assert "errors" not in invited, invited
    assert costs[0] == costs[1], costs
