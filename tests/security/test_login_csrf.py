"""Issue 10, item 10: login CSRF. A page on another site posts a form (``text/plain``
or ``application/x-www-form-urlencoded``: no preflight) to ``/auth/login`` with the
attacker's credentials, and the victim's browser is signed in to the attacker's
organization. Rule: every cookie-setting or state-changing auth route takes exactly
``application/json`` and refuses a foreign ``Origin`` (or ``Sec-Fetch-Site``)."""

from __future__ import annotations

import json

import httpx
import pytest

from phantom.config import settings
from tests.support.fixtures import TenantFixture, gql

EVIL = "https://evil.example.org"
INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl } }"""


def _login_body(t: TenantFixture) -> bytes:
    return json.dumps({"tenant": t.slug, "email": t.admin_email, "password": t.password}).encode()


def _assert_refused(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert "set-cookie" not in response.headers, "a refused request set a cookie"


@pytest.mark.parametrize(
    "media_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_a_cross_site_form_cannot_sign_in(
    client: httpx.AsyncClient, tenant: TenantFixture, media_type: str
) -> None:
    # given: the attacker's credentials, posted by a form on the attacker's site
    headers = {"content-type": media_type, "origin": EVIL, "sec-fetch-site": "cross-site"}
    # when
    response = await client.post("/auth/login", content=_login_body(tenant), headers=headers)
    # then: no session for the victim's browser
    _assert_refused(response, 415)


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": EVIL},
        {"origin": "null"},  # a sandboxed frame or a no-referrer page
        {"origin": "http://testserver.evil.example.org"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
async def test_json_from_another_site_cannot_sign_in(
    client: httpx.AsyncClient, tenant: TenantFixture, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/auth/login",
        content=_login_body(tenant),
        headers={"content-type": "application/json", **headers},
    )
    _assert_refused(response, 403)


@pytest.mark.parametrize(
    "headers",
    [
        {},  # not a browser: curl, scripts, the test client
        {"origin": "http://testserver", "sec-fetch-site": "same-origin"},  # the SPA itself
        {"origin": settings.BASE_URL.rstrip("/")},
        {"sec-fetch-site": "none"},  # typed by the user
    ],
)
async def test_the_app_itself_still_signs_in(
    client: httpx.AsyncClient, tenant: TenantFixture, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/auth/login",
        content=_login_body(tenant),
        headers={"content-type": "application/json; charset=utf-8", **headers},
    )
    assert response.status_code == 200, response.text
    assert "phantom_session" in response.cookies


async def test_a_cross_site_form_cannot_accept_an_invitation(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: an invitation the attacker holds (to their own organization)
    body = await gql(
        client,
        INVITE,
        {"input": {"email": "victim@example.net", "roles": ["viewer"]}},
        tenant.bearer,
    )
    secret = body["data"]["inviteMember"]["inviteUrl"].split("#token=", 1)[1]
    payload = json.dumps({"token": secret, "password": "a long enough password"}).encode()
    # when: posted from the attacker's site, as a form and as JSON
    as_form = await client.post(
        "/auth/invitation", content=payload, headers={"content-type": "text/plain", "origin": EVIL}
    )
    as_json = await client.post(
        "/auth/invitation",
        content=payload,
        headers={"content-type": "application/json", "origin": EVIL},
    )
    # then: neither signs the browser in, and the invitation is still usable
    _assert_refused(as_form, 415)
    _assert_refused(as_json, 403)
    accepted = await client.post(
        "/auth/invitation", content=payload, headers={"content-type": "application/json"}
    )
    assert accepted.status_code == 200, accepted.text


async def test_a_cross_site_form_cannot_sign_out(client: httpx.AsyncClient) -> None:
    # given: a cross-site POST carries no Lax session cookie, only the Origin
    response = await client.post(
        "/auth/logout", headers={"origin": EVIL, "sec-fetch-site": "cross-site"}
    )
    # then: no cookie is cleared
    _assert_refused(response, 403)


async def test_the_app_still_signs_out(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    signed_in = await client.post(
        "/auth/login", content=_login_body(tenant), headers={"content-type": "application/json"}
    )
    csrf = signed_in.json()["csrfToken"]
    response = await client.post(
        "/auth/logout",
        headers={
            "origin": "http://testserver",
            "x-csrf-token": csrf,
            "sec-fetch-site": "same-origin",
        },
    )
    assert response.status_code == 204
    assert "phantom_session" in response.headers["set-cookie"]


async def test_sso_sign_in_is_still_a_top_level_navigation(client: httpx.AsyncClient) -> None:
    """The SSO routes are GETs a user reaches from the IdP's site: no Origin rule."""
    response = await client.get(
        "/auth/sso/no-such-org/login", headers={"sec-fetch-site": "cross-site"}
    )
    assert response.status_code != 403
