"""Forecasting in a real browser against the real API and a real worker: upload monthly
sales of three stores, start a FORECASTING job from the training form (the server's
refusal of a horizon the history cannot backtest shown as it words it), then open the
version and see each store's history, forecast and interval band."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from playwright.async_api import Browser, expect

from tests.automl.conftest import worker
from tests.automl.support import upload_frame
from tests.e2e.axe import assert_no_serious_axe_violations
from tests.support.browser import VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STORES = ("store-a", "store-b", "store-c")
MONTHS = 60


def monthly_sales() -> pd.DataFrame:
    """Three stores x 60 months: level, trend and a yearly season, a little noise."""
    rng = np.random.default_rng(7)
    months = pd.date_range("2020-01-01", periods=MONTHS, freq="MS")
    rows = []
    for index, store in enumerate(STORES):
        season = 20 * np.sin(2 * np.pi * np.arange(MONTHS) / 12)
        sales = 100 + 40 * index + 0.5 * np.arange(MONTHS) + season + rng.normal(0, 2, MONTHS)
        rows += [
            {"month": month.strftime("%Y-%m-%d"), "store": store, "sales": round(float(value), 2)}
            for month, value in zip(months, sales, strict=True)
        ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def forecast_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    log: Path = tmp_path_factory.mktemp("e2e-forecast-worker") / "worker.log"
    with worker(log):
        yield


async def test_a_planner_trains_a_forecast_and_reads_its_chart(
    base_url: str,
    browser: Browser,
    forecast_worker: None,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        dataset_id = await upload_frame(http, tenant.bearer, monthly_sales(), "Store sales")
    page = await browser.new_page(viewport=VIEWPORT, bypass_csp=True)
    errors = watch_console(page)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_role("navigation").first).to_be_visible()

    await page.goto(f"{base_url}/data/{dataset_id}")
    await page.get_by_role("link", name="Train a model").click()
    await page.get_by_label("Task").select_option("FORECASTING")
    await page.get_by_label("Target column").select_option("sales")
    await page.get_by_label("Time column").select_option("month")
    await page.get_by_label("Series id column (optional)").select_option("store")
    await page.get_by_label("Time budget (seconds)").fill("30")
    # the engine, serving choice and column lists do not apply to a forecast
    await expect(page.get_by_label("Engine")).to_have_count(0)

    # out of bounds: the form says so in the server's words, without asking it
    await page.get_by_label("Horizon (steps)").fill("501")
    await page.get_by_role("button", name="Start training").click()
    too_long = page.get_by_text("The horizon must be between 1 and 500 steps; got 501.")
    await expect(too_long).to_be_visible()
    # in bounds but longer than 60 months can backtest: the server refuses, the form shows why
    await page.get_by_label("Horizon (steps)").fill("30")
    await page.get_by_role("button", name="Start training").click()
    refusal = page.get_by_role("alert").filter(has_text="settings")
    await expect(refusal).to_contain_text("3 series have fewer than 114 points")
    await shot(page, "forecast-01-form-refused")

    await page.get_by_label("Horizon (steps)").fill("6")
    await page.get_by_label("Prediction interval").select_option("95")
    await page.get_by_role("button", name="Start training").click()
    await expect(page).to_have_url(re.compile(r"/models/jobs/[0-9a-f-]+$"))
    await expect(page.get_by_role("link", name=re.compile("Open model version v1"))).to_be_visible(
        timeout=150_000
    )
    # the job states what a forecast was asked, and no feature importance
    await expect(page.get_by_text("6 steps · 95 % interval")).to_be_visible()
    await expect(page.get_by_role("heading", name="Feature importance")).to_have_count(0)
    await shot(page, "forecast-02-job-succeeded")
    await page.get_by_role("link", name=re.compile("Open model version v1")).click()

    # the overview: the chart's history first, the forecast on demand, then the backtest
    heading = page.get_by_role("heading", name="Forecast", exact=True)
    chart_card = page.locator("section").filter(has=heading)
    await expect(chart_card.get_by_label("Series", exact=True)).to_have_value("store-a")
    await expect(page.get_by_test_id("forecast-history-line")).to_be_visible()
    await expect(page.get_by_test_id("forecast-band")).to_have_count(0)
    await chart_card.get_by_role("button", name="Forecast 6 steps").click()
    await expect(page.get_by_test_id("forecast-band")).to_be_visible(timeout=60_000)
    await expect(page.get_by_test_id("forecast-mean-line")).to_be_visible()
    await expect(page.get_by_test_id("forecast-legend")).to_contain_text("95 % interval")
    chart = page.get_by_role("img", name=re.compile(r"^Series store-a: history of 60 points"))
    await expect(chart).to_have_attribute("aria-label", re.compile(r"forecast of 6 steps from"))
    verdict = page.get_by_test_id("backtest-verdict")
    await expect(verdict).to_contain_text("seasonal naive")
    await expect(page.get_by_test_id("backtest-candidates")).to_contain_text("AutoETS")
    # rows of the row model's predict form and the input schema are not offered
    await expect(page.get_by_role("heading", name="Try it")).to_have_count(0)
    await shot(page, "forecast-03-version-chart")
    await assert_no_serious_axe_violations(page, "the forecasting version's overview")

    # another store: its own history and forecast
    await chart_card.get_by_label("Series", exact=True).select_option("store-c")
    await expect(
        page.get_by_role("img", name=re.compile(r"^Series store-c: history of 60 points"))
    ).to_be_visible()
    await chart_card.get_by_role("button", name="Show the numbers").click()
    numbers = chart_card.get_by_role("table", name="Series store-c")
    # a header, 60 months of history, 6 forecast steps
    await expect(numbers.get_by_role("row")).to_have_count(67)
    await shot(page, "forecast-04-version-chart-table")

    # the row-model tabs are not offered; a link to one explains why
    tabs = page.get_by_role("navigation", name="Model version sections")
    await expect(tabs.get_by_role("link", name="Fairness")).to_have_count(0)
    await page.goto(page.url.split("?")[0] + "?tab=value")
    await expect(page.get_by_text("Value does not apply to forecasts")).to_be_visible()
    await assert_no_serious_axe_violations(page, "a row-model tab of a forecasting version")
    version_url = page.url.split("?")[0]
    version_id = version_url.rsplit("/", 1)[1]
    await page.close()
    assert errors == [], errors

    # another organization: neither the page nor the chart's operations reach the version
    outsider = await browser.new_page(viewport=VIEWPORT)
    await sign_in(outsider, base_url, other_tenant, other_tenant.password)
    await expect(outsider.get_by_test_id("tenant-name")).to_have_text(other_tenant.name)
    await outsider.goto(version_url)
    await expect(outsider.get_by_role("heading", name="Model version not found")).to_be_visible()
    await expect(outsider.get_by_test_id("forecast-chart")).to_have_count(0)
    await outsider.close()
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for query in (
            "query($id: ID!) { modelVersion(id: $id) { forecast { history { series } } } }",
            "mutation($id: ID!) { predict(modelVersionId: $id, rows: []) { forecasts { mean } } }",
        ):
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": {"id": version_id}},
                headers=other_tenant.bearer,
            )
            body = response.json()
            assert body.get("data") in (None, {"modelVersion": None}), body
            assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"], body
