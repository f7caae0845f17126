"""Data and training journeys in a real browser against the real API (issue 11): upload a
CSV file through the Data area's file input until the dataset is READY with its profile;
and cancel a running training job from its page, with a real worker, until the job is
CANCELLED and the worker has nothing left running."""

from __future__ import annotations

import asyncio
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.automl.conftest import worker
from tests.automl.support import breast_cancer, upload_frame
from tests.support.browser import VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DATASET = """query ($id: ID!) {
  dataset(id: $id) {
    name status originalFilename rowCount columnCount
    profile { rows columns { name type missingCount distinctCount } }
  }
}"""
JOB = """query ($id: ID!) {
  trainingJob(id: $id) { status errorCode finishedAt modelVersion { id } }
}"""


def loan_csv(rows: int = 240) -> str:
    """A small, deterministic file: an id, a numeric column with 6 gaps, a 3-valued
    category and a yes/no target."""
    lines = ["applicant_id,income,region,approved"]
    regions = ("north", "south", "east")
    for i in range(rows):
        income = "" if i % 40 == 7 else str(30_000 + (i * 7_919) % 90_000)
        approved = "yes" if (i * 31) % 100 < 55 else "no"
        lines.append(f"A{i:05d},{income},{regions[i % 3]},{approved}")
    return "\n".join(lines) + "\n"


async def api(url: str, headers: dict[str, str], query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]
    return found


async def signed_in(browser: Browser, base_url: str, tenant: TenantFixture) -> Page:
    page = await browser.new_page(viewport=VIEWPORT)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    return page


async def test_a_data_scientist_uploads_a_csv_and_sees_it_ready_with_its_profile(
    base_url: str, browser: Browser, tenant: TenantFixture, tmp_path: Path
) -> None:
    csv = tmp_path / "loan-applications.csv"
    csv.write_text(loan_csv())
    page = await signed_in(browser, base_url, tenant)
    errors = watch_console(page)
    await page.get_by_role("link", name="Data").first.click()
    await expect(page).to_have_url(f"{base_url}/data")
    await page.get_by_role("button", name="Upload dataset").first.click()
    dialog = page.get_by_role("dialog", name="Upload a dataset")
    await dialog.locator('input[type="file"]').set_input_files(csv)
    await expect(dialog.get_by_text("loan-applications.csv")).to_be_visible()
    await dialog.get_by_label("Name").fill("Loan applications")
    await dialog.get_by_role("button", name="Upload", exact=True).click()

    # the dataset's page: READY, with the profile of every column
    await expect(page).to_have_url(re.compile(rf"^{re.escape(base_url)}/data/[0-9a-f-]+$"))
    dataset_id = page.url.rsplit("/", 1)[1]
    status = page.locator(".fact").filter(has=page.locator("dt", has_text="Status")).locator("dd")
    await expect(status).to_have_text("Ready", timeout=120_000)
    rows = page.locator(".fact").filter(has=page.locator("dt", has_text="Rows")).locator("dd")
    await expect(rows).to_have_text("240")
    columns = page.get_by_role("table", name="Columns of the dataset with their profile")
    await expect(columns.get_by_role("row")).to_have_count(5)  # a header and 4 columns
    region = columns.get_by_role("row").filter(has=page.get_by_role("rowheader", name="region"))
    await expect(region.get_by_role("cell").nth(0)).to_have_text("Categorical")
    await expect(region.get_by_role("cell").nth(2)).to_have_text("3")
    income = columns.get_by_role("row").filter(has=page.get_by_role("rowheader", name="income"))
    await expect(income.get_by_role("cell").nth(0)).to_have_text("Numeric")
    await expect(income.get_by_role("cell").nth(1)).to_have_text("2.5%")  # 6 of 240
    await expect(page.get_by_role("heading", name="Distributions")).to_be_visible()
    await shot(page, "journey-data-upload-ready")

    # the server holds the same: READY, the counts, and a profile of each column
    found = (await api(base_url, tenant.bearer, DATASET, id=dataset_id))["dataset"]
    assert found["name"] == "Loan applications"
    assert found["status"] == "READY"
    assert found["originalFilename"] == "loan-applications.csv"
    assert (found["rowCount"], found["columnCount"]) == (240, 4)
    profile = {c["name"]: c for c in found["profile"]["columns"]}
    assert list(profile) == ["applicant_id", "income", "region", "approved"]
    assert found["profile"]["rows"] == 240
    assert profile["income"]["type"] == "NUMERIC"
    assert profile["income"]["missingCount"] == 6
    assert profile["region"]["distinctCount"] == 3
    # and it is listed in the Data area
    await page.get_by_role("link", name="Data").first.click()
    await expect(page.get_by_role("link", name="Loan applications")).to_be_visible()
    await page.close()
    assert errors == [], errors


