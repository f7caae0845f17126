"""What a first-time user met in the web app, each checked in a real browser: the address
bar follows sign-in and invitation acceptance, keyboard focus is visible, and a 1024 px
screen keeps every table column reachable."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from tests.automl.support import iris, start, upload_frame
from tests.support.browser import ARGS, CHROMIUM, SHOTS, VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture, gql

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl } }"""


async def test_the_address_bar_follows_sign_in_and_invitation_acceptance(
    base_url: str, browser: Browser, tenant: TenantFixture
) -> None:
    page = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(page)
    # a first visit to the bare address lands on the sign-in page
    await page.goto(base_url)
    await expect(page).to_have_url(f"{base_url}/login")
    # the first empty field has the focus, so typing starts at once
    await expect(page.get_by_label("Organization")).to_be_focused()
    await page.keyboard.type(tenant.slug)
    await page.keyboard.press("Tab")
    await page.keyboard.type(tenant.admin_email)
    await page.get_by_label("Password").fill(tenant.password)
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    # the address bar itself (not only the router's state) left /login
    await expect(page).to_have_url(f"{base_url}/executive")
    assert "/login" not in page.url
    # a deep link survives sign-in, in the address bar too
    await page.context.clear_cookies()
    await page.goto(f"{base_url}/models")
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    await sign_in_here(page, tenant)
    await expect(page).to_have_url(f"{base_url}/models")
    # signing out and in again in the same tab
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{base_url}/login")
    await expect(page.get_by_label("Organization")).to_be_focused()
    await sign_in_here(page, tenant)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    await expect(page).to_have_url(f"{base_url}/executive")
    await page.close()

    # an invitation accepted in a browser of its own ends on the app's address
    async with httpx.AsyncClient(base_url=base_url) as client:
        body = await gql(
            client,
            INVITE,
            {"input": {"email": f"new.person@{tenant.slug}.example.com", "roles": ["viewer"]}},
            tenant.bearer,
        )
    path = body["data"]["inviteMember"]["inviteUrl"].split("/", 3)[3]
    context = await browser.new_context(viewport=VIEWPORT)
    invitee = await context.new_page()
    invitee_errors = watch_console(invitee)
    await invitee.goto(f"{base_url}/{path}")
    await expect(invitee).to_have_url(f"{base_url}/accept-invite")
    await invitee.get_by_label("New password", exact=True).fill("correct horse battery staple")
    await invitee.get_by_label("Confirm new password").fill("correct horse battery staple")
    await invitee.get_by_role("button", name="Set password and sign in").click()
    await expect(invitee.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    await expect(invitee).to_have_url(f"{base_url}/executive")
    await shot(invitee, "first-time-after-invite")
    await context.close()
    assert errors == []
    assert invitee_errors == []


async def sign_in_here(page: Page, t: TenantFixture) -> None:
    """Signs in on the login page already shown (keeps its ?next=)."""
    await page.get_by_label("Organization").fill(t.slug)
    await page.get_by_label("Email").fill(t.admin_email)
    await page.get_by_label("Password").fill(t.password)
    await page.get_by_role("button", name="Sign in", exact=True).click()


# The last column's header is reachable when it is inside the viewport, or when the nearest
# horizontally scrolling container (overflow auto/scroll, itself inside the viewport) shows it
# once scrolled to its end. A column clipped by `overflow: hidden` or pushed off-screen fails.
LAST_COLUMN_REACHABLE = """(table) => {
  const cells = table.querySelectorAll('thead th');
  const last = cells[cells.length - 1];
  const inViewport = (r) => r.left >= 0 && r.right <= window.innerWidth + 0.5;
  let box = table.parentElement;
  while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
  const right = () => last.getBoundingClientRect().right;
  if (document.documentElement.scrollWidth > window.innerWidth + 1) return 'page scrolls sideways';
  if (inViewport(last.getBoundingClientRect()) && (!box || box === document.body
      || right() <= box.getBoundingClientRect().right + 0.5)) return 'visible';
  if (!box || !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return 'clipped';
  if (!inViewport(box.getBoundingClientRect())) return 'its container is off-screen';
  box.scrollLeft = box.scrollWidth;
  const reachable = last.getBoundingClientRect().right <= box.getBoundingClientRect().right + 0.5;
  const style = getComputedStyle(box);
  const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
  const scrollbar = box.offsetHeight - box.clientHeight - borders;
  box.scrollLeft = 0;
  if (!reachable) return 'not reachable by scrolling';
  return scrollbar > 0 ? 'by scrolling' : 'by scrolling, without a visible scrollbar';
}"""

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
async def browser_with_scrollbars() -> AsyncIterator[Browser]:
    """Playwright hides scrollbars in headless mode; a person sees them, and this test
    checks that the wide tables' scrollbar is there."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, ignore_default_args=["--hide-scrollbars"]
        )
        yield browser
        await browser.close()


async def test_at_1024_px_the_sidebar_folds_and_every_column_is_reachable(
    base_url: str, browser_with_scrollbars: Browser, tenant: TenantFixture
) -> None:
    browser = browser_with_scrollbars
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        dataset_id = await upload_frame(http, tenant.bearer, iris(), "Iris flowers, long name")
        # no worker: the job stays queued, which is all the jobs table needs
        body = await start(
            http, tenant.bearer, datasetId=dataset_id, target="species", timeBudgetSeconds=30
        )
        assert "errors" not in body, body
    page = await browser.new_page(viewport=TABLET)  # type: ignore[arg-type]
    errors = watch_console(page)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)

    # the sidebar is folded behind a menu button that says whether it is open
    menu = page.get_by_role("button", name="Menu")
    await expect(menu).to_have_attribute("aria-expanded", "false")
    main_nav = page.get_by_role("navigation", name="Main")
    await expect(main_nav).to_be_hidden()
    await menu.click()
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await expect(main_nav).to_be_visible()
    await expect(page.locator("#app-sidebar")).to_have_css("transform", "none")  # slid in
    await shot(page, "first-time-1024-menu-open", full_page=False)
    # the open menu has the focus; Escape folds it and gives the focus back
    await expect(main_nav.get_by_role("link", name="Executive")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(menu).to_be_focused()
    await expect(main_nav).to_be_hidden()
    await menu.click()
    await main_nav.get_by_role("link", name="Models").click()
    await expect(page).to_have_url(f"{base_url}/models")
    # following a link folds it again
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(main_nav).to_be_hidden()

    jobs = page.get_by_role("table", name="Training jobs of your organization, newest first")
    await expect(jobs.get_by_role("row")).to_have_count(2)
    assert await jobs.evaluate(LAST_COLUMN_REACHABLE) in ("visible", "by scrolling")
    # dates stay on one line
    time = jobs.locator("time").first
    height = await time.evaluate("(t) => t.getBoundingClientRect().height")
    line = await time.evaluate("(t) => parseFloat(getComputedStyle(t).lineHeight) || 20")
    assert height <= line * 1.5, (height, line)
    await shot(page, "first-time-1024-jobs", full_page=False)
    await jobs.locator("xpath=..").screenshot(path=str(SHOTS / "first-time-1024-jobs-table.png"))

    await page.goto(f"{base_url}/compliance/audit-log")
    audit = page.get_by_role("table", name="Audit events, newest first")
    await expect(audit.get_by_role("row").nth(1)).to_be_visible()
    assert await audit.evaluate(LAST_COLUMN_REACHABLE) in ("visible", "by scrolling")
    await shot(page, "first-time-1024-audit", full_page=False)

    # the dataset page: the first rows as in the file, and a clear word on missing values
    await page.goto(f"{base_url}/data/{dataset_id}")
    rows = page.get_by_role("table", name="First rows of the dataset")
    await expect(rows.get_by_role("row")).to_have_count(21)
    await expect(rows.get_by_role("columnheader", name="species")).to_be_visible()
    assert await rows.evaluate(LAST_COLUMN_REACHABLE) in ("visible", "by scrolling")
    await expect(page.get_by_text("No missing values: every column is complete.")).to_be_visible()
    await shot(page, "first-time-1024-dataset")
    assert errors == []


RING = """(el) => { const s = getComputedStyle(el);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
    || (s.boxShadow !== 'none' && s.boxShadow.includes(' 0px 0px 3px')) }"""


async def has_focus_ring(element: Locator, seconds: float = 2.0) -> bool:
    """A 2 px outline or the 3 px focus shadow, polled: fields ease their ring in over
    120 ms, so a look right after focusing can catch it half drawn."""
    deadline = time.monotonic() + seconds
    while not await element.evaluate(RING):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_keyboard_focus_is_visible_on_buttons_links_fields_and_tabs(
    base_url: str, browser: Browser, tenant: TenantFixture
) -> None:
    page = await browser.new_page(viewport=VIEWPORT)
    await page.goto(f"{base_url}/login")
    await expect(page.get_by_label("Organization")).to_be_focused()
    assert await has_focus_ring(page.get_by_label("Organization"))
    # Tab from the last field reaches the primary button, with a ring
    await page.get_by_label("Password").focus()
    await page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Sign in", exact=True)
    await expect(button).to_be_focused()
    assert await has_focus_ring(button), "the Sign in button shows no focus ring"
    await page.keyboard.press("Tab")
    secondary = page.get_by_role("button", name="Sign in with SSO")
    await expect(secondary).to_be_focused()
    assert await has_focus_ring(secondary), "the secondary button shows no focus ring"
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    # a sidebar link and an admin tab, each reached by the keyboard
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Models")
    await link.focus()
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Tab")
    await expect(link).to_be_focused()
    assert await has_focus_ring(link), "a sidebar link shows no focus ring"
    await page.goto(f"{base_url}/admin/members")
    tabs = page.get_by_role("navigation", name="Administration sections")
    tab = tabs.get_by_role("link", name="Roles & permissions")
    await tab.focus()
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Tab")
    await expect(tab).to_be_focused()
    assert await has_focus_ring(tab), "a tab shows no focus ring"
    await shot(page, "first-time-focus-tab", full_page=False)
    await page.close()
