"""The executive and compliance overviews and the value panel in a real browser against
the real API (issue 15): an executive opens the app on the executive overview and sees
the figures ``executiveOverview`` returns (production models, volume, value this month,
alerts, approvals, training), prints it on one A4 landscape page, and reads the Value tab
of the model; a compliance officer opens /compliance on its overview and sees what
``complianceOverview`` returns. axe-core finds no serious or critical violation on the
executive, compliance, model version (Value) and monitoring pages; screenshots at 1280
and 1024 px wide are kept under test-output/screenshots/overviews-*.png.

The model is a real one: a binary classifier (breast cancer biopsies, LightGBM only, the
tests' hook) with a value model, promoted to production through an approval, 30
predictions through REST predict of which 20 get their outcome, and a drift alert."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from phantom.automl import runs
from phantom.automl import supervisor as supervisor_module
from phantom.automl.supervisor import supervise
from phantom.config import settings
from tests.alerts.support import open_drift_alert
from tests.audit.support import Member, add_member
from tests.automl.support import breast_cancer, job, start, upload_frame
from tests.e2e.axe import assert_no_serious_axe_violations
from tests.monitoring.support import predict_logged
from tests.support.approvals import promote_with_approval
from tests.support.browser import shot, watch_console
from tests.support.fixtures import PASSWORD, TenantFixture, create_tenant, gql

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WIDE: ViewportSize = {"width": 1280, "height": 860}
TABLET: ViewportSize = {"width": 1024, "height": 768}

EXECUTIVE = """query { executiveOverview(period: 30) {
  modelsInProduction { modelVersionId modelName version businessLine }
  predictionVolume { total realtimeTotal batchTotal }
  openAlerts { severity count }
  pendingApprovals { count }
  training { jobs }
  valueThisMonth { model { modelVersionId } predictions expectedValue realizedValue }
  valueTotals { currency expectedValue realizedValue }
} }"""
COMPLIANCE = """query { complianceOverview {
  auditChain { lastCheckpointSeq lastVerifiedAt }
  dataSubjectRequests { id daysLeft }
  modelsAwaitingApproval { modelVersionId }
  modelsLackingReport { model { modelVersionId modelName version } }
  modelsWithFairnessFlags { modelVersionId }
  modelsWithDriftAlerts { modelVersionId modelName version }
  retention { isSet detailsDays }
  sso { configured }
} }"""
VALUE = """query($id: ID!) { modelValue(modelVersionId: $id) {
  threshold valuePerPrediction monthlyValue valueModel { currency monthlyVolume }
} }"""
SET_VALUE = """mutation($input: SetValueModelInput!) { setValueModel(input: $input) { id } }"""
LINE = """mutation($id: ID!, $line: String) {
  setModelBusinessLine(modelVersionId: $id, businessLine: $line) { businessLine } }"""
RECORD = """mutation($id: ID!, $outcomes: [OutcomeInput!]!) {
  recordOutcomes(modelVersionId: $id, outcomes: $outcomes) { recorded errorCount } }"""


@dataclass
class World:
    tenant: TenantFixture
    version_id: str
    version: int
    executive: Member
    officer: Member


@pytest.fixture(scope="module")
def lightgbm_only() -> Iterator[None]:
    patched = settings.model_copy(update={"TRAINING_TEST_HYPERPARAMETERS": {"GBM": {}}})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(supervisor_module, "settings", patched)
        yield


@pytest.fixture(scope="module")
async def world(app: Any, lightgbm_only: None) -> World:
    tenant = await create_tenant("Northwind Overview Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await upload_frame(client, tenant.bearer, breast_cancer(), "Biopsies")
        body = await start(
            client,
            tenant.bearer,
            datasetId=dataset,
            target="diagnosis",
            timeBudgetSeconds=20,  # its hard bound is a multiple: room on a loaded machine
            modelName="Biopsy triage",
        )
        assert "errors" not in body, body
        job_id = body["data"]["startTraining"]["id"]
        claim = await runs.claim(tenant.id, uuid.UUID(job_id))
        assert claim is not None
        await supervise(claim)
        found = await job(client, tenant.bearer, job_id)
        assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
        version_id = str(found["modelVersion"]["id"])
        setup: list[tuple[str, dict[str, Any]]] = [
            (LINE, {"id": version_id, "line": "Retail banking"}),
            (
                SET_VALUE,
                {
                    "input": {
                        "modelVersionId": version_id,
                        "currency": "EUR",
                        "monthlyVolume": 12_000,
                        "truePositiveValue": 500.0,
                        "trueNegativeValue": 2.0,
                        "falsePositiveCost": 40.0,
                        "falseNegativeCost": 1500.0,
                    }
                },
            ),
        ]
        for query, variables in setup:
            answer = await gql(client, query, variables, tenant.bearer)
            assert "errors" not in answer, answer
        await promote_with_approval(client, tenant, version_id)
        frame = breast_cancer().sample(30, random_state=5)
        predicted = await predict_logged(
            client, tenant, version_id, frame.drop(columns=["diagnosis", "patient_id"])
        )
        outcomes = [
            {"predictionId": pid, "actual": truth}
            for pid, truth in zip(
                predicted["predictionIds"][:20], frame["diagnosis"].tolist()[:20], strict=True
            )
        ]
        answer = await gql(client, RECORD, {"id": version_id, "outcomes": outcomes}, tenant.bearer)
        assert answer["data"]["recordOutcomes"] == {"recorded": 20, "errorCount": 0}, answer
    await open_drift_alert(tenant.id, uuid.UUID(version_id), "mean_radius")
    executive = await add_member(tenant, ["executive"])
    officer = await add_member(tenant, ["compliance_officer"])
    return World(tenant, version_id, int(found["modelVersion"]["version"]), executive, officer)


async def api(
    base_url: str, member: Member, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the real server answers this member (the figures the page must show)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        body = await gql(client, query, variables, member.bearer)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def count(value: int) -> str:
    """Intl.NumberFormat('en-US') of an integer."""
    return f"{value:,}"


def money(value: float) -> str:
    """The page's euros in en-US: cents below 1,000, none above."""
    digits = 0 if abs(value) >= 1000 else 2
    text = f"€{abs(value):,.{digits}f}"
    return f"-{text}" if value < 0 else text