@pytest.fixture(scope="module")
def training_worker(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[subprocess.Popen[bytes]]:
    log: Path = tmp_path_factory.mktemp("e2e-cancel-worker") / "worker.log"
    with worker(log) as process:
        yield process


def fit_processes(job_id: str) -> list[str]:
    found = subprocess.run(
        ["pgrep", "-f", f"phantom-train-{job_id}"], capture_output=True, text=True, check=False
    )
    return found.stdout.split()


async def until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.5)


async def test_a_data_scientist_cancels_a_running_job_from_its_page(
    base_url: str,
    browser: Browser,
    tenant: TenantFixture,
    training_worker: subprocess.Popen[bytes],
) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        dataset_id = await upload_frame(http, tenant.bearer, breast_cancer(), "Biopsies")
    page = await signed_in(browser, base_url, tenant)
    errors = watch_console(page)

    # start a long search from the training form
    await page.goto(f"{base_url}/data/{dataset_id}")
    await page.get_by_role("link", name="Train a model").click()
    await expect(page.get_by_label("Target column")).to_have_value("diagnosis")
    await page.get_by_label("Time budget (seconds)").fill("300")
    await page.get_by_role("button", name="Start training").click()
    await expect(page).to_have_url(re.compile(r"/models/jobs/[0-9a-f-]+$"))
    job_id = page.url.rsplit("/", 1)[1]
    badge = page.locator(".job-summary .badge")
    await expect(badge).to_have_text("Running", timeout=120_000)
    # the worker has the fit running in a child process of its own
    await until(lambda: fit_processes(job_id), 120, "the fit process starts")
    await shot(page, "journey-job-running", full_page=False)

    # cancel, asked first
    await page.get_by_role("button", name="Cancel job").click()
    confirm = page.get_by_role("alertdialog", name="Cancel this training job?")
    await confirm.get_by_role("button", name="Cancel job").click()
    await expect(badge).to_have_text("Cancelled", timeout=60_000)
    await expect(page.get_by_role("button", name="Cancel job")).to_have_count(0)
    outcome = page.get_by_role("alert").filter(has_text="Error code")
    await expect(outcome.locator("code")).to_have_text("cancelled")
    await page.reload()
    await expect(badge).to_have_text("Cancelled", timeout=30_000)
    await shot(page, "journey-job-cancelled")

    # the server: CANCELLED, no model version; the worker: the fit stopped, its work
    # directory removed, the worker itself still up
    found = (await api(base_url, tenant.bearer, JOB, id=job_id))["trainingJob"]
    assert found["status"] == "CANCELLED"
    assert found["errorCode"] == "cancelled"
    assert found["finishedAt"]
    assert found["modelVersion"] is None
    await until(lambda: not fit_processes(job_id), 30, "the fit process ends")
    work = Path(tempfile.gettempdir())
    await until(lambda: not list(work.glob(f"phantom-train-{job_id}-*")), 30, "work dir removed")
    assert training_worker.poll() is None, "the worker is still running"
    await page.close()
    assert errors == [], errors
