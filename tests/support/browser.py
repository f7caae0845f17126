"""Debian's Chromium driven by Playwright (a Playwright browser download fails here), and
screenshots kept under test-output/ so people can look at every journey."""

from __future__ import annotations

from playwright.async_api import Page, ViewportSize

from phantom.config import REPO_ROOT
from tests.support.fixtures import TenantFixture

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = REPO_ROOT / "test-output" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1366, "height": 860}


async def shot(page: Page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def watch_console(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of the page, as they happen."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


async def sign_in(page: Page, base_url: str, t: TenantFixture, password: str) -> None:
    await page.goto(f"{base_url}/login")
    await page.get_by_label("Organization").fill(t.slug)
    await page.get_by_label("Email").fill(t.admin_email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()