async def open_as(
    browser: Browser, base_url: str, tenant: TenantFixture, member: Member
) -> tuple[Page, list[str]]:
    # bypass_csp: the app's CSP (script-src 'self') would refuse the injected axe-core
    page = await browser.new_page(viewport=WIDE, locale="en-US", bypass_csp=True)
    errors = watch_console(page)
    await page.goto(f"{base_url}/login")
    await page.get_by_label("Organization").fill(tenant.slug)
    await page.get_by_label("Email").fill(member.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name, timeout=30_000)
    return page, errors


async def both_widths(page: Page, name: str, check_tables: bool = True) -> None:
    """Screenshots at 1280 and 1024 px wide (from the top), each width checked for cut
    tables, then back to 1280."""
    for size, suffix in [(WIDE, "1280"), (TABLET, "1024")]:
        await page.set_viewport_size(size)
        await page.evaluate("window.scrollTo(0, 0)")
        await page.wait_for_timeout(200)
        await shot(page, f"overviews-{name}-{suffix}")
        if check_tables:
            await no_cut_tables(page)
    await page.set_viewport_size(WIDE)


async def no_cut_tables(page: Page) -> None:
    """Every table shows its last column: none is wider than its scroll box or the window
    (a horizontal scroll would hide the last columns until scrolled)."""
    cut = await page.evaluate(
        """() => [...document.querySelectorAll('main table')].filter((t) => {
          if (t.classList.contains('sr-only') || !t.offsetParent) return false;
          const right = t.getBoundingClientRect().right;
          let box = t.parentElement;
          while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
          const limit = Math.min(
            document.documentElement.clientWidth,
            box ? box.getBoundingClientRect().right : Infinity,
          );
          return right > limit + 1;
        }).map((t) => t.caption?.textContent || t.getAttribute('aria-label') || t.className)"""
    )
    assert cut == [], f"tables cut at {page.viewport_size}: {cut}"


