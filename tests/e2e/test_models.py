"""The Models area in a real browser, against the real API and a real worker: train a model
from a dataset page, watch the job live, read the leaderboard, promote, and predict."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.automl.conftest import worker
from tests.automl.support import breast_cancer, upload_frame
from tests.support.approvals import approval_off
from tests.support.browser import VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def training_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    log: Path = tmp_path_factory.mktemp("e2e-worker") / "worker.log"
    with worker(log):
        yield


async def test_a_data_scientist_trains_watches_promotes_and_predicts(
    base_url: str, browser: Browser, training_worker: None, tenant: TenantFixture
) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Biopsies")
        # this journey promotes directly; four-eyes promotion is tests/approvals' subject
        await approval_off(http, tenant)
    page = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(page)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_role("navigation").first).to_be_visible()

    # from the dataset page to the training form, dataset and target preselected
    await page.goto(f"{base_url}/data/{dataset_id}")
    await page.get_by_role("link", name="Train a model").click()
    await expect(page.get_by_label("Target column")).to_have_value("diagnosis")
    await page.get_by_label("Time budget (seconds)").fill("12")
    await shot(page, "models-01-new-training-job")
    await page.get_by_role("button", name="Start training").click()

    # the job page follows the fit live, then shows the leaderboard and importance
    await expect(page).to_have_url(re.compile(r"/models/jobs/[0-9a-f-]+$"))
    await expect(page.get_by_role("heading", name="Leaderboard")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile("Open model version v1"))).to_be_visible(
        timeout=150_000
    )
    await expect(page.get_by_role("heading", name="Feature importance")).to_be_visible()
    await shot(page, "models-02-training-job-succeeded")

    # the model version: promote to production, then try it
    await page.get_by_role("link", name=re.compile("Open model version v1")).click()
    await expect(page.get_by_role("heading", name="Try it")).to_be_visible()
    await page.get_by_role("button", name="Promote to production").first.click()
    await (
        page.get_by_role("alertdialog").get_by_role("button", name="Promote to production").click()
    )
    await expect(page.get_by_role("alertdialog")).to_be_hidden()
    # the stage badge beside the title says so (not any text on the page: the button
    # "Promote to production" matched that), and promoting again is no longer offered
    await expect(page.locator(".job-summary .badge")).to_have_text("Production")
    stage_actions = page.get_by_role("group", name="Change the stage")
    await expect(stage_actions.get_by_role("button", name="Promote to staging")).to_be_visible()
    await expect(stage_actions.get_by_role("button", name="Promote to production")).to_have_count(0)
    row = breast_cancer().iloc[0]
    for feature in ("mean_radius", "mean_texture", "worst_radius", "worst_area"):
        await page.get_by_label(feature, exact=True).fill(str(row[feature]))
    await page.get_by_role("button", name="Predict").click()
    # the first prediction loads the model from the store: seconds on a loaded machine
    await expect(page.get_by_role("list", name="Class probabilities of row 1")).to_be_visible(
        timeout=60_000
    )
    await shot(page, "models-03-model-version-predict")

    await page.goto(f"{base_url}/models")
    await expect(page.get_by_text("Biopsies").first).to_be_visible()
    await shot(page, "models-04-overview")
    # the version's row in the registry: its stage cell
    await (
        page.get_by_role("navigation", name="Models sections")
        .get_by_role("link", name="Model registry")
        .click()
    )
    version_row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=re.compile(r"^Biopsies.* v1$"))
    )
    await expect(version_row.get_by_role("cell").first).to_have_text("Production")
    await shot(page, "models-05-registry")
    assert errors == [], errors
