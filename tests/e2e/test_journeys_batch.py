"""Batch scoring in a real browser against the real API and a real worker: from a model
version's page, score a dataset, watch the progress bar fill over the subscription, and
download the predictions as CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.automl.conftest import worker
from tests.automl.support import upload_frame
from tests.batch.support import scoring_frame
from tests.support.browser import VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture
from tests.support.models import train_version, upload_payments

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def batch_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    log: Path = tmp_path_factory.mktemp("e2e-batch-worker") / "worker.log"
    with worker(log) as process:
        yield process


async def test_a_data_scientist_scores_a_dataset_and_downloads_the_predictions(
    base_url: str,
    browser: Browser,
    tenant: TenantFixture,
    app: Any,
    batch_worker: subprocess.Popen[bytes],
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        version = await train_version(
            client, tenant, await upload_payments(client, tenant), "Fraud"
        )
        await upload_frame(client, tenant.bearer, scoring_frame(3000), "May payments")
    page = await browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    errors = watch_console(page)

    await page.goto(f"{base_url}/models/versions/{version['id']}")
    panel = page.locator("section").filter(has=page.get_by_role("heading", name="Score a dataset"))
    await panel.get_by_label("Dataset").select_option(label="May payments (3,000 rows)")
    await panel.get_by_role("button", name="Score the dataset").click()
    # the job runs on the worker; its end lists it with the downloads
    downloads = panel.get_by_role("group", name="Download the predictions of May payments")
    await expect(downloads).to_be_visible(timeout=120_000)
    table = panel.get_by_role("table", name="Batch predictions of this version")
    await expect(table.get_by_role("row").nth(1)).to_contain_text("3,000 of 3,000 rows")
    await expect(table.get_by_role("row").nth(1)).to_contain_text("Succeeded")
    await shot(page, "journey-batch-scored")

    async with page.expect_download() as waiting:
        await downloads.get_by_role("link", name="CSV").click()
    download = await waiting.value
    assert download.suggested_filename.startswith("predictions-May-payments-")
    assert download.suggested_filename.endswith(".csv")
    content = await asyncio.to_thread(Path(await download.path()).read_text)
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 3000
    assert list(rows[0]) == [*scoring_frame(1).columns, "prediction", "anomaly_score"]
    assert rows[0]["customer"] == "C000000"
    await page.close()
    assert errors == [], errors
    assert batch_worker.poll() is None
