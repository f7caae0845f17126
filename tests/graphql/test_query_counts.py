"""Database round trips per request, so regressions show up as failures, not timings."""

from __future__ import annotations

import httpx

from phantom.identity.authn import authenticator
from tests.support.fixtures import TenantFixture, gql
from tests.support.queries import count_queries


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
