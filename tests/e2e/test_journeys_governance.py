"""Model governance in a real browser against the real API (issue 14): a data scientist
documents a version, generates its report and requests promotion to production; a
compliance officer sees the live count, approves, and the version is in production; the
report downloads and is the file whose SHA-256 the page shows. In production the serving
threshold is gated too: the data scientist requests one from the Value tab, the officer
approves it as a threshold change, and the panel shows it served. "Try it" explains a
prediction with a waterfall and flags inputs unlike the training data; the Insights and
Fairness tabs show the version's global explanations and its fairness report.

The model is a real one: an AutoGluon job (LightGBM only, the tests' hook, for exact
tree SHAP in seconds) on loans whose label also depends on ``group`` (a planted bias the
fairness report must flag), ``group`` and ``site`` protected, ``site`` excluded from the
features. The fit runs here as the worker's actor runs it (``runs.claim`` then
``supervise``), in its real child process."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from phantom.automl import runs
from phantom.automl import supervisor as supervisor_module
from phantom.automl.supervisor import supervise
from phantom.config import settings
from tests.audit.support import Member, add_member
from tests.automl.support import post, start, upload_frame
from tests.automl.test_fairness import loans
from tests.e2e.axe import assert_no_serious_axe_violations
from tests.support.browser import VIEWPORT, shot, watch_console
from tests.support.fixtures import PASSWORD, TenantFixture, create_tenant

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

VERSION_OF_JOB = "query Job($id: ID!) { trainingJob(id: $id) { status error modelVersion { id } } }"
SET_VALUE = "mutation($input: SetValueModelInput!) { setValueModel(input: $input) { id } }"


@pytest.fixture(scope="module")
def lightgbm_only() -> Iterator[None]:
    patched = settings.model_copy(update={"TRAINING_TEST_HYPERPARAMETERS": {"GBM": {}}})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(supervisor_module, "settings", patched)
        yield


@pytest.fixture(scope="module")
async def governed(app: Any, lightgbm_only: None) -> tuple[TenantFixture, str, Member, Member]:
    """A tenant on the default policy (production needs approval), one trained version,
    a data scientist and a compliance officer."""
    tenant = await create_tenant("Northwind Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset_id = await upload_frame(client, tenant.bearer, loans(True, rows=2000), "Loans")
        body = await start(
            client,
            tenant.bearer,
            datasetId=dataset_id,
            target="approved",
            timeBudgetSeconds=20,  # hard bound 55 s: room for two loaded cores
            modelName="Loans",
            protectedAttributes=["group", "site"],
            excludedColumns=["site"],
        )
        assert "errors" not in body, body
        job_id = body["data"]["startTraining"]["id"]
        claim = await runs.claim(tenant.id, uuid.UUID(job_id))
        assert claim is not None
        await supervise(claim)
        job = (await post(client, tenant.bearer, VERSION_OF_JOB, {"id": job_id}))["data"]
        assert job["trainingJob"]["status"] == "SUCCEEDED", job["trainingJob"]["error"]
        version_id = str(job["trainingJob"]["modelVersion"]["id"])
    scientist = await add_member(tenant, ["data_scientist"])
    officer = await add_member(tenant, ["compliance_officer"])
    return tenant, version_id, scientist, officer


async def top_shot(page: Page, name: str) -> None:
    """A full-page shot from the top (a scrolled page repeats its sticky header)."""
    await page.evaluate("window.scrollTo(0, 0)")
    await shot(page, name)


async def sign_in_as(page: Page, base_url: str, tenant: TenantFixture, email: str) -> None:
    await page.goto(f"{base_url}/login")
    await page.get_by_label("Organization").fill(tenant.slug)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)


async def test_request_as_one_member_approve_as_another_then_download_the_report(
    base_url: str, browser: Browser, governed: tuple[TenantFixture, str, Member, Member]
) -> None:
    tenant, version_id, scientist, officer = governed
    # bypass_csp: axe is injected as a script (tests/e2e/axe.py)
    page = await browser.new_page(viewport=VIEWPORT, accept_downloads=True, bypass_csp=True)
    errors = watch_console(page)
    await sign_in_as(page, base_url, tenant, scientist.email)
    await page.goto(f"{base_url}/models/versions/{version_id}")
    sections = page.get_by_role("navigation", name="Model version sections")

    # document the version and generate its report
    await sections.get_by_role("link", name="Documentation").click()
    await expect(page).to_have_url(re.compile(r"\?tab=documentation$"))
    docs = page.get_by_role("form", name="Model documentation")
    await docs.get_by_label("Intended use").fill("Pre-screening of consumer loan applications.")
    await docs.get_by_label("Owner").fill("Credit risk modelling")
    await docs.get_by_label("Limitations").fill("Not validated for business loans.")
    await docs.get_by_role("button", name="Save documentation").click()
    await expect(docs.get_by_role("status")).to_contain_text("Documentation saved")
    await page.get_by_role("button", name="Generate report").click()
    reports = page.get_by_role("list", name="Generated reports")
    await expect(reports.get_by_test_id("report-item")).to_have_count(1, timeout=60_000)
    shown_sha = (await reports.get_by_test_id("pdf-sha256").first.inner_text()).strip()
    assert re.fullmatch(r"[0-9a-f]{64}", shown_sha), shown_sha
    await top_shot(page, "governance-01-documentation")

    # production needs approval: the button asks for it
    await sections.get_by_role("link", name="Overview").click()
    stage = page.get_by_role("group", name="Change the stage")
    await expect(stage.get_by_role("button", name="Promote to production")).to_have_count(0)
    await stage.get_by_role("button", name="Request promotion to production").click()
    dialog = page.get_by_role("dialog", name=re.compile("^Request promotion of Loans v1"))
    await dialog.get_by_label("Justification").fill("AUC well above v0; see the report.")
    await dialog.get_by_role("button", name="Request promotion").click()
    await expect(page.get_by_role("dialog", name="Promotion requested")).to_be_visible()
    await page.get_by_role("button", name="Done").click()
    await expect(stage.get_by_test_id("approval-pending")).to_have_text(
        "Production approval pending"
    )
    history = page.get_by_role("list", name="Approval history")
    await expect(history).to_contain_text("AUC well above v0; see the report.")
    # a data scientist may promote, not approve: the page says why they cannot decide
    await expect(history.get_by_test_id("cannot-decide")).to_contain_text(
        "Deciding needs the models:approve permission"
    )
    await expect(history.get_by_role("link", name="PDF")).to_be_visible()  # the report cited
    await top_shot(page, "governance-02-requested")
    await page.get_by_role("button", name="Sign out").click()

    # a second person: the nav counts the pending request; they approve it
    await sign_in_as(page, base_url, tenant, officer.email)
    approvals_link = page.get_by_role("link", name=re.compile(r"^Approvals, 1 pending"))
    await expect(approvals_link).to_be_visible()
    await approvals_link.click()
    row = page.get_by_test_id("approval-row").filter(has_text="Loans v1")
    await expect(row).to_contain_text("AUC well above v0; see the report.")
    await shot(page, "governance-03-approvals")
    await row.get_by_role("button", name="Approve Loans v1").click()
    decide = page.get_by_role("dialog", name="Approve Loans v1 for production?")
    await decide.get_by_label("Comment (optional)").fill("Report reviewed.")
    await decide.get_by_role("button", name="Approve").click()
    await expect(decide).to_be_hidden()
    await expect(page.get_by_role("heading", name="Nothing waits for approval")).to_be_visible()
    await expect(page.get_by_test_id("nav-count")).to_have_count(0)

    # the version is in production, its history says who approved
    await page.goto(f"{base_url}/models/versions/{version_id}")
    await expect(page.locator(".job-summary .badge")).to_have_text("Production")
    await expect(page.get_by_role("list", name="Approval history")).to_contain_text("Approved by")
    await top_shot(page, "governance-04-production")

    # the report downloads, and it is the file the page names
    await sections.get_by_role("link", name="Documentation").click()
    async with page.expect_download() as download_info:
        await page.get_by_test_id("download-pdf").first.click()
    download = await download_info.value
    path = await download.path()
    content = path.read_bytes()
    assert content.startswith(b"%PDF"), content[:16]
    assert hashlib.sha256(content).hexdigest() == shown_sha
    assert download.suggested_filename.startswith("model-report-Loans-v1-")

    await request_and_approve_a_threshold(page, base_url, governed)
    assert errors == [], errors


async def request_and_approve_a_threshold(
    page: Page, base_url: str, governed: tuple[TenantFixture, str, Member, Member]
) -> None:
    """The version is in production, whose policy gates the serving threshold: the data
    scientist requests 0.30 with a justification, the officer approves it as a threshold
    change (not a promotion), and the Value tab then shows 0.30 served."""
    tenant, version_id, scientist, officer = governed
    async with httpx.AsyncClient(base_url=base_url) as client:
        body = await post(
            client,
            tenant.bearer,
            SET_VALUE,
            {
                "input": {
                    "modelVersionId": version_id,
                    "currency": "EUR",
                    "monthlyVolume": 5_000,
                    "truePositiveValue": 300.0,
                    "trueNegativeValue": 0.0,
                    "falsePositiveCost": 60.0,
                    "falseNegativeCost": 400.0,
                }
            },
        )
        assert "errors" not in body, body
    await page.get_by_role("button", name="Sign out").click()
    await sign_in_as(page, base_url, tenant, scientist.email)
    await page.goto(f"{base_url}/models/versions/{version_id}?tab=value")
    serving = page.get_by_test_id("serving-threshold")
    await expect(serving).to_contain_text(
        "In production, a change needs a second person's approval.", timeout=60_000
    )
    await expect(page.get_by_role("button", name=re.compile("for serving$"))).to_have_count(0)
    slider = page.get_by_role("slider")
    await slider.focus()
    await slider.press("Home")
    for _ in range(30):
        await slider.press("ArrowRight")
    await expect(page.get_by_test_id("chosen-threshold")).to_have_text("0.30")
    await page.get_by_role("button", name="Request threshold 0.30").click()
    dialog = page.get_by_role("dialog", name="Request threshold 0.30 for serving")
    await dialog.get_by_role("button", name="Request the change").click()  # empty: refused here
    await expect(dialog.get_by_role("alert")).to_contain_text("Say why")
    await dialog.get_by_label("Justification").fill("Fewer missed defaults; value peaks near 0.30.")
    await top_shot(page, "governance-05-threshold-request")
    await assert_no_serious_axe_violations(page, "the threshold request dialog")
    await dialog.get_by_role("button", name="Request the change").click()
    await expect(dialog).to_be_hidden()
    pending = page.get_by_test_id("serving-threshold-pending")
    await expect(pending).to_have_text(
        "Threshold 0.30 awaiting approval by someone else. See Approvals"
    )
    await expect(page.get_by_role("button", name=re.compile("^Request threshold"))).to_have_count(0)
    await expect(serving).to_contain_text("Predictions use threshold")
    await expect(serving).not_to_contain_text("0.30")  # not yet served
    await pending.scroll_into_view_if_needed()
    await shot(page, "governance-06-threshold-pending", full_page=False)
    await assert_no_serious_axe_violations(page, "the value tab with a pending threshold")
    await page.get_by_role("button", name="Sign out").click()

    # the officer reads it as a threshold change of a production version, and approves it
    await sign_in_as(page, base_url, tenant, officer.email)
    await page.get_by_role("link", name=re.compile(r"^Approvals, 1 pending")).click()
    row = page.get_by_test_id("approval-row").filter(has_text="Loans v1")
    await expect(row.get_by_test_id("threshold-change")).to_have_text(
        "Change the serving threshold of Loans v1 in Production from the engine's own to 0.30"
    )
    await expect(row).not_to_contain_text("to Production")
    await shot(page, "governance-07-threshold-approval")
    await assert_no_serious_axe_violations(page, "the approvals page with a threshold change")
    await row.get_by_role("button", name="Approve Loans v1").click()
    decide = page.get_by_role("dialog", name="Approve threshold 0.30 for Loans v1?")
    await expect(decide).to_contain_text("Loans v1 stays in production")
    await decide.get_by_role("button", name="Approve").click()
    await expect(decide).to_be_hidden()
    await expect(page.get_by_role("heading", name="Nothing waits for approval")).to_be_visible()

    # served from now on; the version is still in production
    await page.goto(f"{base_url}/models/versions/{version_id}?tab=value")
    await expect(page.get_by_test_id("serving-threshold")).to_contain_text(
        "Predictions use threshold 0.30 (set for serving).", timeout=60_000
    )
    await expect(page.locator(".job-summary .badge")).to_have_text("Production")
    await top_shot(page, "governance-08-threshold-served")


async def test_try_it_explains_a_prediction_and_flags_unseen_inputs(
    base_url: str, browser: Browser, governed: tuple[TenantFixture, str, Member, Member]
) -> None:
    tenant, version_id, scientist, _ = governed
    page = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(page)
    await sign_in_as(page, base_url, tenant, scientist.email)
    await page.goto(f"{base_url}/models/versions/{version_id}")
    panel = page.get_by_role("region", name="Try it")
    await panel.get_by_label("group", exact=True).fill("Mars")
    await panel.get_by_label("score", exact=True).fill("50")
    await panel.get_by_label("income", exact=True).fill("48")
    await panel.get_by_role("switch", name=re.compile("^Explain")).check()
    await panel.get_by_role("button", name="Predict").click()

    # what the probability means, the warnings, and the waterfall
    await expect(panel.get_by_test_id("positive-class")).to_contain_text(
        "the probability that approved = yes", timeout=60_000
    )
    warnings = panel.get_by_role("list", name="Warnings of row 1")
    await expect(warnings).to_contain_text("score")
    await expect(warnings).to_contain_text("Mars")
    chart = panel.get_by_role("img", name=re.compile(r"^Why row 1: "))
    await expect(chart).to_be_visible()
    assert await panel.get_by_test_id("waterfall-step").count() == 3  # group, score, income
    await expect(panel.get_by_test_id("prediction-explanation")).to_contain_text("SHAP")
    await top_shot(page, "governance-05-try-it-explained")
    assert errors == [], errors


async def test_the_insights_and_fairness_tabs(
    base_url: str, browser: Browser, governed: tuple[TenantFixture, str, Member, Member]
) -> None:
    tenant, version_id, scientist, _ = governed
    page = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(page)
    await sign_in_as(page, base_url, tenant, scientist.email)
    await page.goto(f"{base_url}/models/versions/{version_id}?tab=insights")
    await expect(
        page.get_by_role("img", name=re.compile("^SHAP summary, largest first"))
    ).to_be_visible()
    await expect(
        page.get_by_role("img", name=re.compile("^Feature importance, largest first"))
    ).to_be_visible()
    await expect(page.get_by_test_id("metric-intervals")).to_contain_text("roc_auc")
    await expect(page.get_by_test_id("confusion-matrix")).to_contain_text("yes")
    assert await page.get_by_test_id("partial-dependence").count() >= 1
    await shot(page, "governance-06-insights")

    await (
        page.get_by_role("navigation", name="Model version sections")
        .get_by_role("link", name="Fairness")
        .click()
    )
    # the planted bias: group is flagged; site (evaluated only) has a group too small to judge
    group = page.get_by_test_id("fairness-attribute").filter(
        has=page.get_by_role("heading", name="group", exact=True)
    )
    await expect(group).to_contain_text("Flagged")
    await expect(group.get_by_test_id("four-fifths-line")).to_have_count(1)
    site = page.get_by_test_id("fairness-attribute").filter(
        has=page.get_by_role("heading", name="site", exact=True)
    )
    await expect(site).to_contain_text("Evaluated only: not a feature")
    await expect(site.locator("[data-too-small=true]")).to_have_count(1)  # islands
    await top_shot(page, "governance-07-fairness")
    assert errors == [], errors
