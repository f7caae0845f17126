"""Admin journeys in a real browser against the real API (issue 11): create an API token
(shown once) and revoke it, after which the API refuses it; and save a single sign-on
configuration against the real test OpenID Provider."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.support.browser import VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture
from tests.support.oidc_provider import OidcProvider, idp  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
TOKEN_NAME = "Nightly scoring job"


async def graphql(url: str, headers: dict[str, str], query: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await http.post("/graphql", json={"query": query}, headers=headers)


async def data(url: str, headers: dict[str, str], query: str) -> dict[str, Any]:
    response = await graphql(url, headers, query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]
    return found


async def test_an_owner_creates_a_token_sees_it_once_and_revokes_it(
    base_url: str, browser: Browser, tenant: TenantFixture
) -> None:
    page = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(page)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    await page.goto(f"{base_url}/admin/tokens")

    # create: the secret is shown once, and it works against the API
    form = page.get_by_role("form", name="Create API token")
    await form.get_by_label("Token name").fill(TOKEN_NAME)
    await form.get_by_role("button", name="Create token").click()
    shown = page.get_by_role("region", name="New API token")
    await expect(shown).to_contain_text("This is the only time it is shown")
    secret = await shown.get_by_test_id("api-token-secret").input_value()
    assert secret.startswith("phm_"), secret
    assert len(secret) > 20, secret
    bearer = {"Authorization": f"Bearer {secret}"}
    viewer = await data(base_url, bearer, "{ viewer { email authMethod } }")
    assert viewer["viewer"]["email"] == tenant.admin_email
    await shot(page, "journey-admin-token-created", full_page=False)
    await shown.get_by_role("button", name="I have stored it safely").click()
    await expect(shown).to_have_count(0)
    assert secret not in await page.content()
    await page.reload()
    await expect(page.get_by_role("form", name="Create API token")).to_be_visible()
    assert secret not in await page.content()

    # the row: name, prefix, Active; then revoke it, asked first
    table = page.get_by_role("table", name="Your API tokens")
    row = table.get_by_role("row").filter(has_text=TOKEN_NAME)
    # columns: (Name is the row header), Scopes, Created, Expires, Last used, Status, actions
    status = row.get_by_role("cell").nth(4)
    await expect(status).to_have_text("Active")
    await expect(row.get_by_role("rowheader")).to_contain_text(secret[:8])
    await row.get_by_role("button", name=f"Revoke {TOKEN_NAME}").click()
    await row.get_by_role("button", name="Confirm revoke").click()
    await expect(status).to_have_text("Revoked")
    await expect(row.get_by_role("button")).to_have_count(0)
    await page.reload()
    await expect(status).to_have_text("Revoked", timeout=30_000)
    await shot(page, "journey-admin-token-revoked")

    # the API refuses the revoked token
    # (GraphQL answers 200 with an UNAUTHENTICATED error; the REST API answers 401)
    refused = await graphql(base_url, bearer, "{ viewer { email } }")
    assert refused.status_code == 200, refused.text
    body = refused.json()
    assert body["data"] is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
    predict = f"/api/v1/models/{uuid.uuid4()}/predict"
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        rest = await http.post(predict, json={"rows": [{"x": 1}]}, headers=bearer)
        live = await http.post(predict, json={"rows": [{"x": 1}]}, headers=tenant.bearer)
    assert rest.status_code == 401, rest.text
    assert live.status_code == 404, live.text  # the same call with a live token gets past auth
    # and the server holds it revoked, with the revocation in the audit log
    mine = await data(
        base_url,
        tenant.bearer,
        "{ viewer { apiTokens(first: 20) { edges { node { name prefix revokedAt } } } } "
        'auditEvents(first: 5, filter: {action: "identity.token.revoked"}) '
        "{ edges { node { outcome } } } }",
    )
    tokens = [e["node"] for e in mine["viewer"]["apiTokens"]["edges"]]
    revoked = [t for t in tokens if t["name"] == TOKEN_NAME]
    assert len(revoked) == 1, tokens
    assert revoked[0]["revokedAt"], tokens
    assert secret.startswith(revoked[0]["prefix"])
    assert [e["node"]["outcome"] for e in mine["auditEvents"]["edges"]] == ["SUCCESS"]
    await page.close()
    assert errors == [], errors


async def test_an_owner_saves_an_sso_configuration_against_a_real_idp(
    base_url: str,
    browser: Browser,
    tenant: TenantFixture,
    idp: OidcProvider,  # noqa: F811
) -> None:
    redirect_uri = f"{base_url}/auth/sso/{tenant.slug}/callback"
    client_id, client_secret = idp.register_client(redirect_uri)
    page = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(page)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    await page.goto(f"{base_url}/admin/sso")

    card = page.get_by_role("region", name="Single sign-on (OpenID Connect)")
    state = card.locator(".card__actions .badge")
    await expect(state).to_have_text("Not configured")
    await expect(page.get_by_role("textbox", name="Redirect URI")).to_have_value(redirect_uri)
    await page.get_by_label("Issuer URL").fill(idp.issuer)
    await page.get_by_label("Client ID").fill(client_id)
    await page.get_by_label("Client secret").fill(client_secret)
    await page.get_by_label("Allowed email domains").fill("northwind.example")
    await page.get_by_role("button", name="Save configuration").click()

    await expect(card.get_by_role("status")).to_contain_text("configuration saved")
    await expect(state).to_have_text("Enabled")
    await expect(page.get_by_text("A secret is set")).to_be_visible()
    await expect(page.get_by_role("textbox", name="Sign-in URL")).to_have_value(
        f"{base_url}/auth/sso/{tenant.slug}/login"
    )
    await page.reload()
    await expect(state).to_have_text("Enabled", timeout=30_000)
    await expect(page.get_by_label("Issuer URL")).to_have_value(idp.issuer)
    await expect(page.get_by_label("Client ID")).to_have_value(client_id)
    await expect(page.get_by_label("Client secret")).to_have_value("")
    await shot(page, "journey-admin-sso-saved")

    # the server holds it (the secret never comes back), and the change is audited
    saved = await data(
        base_url,
        tenant.bearer,
        "{ oidcConfig { issuer clientId clientSecretSet allowedEmailDomains ssoRequired "
        'loginUrl } auditEvents(first: 5, filter: {action: "identity.sso.configured"}) '
        "{ edges { node { outcome } } } }",
    )
    config = saved["oidcConfig"]
    assert config["issuer"] == idp.issuer
    assert config["clientId"] == client_id
    assert config["clientSecretSet"] is True
    assert config["ssoRequired"] is False
    assert config["allowedEmailDomains"] == ["northwind.example"]
    assert [e["node"]["outcome"] for e in saved["auditEvents"]["edges"]] == ["SUCCESS"]
    # and it works: the sign-in URL sends a browser to this IdP for this client
    async with httpx.AsyncClient(timeout=30) as http:
        start = await http.get(config["loginUrl"], follow_redirects=False)
    assert start.is_redirect, start.text
    location = start.headers["location"]
    assert location.startswith(idp.issuer), location
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == [client_id]
    assert query["redirect_uri"] == [redirect_uri]
    assert re.fullmatch(r"[\w-]{43}", query["code_challenge"][0])
    await page.close()
    assert errors == [], errors