async def test_an_executive_sees_the_overview_the_api_returns_and_prints_it(
    base_url: str, browser: Browser, world: World
) -> None:
    page, errors = await open_as(browser, base_url, world.tenant, world.executive)
    # the first page after signing in
    await expect(page).to_have_url(re.compile(r"/executive"))
    await expect(page.get_by_role("heading", name="Executive overview", level=1)).to_be_visible()
    expected = (await api(base_url, world.executive, EXECUTIVE))["executiveOverview"]

    volume = expected["predictionVolume"]
    assert volume["total"] >= 30, volume
    await expect(page.get_by_test_id("exec-volume-total")).to_have_text(
        count(volume["total"]), timeout=30_000
    )
    await expect(page.get_by_test_id("exec-volume-realtime")).to_have_text(
        count(volume["realtimeTotal"])
    )
    await expect(page.get_by_test_id("exec-volume-batch")).to_have_text(count(volume["batchTotal"]))
    production = expected["modelsInProduction"]
    assert [m["modelVersionId"] for m in production] == [world.version_id]
    await expect(page.get_by_test_id("exec-production-count")).to_have_text(count(len(production)))
    table = page.get_by_test_id("exec-production-table")
    await expect(table.get_by_role("link", name=f"Biopsy triage v{world.version}")).to_be_visible()
    await expect(table).to_contain_text("Retail banking")
    alerts = {a["severity"]: a["count"] for a in expected["openAlerts"]}
    assert alerts["WARNING"] + alerts["CRITICAL"] >= 1, alerts
    await expect(page.get_by_test_id("exec-alerts-critical")).to_have_text(
        count(alerts["CRITICAL"])
    )
    await expect(page.get_by_test_id("exec-alerts-warning")).to_have_text(count(alerts["WARNING"]))
    await expect(page.get_by_test_id("exec-approvals-count")).to_have_text(
        count(expected["pendingApprovals"]["count"])
    )
    await expect(page.get_by_test_id("exec-training-jobs")).to_have_text(
        count(expected["training"]["jobs"])
    )
    [total] = expected["valueTotals"]
    assert total["currency"] == "EUR"
    await expect(page.get_by_test_id("exec-value-expected-EUR")).to_have_text(
        money(total["expectedValue"])
    )
    await expect(page.get_by_test_id("exec-value-realized-EUR")).to_have_text(
        money(total["realizedValue"])
    )
    [row] = expected["valueThisMonth"]
    value_row = page.get_by_test_id(f"exec-value-row-{world.version_id}")
    await expect(value_row).to_contain_text(count(row["predictions"]))
    await expect(value_row).to_contain_text(money(row["expectedValue"]))
    # the volume chart: a real-time bar for each day with predictions, and its table
    await expect(page.get_by_role("img", name=re.compile("^Predictions per day"))).to_be_visible()
    assert await page.get_by_test_id("volume-bar-realtime").count() >= 1

    await assert_no_serious_axe_violations(page, "the executive overview")
    await both_widths(page, "executive")

    # the period is in the URL, and a link keeps it
    await page.get_by_role("link", name="Last 7 days").click()
    await expect(page).to_have_url(re.compile(r"/executive\?period=7$"))
    await expect(page.get_by_test_id("exec-period")).to_contain_text("(7 days)")

    # printable: one A4 landscape page for a board pack
    await page.emulate_media(media="print")
    await shot(page, "overviews-executive-print")
    pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the printed overview takes {pages} pages"
    await page.emulate_media(media="screen")

    # the model's Value tab, as the executive reads it
    value = (await api(base_url, world.executive, VALUE, {"id": world.version_id}))["modelValue"]
    await page.get_by_role("link", name=f"Biopsy triage v{world.version}").first.click()
    await (
        page.get_by_role("navigation", name="Model version sections")
        .get_by_role("link", name="Value")
        .click()
    )
    summary = page.get_by_test_id("value-summary")
    await expect(summary).to_contain_text(money(value["valuePerPrediction"]), timeout=30_000)
    await expect(summary).to_contain_text(money(value["monthlyValue"]))
    await expect(summary).to_contain_text(
        f"{count(value['valueModel']['monthlyVolume'])} predictions"
    )
    # an executive cannot change the serving threshold, and is told why
    await expect(page.get_by_test_id("serving-no-permission")).to_be_visible()
    await expect(page.get_by_role("button", name=re.compile("for serving$"))).to_have_count(0)
    await assert_no_serious_axe_violations(page, "the model version's Value tab")
    await both_widths(page, "value")

    await (
        page.get_by_role("navigation", name="Model version sections")
        .get_by_role("link", name="Monitoring")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"\?tab=monitoring$"))
    await expect(page.get_by_test_id("monitoring-summary")).to_be_visible(timeout=30_000)
    await assert_no_serious_axe_violations(page, "the model version's Monitoring tab")
    await both_widths(page, "monitoring", check_tables=False)  # not this page
    await page.close()
    assert errors == [], errors


