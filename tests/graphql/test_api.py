"""The /graphql endpoint: authentication, CSRF, limits and the error policy."""

from __future__ import annotations

import json

import httpx
import pytest
from graphql import get_introspection_query

from tests.support.fixtures import TenantFixture, error_codes, gql

VIEWER = "query Viewer { viewer { id email roles authMethod tenant { id slug name } } }"


async def sign_in(client: httpx.AsyncClient, t: TenantFixture) -> str:
    response = await client.post(
        "/auth/login", json={"tenant": t.slug, "email": t.admin_email, "password": t.password}
    )
    assert response.status_code == 200, response.text
    csrf: str = response.json()["csrfToken"]
    return csrf


async def test_viewer_with_api_token(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    # when
    body = await gql(client, VIEWER, headers=tenant.bearer)
    # then
    viewer = body["data"]["viewer"]
    assert viewer["email"] == tenant.admin_email
    assert viewer["tenant"] == {"id": str(tenant.id), "slug": tenant.slug, "name": tenant.name}
    assert viewer["roles"] == ["owner"]
    assert viewer["authMethod"] == "API_TOKEN"


async def test_each_tenant_sees_only_itself(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    for me, them in ((tenant, other_tenant), (other_tenant, tenant)):
        body = await gql(client, VIEWER + " ", headers=me.bearer)
        text = json.dumps(body)
        assert body["data"]["viewer"]["tenant"]["id"] == str(me.id)
        assert str(them.id) not in text
        assert them.slug not in text
        assert them.name not in text


async def test_session_cookie_needs_the_csrf_header(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    csrf = await sign_in(client, tenant)
    # without the header: refused, no data
    body = await gql(client, VIEWER)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    # a wrong header: refused
    body = await gql(client, VIEWER, headers={"X-CSRF-Token": "forged"})
    assert error_codes(body) == ["FORBIDDEN"]
    # the right one
    body = await gql(client, VIEWER, headers={"X-CSRF-Token": csrf})
    assert body["data"]["viewer"]["authMethod"] == "SESSION"


async def test_login_cookie_flags(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    response = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
    )
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("phantom_session="))
    assert "HttpOnly" in session
    assert "SameSite=lax" in session
    assert "Path=/" in session
    csrf = next(c for c in cookies if c.startswith("phantom_csrf="))
    assert "HttpOnly" not in csrf


async def test_logout_revokes_the_session_server_side(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    csrf = await sign_in(client, tenant)
    stolen = client.cookies.get("phantom_session")
    # logout without CSRF is refused (a cross-site form cannot sign you out)
    assert (await client.post("/auth/logout")).status_code == 403
    assert (await client.post("/auth/logout", headers={"X-CSRF-Token": csrf})).status_code == 204
    # replaying the old cookie after logout fails
    client.cookies.set("phantom_session", stolen or "")
    body = await gql(client, VIEWER, headers={"X-CSRF-Token": csrf})
    assert error_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        (b"not json", 400, "Send a JSON object"),
        (b"[]", 400, "Send a JSON object"),
        (b'{"tenant": "x", "email": "y"}', 400, "'password' is required"),
        (b'{"tenant": 1, "email": "y", "password": "z"}', 400, "'tenant' is required"),
        (b'{"tenant": "' + b"x" * 5000 + b'"}', 413, "larger than the limit"),
    ],
)
async def test_login_rejects_malformed_bodies(
    client: httpx.AsyncClient, payload: bytes, status: int, message: str
) -> None:
    response = await client.post(
        "/auth/login", content=payload, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert message in response.json()["error"]["message"]


async def test_failed_logins_are_throttled(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    from phantom.config import settings

    wrong = {"tenant": tenant.slug, "email": tenant.admin_email, "password": "wrong-password!!"}
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert (await client.post("/auth/login", json=wrong)).status_code == 401
    right = dict(wrong, password=tenant.password)
    response = await client.post("/auth/login", json=right)
    assert response.status_code == 429, "even the right password waits out the lockout"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["error"]["code"] == "RATE_LIMITED"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer phm_unknown", "invalid, expired or revoked"),
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <API token>'"),
        ("Bearer ", "must be 'Bearer <API token>'"),
        ("Bearer " + "x" * 8000, "invalid, expired or revoked"),
    ],
)
async def test_bad_authorization_headers(
    client: httpx.AsyncClient, header: str, message: str
) -> None:
    body = await gql(client, VIEWER, headers={"Authorization": header})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert message in body["errors"][0]["message"]


async def test_revoked_token_stops_working_at_once(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    created = await gql(
        client,
        'mutation { createApiToken(input: {name: "short-lived"}) { token apiToken { id } } }',
        headers=tenant.bearer,
    )
    secret = created["data"]["createApiToken"]["token"]
    token_id = created["data"]["createApiToken"]["apiToken"]["id"]
    auth = {"Authorization": f"Bearer {secret}"}
    assert (await gql(client, VIEWER, headers=auth))["data"]["viewer"]
    revoked = await gql(
        client,
        "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
        {"id": token_id},
        headers=tenant.bearer,
    )
    assert revoked["data"]["revokeApiToken"]["revokedAt"]
    assert error_codes(await gql(client, VIEWER, headers=auth)) == ["UNAUTHENTICATED"]


async def test_another_tenants_token_id_is_not_found(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    listed = await gql(
        client, "{ viewer { apiTokens { edges { node { id } } } } }", headers=other_tenant.bearer
    )
    foreign_id = listed["data"]["viewer"]["apiTokens"]["edges"][0]["node"]["id"]
    revoke = "mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }"
    foreign = await gql(client, revoke, {"id": foreign_id}, headers=tenant.bearer)
    random = await gql(
        client, revoke, {"id": "00000000-0000-4000-8000-000000000000"}, headers=tenant.bearer
    )
    malformed = await gql(client, revoke, {"id": "not-a-uuid"}, headers=tenant.bearer)
    assert foreign["errors"][0]["message"] == random["errors"][0]["message"]
    assert error_codes(foreign) == error_codes(random) == error_codes(malformed) == ["NOT_FOUND"]
    # and the token still works for its owner
    assert (await gql(client, VIEWER, headers=other_tenant.bearer))["data"]["viewer"]


async def test_connection_pages_through_tokens(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    for i in range(4):
        await gql(
            client,
            "mutation($n: String!) { createApiToken(input: {name: $n}) { token } }",
            {"n": f"token-{i}"},
            headers=tenant.bearer,
        )
    query = """query($after: String) { viewer { apiTokens(first: 2, after: $after) {
        totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } } }"""
    names, after = [], None
    while True:
        page = (await gql(client, query, {"after": after}, headers=tenant.bearer))["data"]
        connection = page["viewer"]["apiTokens"]
        names += [e["node"]["name"] for e in connection["edges"]]
        assert connection["totalCount"] == 5
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert names == ["token-3", "token-2", "token-1", "token-0", "tests"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("first: 101", "between 1 and 100"),
        ("first: 0", "between 1 and 100"),
        ('after: "garbage!"', "Invalid cursor"),
        ('after: "' + "A" * 300 + '"', "Invalid cursor"),
    ],
)
async def test_bad_page_arguments(
    client: httpx.AsyncClient, tenant: TenantFixture, arguments: str, message: str
) -> None:
    body = await gql(
        client, f"{{ viewer {{ apiTokens({arguments}) {{ totalCount }} }} }}", headers=tenant.bearer
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert message in body["errors"][0]["message"]


# --- limits: refused before any resolver runs -------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ viewer { " + " ".join(f"a{i}: email" for i in range(16)) + " } }", "aliases"),
        ("{ viewer { email " + "__typename " * 1000 + "} }", "token"),
        ("{ viewer { email ", "Syntax Error"),
        ("", "No GraphQL query found"),
        ("{ nope }", "Cannot query field"),
        (
            "query { viewer { email } } mutation { revokeApiToken(id: 1) { id } }",
            "must be the only defined operation",
        ),
    ],
)
async def test_hostile_documents_are_refused(
    client: httpx.AsyncClient, tenant: TenantFixture, query: str, message: str
) -> None:
    response = await client.post("/graphql", json={"query": query}, headers=tenant.bearer)
    body = response.json()
    assert body.get("data") is None
    assert error_codes(body), body
    assert set(error_codes(body)) == {"BAD_USER_INPUT"}, body
    assert any(message.lower() in e["message"].lower() for e in body["errors"]), body


async def test_depth_limit(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    # the schema has no recursive type yet, so depth 11 is reached with fields that do not
    # exist: the depth rule must still report it, whatever else is wrong
    deep = "{ viewer { " + "".join(f"f{i} {{ " for i in range(10)) + "x" + " }" * 11 + " }"
    body = await gql(client, deep, headers=tenant.bearer)
    assert any("exceeds maximum operation depth of 10" in e["message"] for e in body["errors"])
    assert set(error_codes(body)) == {"BAD_USER_INPUT"}
    # the deepest real path is fine
    ok = "{ viewer { apiTokens { edges { node { id } } pageInfo { hasNextPage } } } }"
    assert "errors" not in await gql(client, ok, headers=tenant.bearer)


async def test_graphiql_introspection_still_works(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    query = get_introspection_query(descriptions=True)
    body = await gql(client, query, headers=tenant.bearer)
    assert "errors" not in body
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Viewer", "TenantEvent", "ApiTokenConnection"} <= names


async def test_oversized_body_is_refused_before_parsing(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    payload = json.dumps({"query": "{ viewer { email } }", "variables": {"x": "a" * 200_000}})
    response = await client.post(
        "/graphql",
        content=payload,
        headers={**tenant.bearer, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_get_queries_and_batches_are_refused(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ viewer { email } }"}, headers=tenant.bearer
    )
    assert response.status_code in (400, 405)
    assert "data" not in response.json()
    batch = [{"query": "{ viewer { email } }"}] * 6
    response = await client.post("/graphql", json=batch, headers=tenant.bearer)
    assert response.status_code == 400


async def test_malformed_json_and_variables(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    response = await client.post(
        "/graphql",
        content=b"{not json",
        headers={**tenant.bearer, "content-type": "application/json"},
    )
    assert response.status_code == 400
    body = await gql(
        client,
        "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
        {"i": {"name": 42, "expiresInDays": "soon"}},
        headers=tenant.bearer,
    )
    assert set(error_codes(body)) == {"BAD_USER_INPUT"}


async def test_field_suggestions_are_off(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    body = await gql(client, "{ viewer { emai } }", headers=tenant.bearer)
    assert "Did you mean" not in body["errors"][0]["message"]


async def test_request_id_is_returned(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={**tenant.bearer, "X-Request-ID": "abc12345-x"}
    )
    assert response.headers["x-request-id"] == "abc12345-x"
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={**tenant.bearer, "X-Request-ID": "<script>"}
    )
    assert response.headers["x-request-id"] != "<script>"


async def test_graphiql_is_off_unless_enabled(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in response.text.lower()


async def test_cookies_are_secure_behind_tls(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phantom.identity import routes

    tls = routes.settings.model_copy(update={"BASE_URL": "https://phantom.example.com"})
    monkeypatch.setattr(routes, "settings", tls)
    response = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
    )
    assert all("Secure" in c for c in response.headers.get_list("set-cookie"))


async def test_input_lists_are_bounded_inline_and_in_variables(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    from phantom.config import settings

    limit = settings.GRAPHQL_MAX_LIST_ITEMS
    topics = ", ".join('"a"' for _ in range(limit + 1))
    inline = await gql(
        client,
        f'mutation {{ createWebhook(input: {{url: "https://example.com/h", events: [{topics}]}})'
        " { webhook { id } } }",
        headers=tenant.bearer,
    )
    assert error_codes(inline) == ["BAD_USER_INPUT"]
    assert f"limited to {limit} items; got {limit + 1}" in inline["errors"][0]["message"]
    variables = await gql(
        client,
        "query($x: [String!]) { viewer { email } }",
        {"x": ["a"] * (limit + 1)},
        headers=tenant.bearer,
    )
    assert error_codes(variables) == ["BAD_USER_INPUT"]
    assert variables.get("data") is None
