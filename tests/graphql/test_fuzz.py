"""Fuzzing the real server with documents generated from the schema (valid ones, and
ones with a single schema violation), as a signed-in member of one tenant: never a
server error, never an INTERNAL code, never a trace of another tenant."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from graphql import ObjectValueNode, StringValueNode
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from phantom.graphql.schema import schema
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.servers import api_server

pytestmark = pytest.mark.slow
SDL = schema.as_str()
SCALARS = {
    "DateTime": st.just(StringValueNode(value="2026-01-01T00:00:00+00:00")),
    "JSON": st.just(ObjectValueNode(fields=())),
    "Upload": st.just(StringValueNode(value="x")),  # files come as multipart: refused here
}
FUZZ = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with api_server(tmp_path_factory.mktemp("fuzz")) as url:
        yield url


@pytest.fixture(scope="module")
async def tenants() -> tuple[TenantFixture, TenantFixture]:
    return await create_tenant("Fuzz Bank"), await create_tenant("Canary Insurance 7f3a")


def check(client: httpx.Client, document: str, me: TenantFixture, other: TenantFixture) -> None:
    response = client.post("/graphql", json={"query": document}, headers=me.bearer)
    assert response.status_code < 500, (document, response.text)
    body = response.json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL" not in codes, (document, body)
    assert None not in codes, (document, body)
    for canary in (other.name, other.slug, str(other.id), other.admin_email):
        assert canary not in response.text, (document, canary)


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE])
def test_generated_documents_never_fail_the_server(
    server: str, tenants: tuple[TenantFixture, TenantFixture], mode: Mode
) -> None:
    me, other = tenants
    with httpx.Client(base_url=server, timeout=30) as client:

        @FUZZ
        @given(document=from_schema(SDL, custom_scalars=SCALARS, mode=mode))
        def run(document: str) -> None:
            check(client, document, me, other)

        run()


def test_fuzz_leaves_the_other_tenant_untouched(
    server: str, tenants: tuple[TenantFixture, TenantFixture]
) -> None:
    _, other = tenants
    with httpx.Client(base_url=server) as client:
        body = client.post(
            "/graphql",
            json={"query": "{ viewer { apiTokens { totalCount edges { node { revokedAt } } } } }"},
            headers=other.bearer,
        ).json()
    tokens = body["data"]["viewer"]["apiTokens"]
    assert tokens["totalCount"] == 1
    assert tokens["edges"][0]["node"]["revokedAt"] is None
