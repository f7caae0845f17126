"""A person signs in with SSO in a real browser: the web app's "Sign in with SSO", the real
IdP's own login and consent pages, our callback, and the app, signed in. A refused
sign-in shows our page with a way back to the sign-in form."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.support.browser import shot
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.oidc_provider import OidcProvider, idp  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CONFIGURE = "mutation ($i: ConfigureOidcInput!) { configureOidc(input: $i) { loginUrl } }"


@pytest.fixture
async def sso_tenant(base_url: str, idp: OidcProvider) -> TenantFixture:  # noqa: F811
    """A tenant whose IdP is the test provider, configured through the running server."""
    tenant = await create_tenant("Northwind SSO Bank")
    client_id, secret = idp.register_client(f"{base_url}/auth/sso/{tenant.slug}/callback")
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
        response = await http.post(
            "/graphql",
            headers=tenant.bearer,
            json={
                "query": CONFIGURE,
                "variables": {
                    "i": {
                        "issuer": idp.issuer,
                        "clientId": client_id,
                        "clientSecret": secret,
                        "scopes": ["openid", "email", "profile", "groups"],
                        "allowedEmailDomains": ["northwind.example"],
                        "roleClaim": "groups",
                        "roleMapping": [{"claimValue": "analysts", "roles": ["data_scientist"]}],
                    }
                },
            },
        )
    assert "errors" not in response.json(), response.text
    return tenant


async def start_sso(page: Page, base_url: str, slug: str) -> None:
    await page.goto(f"{base_url}/login")
    await page.get_by_label("Organization").fill(slug)
    await page.get_by_role("button", name="Sign in with SSO").click()


async def sign_in_at_idp(page: Page, login: str) -> None:
    await page.locator('input[name="login"]').fill(login)
    await page.locator('input[name="password"]').fill("any password")
    await page.get_by_role("button", name="Sign-in").click()


async def test_sign_in_with_sso_lands_in_the_app(
    base_url: str,
    browser: Browser,
    idp: OidcProvider,  # noqa: F811
    sso_tenant: TenantFixture,
) -> None:
    login = f"ada.{sso_tenant.slug}@northwind.example"
    idp.set_claims(login, groups=["analysts"], name="Ada Lovelace")
    page = await browser.new_page(viewport={"width": 1280, "height": 860})
    await start_sso(page, base_url, sso_tenant.slug)
    # the IdP's own login form, then its consent form
    await expect(page.locator('input[name="login"]')).to_be_visible()
    assert page.url.startswith(idp.issuer)
    await shot(page, "sso-idp-login")
    await sign_in_at_idp(page, login)
    await expect(page.get_by_role("button", name="Continue")).to_be_visible()
    await shot(page, "sso-idp-consent")
    await page.get_by_role("button", name="Continue").click()
    # back in the app, signed in to this organization as the provisioned member
    await expect(page.get_by_test_id("tenant-name")).to_have_text(sso_tenant.name)
    assert page.url.startswith(base_url)
    await expect(page.get_by_text("Ada Lovelace").first).to_be_visible()
    await shot(page, "sso-signed-in")
    await page.close()


async def test_a_refused_sso_sign_in_shows_why_and_leads_back(
    base_url: str,
    browser: Browser,
    sso_tenant: TenantFixture,
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 860})
    await page.goto(f"{base_url}/login")
    await shot(page, "sso-login-page")
    await start_sso(page, base_url, sso_tenant.slug)
    await sign_in_at_idp(page, "mallory@elsewhere.example")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("alert")).to_contain_text("email domain is not allowed")
    await shot(page, "sso-refused")
    cookies = {c["name"] for c in await page.context.cookies(base_url)}
    assert "phantom_session" not in cookies
    await page.get_by_role("link", name="Back to the sign-in page").click()
    await expect(page.get_by_role("button", name="Sign in with SSO")).to_be_visible()
    # an organization without single sign-on says so, with the same way back
    await start_sso(page, base_url, "no-such-org")
    await expect(page.get_by_role("alert")).to_contain_text("not set up for this organization")
    await shot(page, "sso-not-configured")
    await page.get_by_role("link", name="Back to the sign-in page").click()
    await expect(page.get_by_role("button", name="Sign in with SSO")).to_be_visible()
    await page.close()
