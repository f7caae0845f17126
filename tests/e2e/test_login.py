"""A person signs in through the web app in a real browser (Debian's Chromium)."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Browser, expect

from phantom.kit.events import get_event_bus
from tests.support.browser import shot, sign_in
from tests.support.fixtures import TenantFixture

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_sign_in_shows_the_tenant_and_sign_out_ends_the_session(
    base_url: str, browser: Browser, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    page = await browser.new_page(viewport={"width": 1440, "height": 900})
    # a deep link while signed out lands on the login page
    await page.goto(f"{base_url}/models")
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    await shot(page, "login")
    # a wrong password shows the server's message and no app
    await sign_in(page, base_url, tenant, "not the password")
    await expect(page.get_by_role("alert")).to_contain_text("Invalid organization")
    await shot(page, "login-error")
    # the right one signs in and shows this tenant, never the other
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    await expect(page.get_by_text(other_tenant.name)).to_have_count(0)
    await shot(page, "executive")
    for area in ("Models", "Data", "Compliance", "Admin"):
        await page.get_by_role("link", name=area).first.click()
        # the Admin area opens its first section the person may see
        url = re.compile(rf"^{re.escape(base_url)}/{area.lower()}(/\w+)?$")
        await expect(page).to_have_url(url)
    await page.get_by_role("link", name="Live events").click()
    # the page's subscription (cookie-authenticated WebSocket) shows this tenant's
    # events as they happen, and never another tenant's
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()
    bus = get_event_bus()
    # the server subscribes to Redis a moment after the socket is acknowledged, and
    # pub/sub keeps nothing for late subscribers: publish until the page shows it
    for _ in range(20):
        await bus.publish(tenant.id, "e2e.check", {"hello": "browser"})
        if await page.get_by_text("e2e.check").count():
            break
        await asyncio.sleep(0.5)
    await expect(page.get_by_text("e2e.check").first).to_be_visible()
    # another tenant's event, sent while the page listens, then one of ours: once ours
    # is on the page, the other's would have been delivered before it
    await bus.publish(other_tenant.id, "e2e.foreign", {"secret": "other-tenant-canary"})
    await bus.publish(tenant.id, "e2e.after", {"hello": "again"})
    await expect(page.get_by_text("e2e.after").first).to_be_visible()
    await expect(page.get_by_text("other-tenant-canary")).to_have_count(0)
    await shot(page, "admin")
    # sign out: the session is revoked and the app returns to the login page
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    await page.goto(f"{base_url}/executive")
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    await page.close()
