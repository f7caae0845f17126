"""One real `phantom api` serving the built web app for every browser test, and a fresh
Chromium per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, async_playwright

from phantom.config import settings
from tests.support.browser import ARGS, CHROMIUM
from tests.support.servers import api_server


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert (settings.FRONTEND_DIST / "index.html").exists(), (
        "the web app is not built: run `make frontend` (scripts/test does it)"
    )
    with api_server(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        await browser.close()