async def test_a_compliance_officer_sees_the_overview_the_api_returns(
    base_url: str, browser: Browser, world: World
) -> None:
    page, errors = await open_as(browser, base_url, world.tenant, world.officer)
    await page.get_by_role("link", name="Compliance").first.click()
    await expect(page).to_have_url(re.compile(r"/compliance$"))
    expected = (await api(base_url, world.officer, COMPLIANCE))["complianceOverview"]

    drift = expected["modelsWithDriftAlerts"]
    assert [m["modelVersionId"] for m in drift] == [world.version_id]
    drift_list = page.get_by_test_id("co-drift-list")
    await expect(drift_list.get_by_role("link")).to_have_count(len(drift), timeout=30_000)
    link = drift_list.get_by_role("link", name=f"Biopsy triage v{world.version}")
    await expect(link).to_have_attribute(
        "href", f"/models/versions/{world.version_id}?tab=monitoring"
    )
    lacking = expected["modelsLackingReport"]
    reports = page.get_by_test_id("co-reports-list")
    if lacking:
        await expect(reports.get_by_role("link")).to_have_count(len(lacking))
    else:
        await expect(reports).to_have_count(0)
    assert expected["modelsAwaitingApproval"] == []
    await expect(page.get_by_text("No model waits for approval.")).to_be_visible()
    chain = expected["auditChain"]
    if chain["lastCheckpointSeq"] is not None:
        await expect(page.get_by_test_id("co-checkpoint")).to_contain_text(
            f"seq {chain['lastCheckpointSeq']}"
        )
    if chain["lastVerifiedAt"] is None:
        await expect(
            page.get_by_text("Never verified: verify it from the audit chain tab")
        ).to_be_visible()
    assert expected["dataSubjectRequests"] == []
    await expect(page.get_by_test_id("co-requests-table")).to_have_count(0)
    assert expected["retention"]["isSet"] is False
    await expect(page.get_by_text("No policy set: details are kept for ever")).to_be_visible()
    sso = page.get_by_test_id("co-sso")
    await expect(sso).to_contain_text(
        "No: members sign in with passwords" if not expected["sso"]["configured"] else "Yes"
    )

    await assert_no_serious_axe_violations(page, "the compliance overview")
    await both_widths(page, "compliance")

    # each tool on its tab (the audit log's own layout at 1024 px is another change's)
    await (
        page.get_by_role("navigation", name="Compliance sections")
        .get_by_role("link", name="Audit log")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"/compliance/audit-log$"))
    await expect(page.get_by_role("table", name="Audit events, newest first")).to_be_visible(
        timeout=30_000
    )
    await both_widths(page, "compliance-audit-log", check_tables=False)

    # the drift link leads to the version's monitoring
    await (
        page.get_by_role("navigation", name="Compliance sections")
        .get_by_role("link", name="Overview")
        .click()
    )
    await page.get_by_test_id("co-drift-list").get_by_role("link").first.click()
    await expect(page).to_have_url(
        re.compile(rf"/models/versions/{world.version_id}\?tab=monitoring$")
    )
    await page.close()
    assert errors == [], errors
