"""Models in production in a real browser against the real API (issue 13): a model with
traffic shows its Monitoring tab (volume, latency, a drift heat map whose cell drills down
to the two distributions, performance); an alert opens live on the Alerts page and is
acknowledged then resolved there; a webhook is created in Admin, its secret shown once,
its deliveries listed, then deleted.

The model is a real one (``train_version``: a real fit and registration). Its traffic is
scored by that model: the current hour through REST predict and the prediction log
(flushed as the server flushes it), earlier hours as the logged batches serving hands to
monitoring (``observe``), the last two of them with ``amount`` tripled. This hour's 50
rows are too few to judge (INSUFFICIENT_DATA): the last full hour is the one judged."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from phantom.monitoring.types import SignalKind
from phantom.monitoring.windows import hour_of
from phantom.webhooks.service import deliver
from tests.alerts.support import START, judge, receiver, signal
from tests.automl.support import upload_frame
from tests.monitoring.support import logged_batch, observe_batch, predict_logged, score
from tests.support.browser import VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import payments, train_version

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAST_HOURS = 6
SHIFTED_HOURS = 2  # the last ones


def this_hour() -> int:
    """The current hour as ``signal``'s offset: the monitored version's rules have already
    judged today's windows, and a streak ignores windows older than its last one."""
    return int((hour_of(datetime.now(UTC)) - START).total_seconds() // 3600)


async def open_drift_alert(
    tenant: TenantFixture, version_id: str, feature: str, psi: float
) -> None:
    """An alert opened the way a refresh opens one (``alerts.service.evaluate``)."""
    drifted = signal(SignalKind.FEATURE_DRIFT, psi, hour=this_hour(), feature=feature)
    await judge(tenant.id, uuid.UUID(version_id), [drifted])


@pytest.fixture(scope="module")
async def monitored(app: Any) -> tuple[TenantFixture, str]:
    """A tenant with one anomaly-detection version and six hours of scored traffic."""
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await upload_frame(client, tenant.bearer, payments(3000), "Payments")
        version_id = str((await train_version(client, tenant, dataset, "Payments"))["id"])
        first = hour_of(datetime.now(UTC)) - timedelta(hours=PAST_HOURS)
        for index in range(PAST_HOURS):
            frame = payments(400, seed=100 + index)
            if index >= PAST_HOURS - SHIFTED_HOURS:
                frame["amount"] = frame["amount"] * 3
            scored = await score(client, tenant, version_id, frame)
            at = first + timedelta(hours=index, minutes=10)
            failed = 3 if index == 2 else 0
            batch = logged_batch(
                tenant, version_id, frame, scored, at, failed_calls=failed, latency_ms=4.0 + index
            )
            await observe_batch(tenant, batch)
        # this hour: through the real REST endpoint and the prediction log
        await predict_logged(client, tenant, version_id, payments(50, seed=99))
    return tenant, version_id


async def signed_in(browser: Browser, base_url: str, tenant: TenantFixture) -> Page:
    page = await browser.new_page(viewport=VIEWPORT)
    await sign_in(page, base_url, tenant, tenant.password)
    await expect(page.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    return page


async def test_a_model_with_traffic_shows_its_monitoring_tab_and_a_cell_drills_down(
    base_url: str, browser: Browser, monitored: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = monitored
    page = await signed_in(browser, base_url, tenant)
    errors = watch_console(page)
    await page.goto(f"{base_url}/models/versions/{version_id}")
    await (
        page.get_by_role("navigation", name="Model version sections")
        .get_by_role("link", name="Monitoring")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"\?tab=monitoring$"))

    # Refresh now: the alert rules judge the latest window (amount tripled)
    await page.get_by_role("button", name="Refresh now").click()
    summary = page.get_by_test_id("monitoring-summary")
    # 6 hours x 400 rows as logged batches and 50 through REST this hour
    await expect(summary).to_contain_text("2,450")
    await expect(summary).to_contain_text("Alert")  # the last full hour, amount tripled
    # the refresh opened an alert on amount: the tab lists it with the version's open alerts
    open_alerts = page.get_by_role("list", name="Open alerts of this version")
    await expect(open_alerts).to_contain_text("Feature drift on amount", timeout=15_000)

    # volume and latency charts, one bar per window with traffic
    traffic = page.get_by_role("region", name="Traffic")
    await expect(
        traffic.get_by_role("img", name=re.compile("^Predictions and failed calls"))
    ).to_be_visible()
    await expect(traffic.get_by_test_id("bar-Predictions")).to_have_count(PAST_HOURS + 1)
    await expect(traffic.get_by_test_id("bar-Failed calls")).to_have_count(PAST_HOURS + 1)
    await expect(traffic.get_by_role("img", name=re.compile("^Latency per window"))).to_be_visible()

    # the heat map: amount is red in the shifted hours, green before
    drift = page.get_by_role("region", name="Drift")
    heat_map = drift.get_by_role("table", name="Drift per feature and window")
    amount_row = heat_map.get_by_role("row").filter(
        has=page.get_by_role("button", name="amount", exact=True)
    )
    cells = amount_row.get_by_test_id("heat-map-cell")
    await expect(cells.first).to_have_attribute("data-status", "OK")
    shifted = cells.nth(PAST_HOURS - 1)
    await expect(shifted).to_have_attribute("data-status", "ALERT")
    await expect(cells.nth(PAST_HOURS)).to_have_attribute("data-status", "INSUFFICIENT_DATA")
    await expect(drift.get_by_role("list", name="Heat map legend")).to_contain_text(
        "Insufficient data"
    )
    await shot(page, "monitoring-01-tab", full_page=True)

    # drill down: the two distributions of amount, bin by bin
    await shifted.click()
    drill = page.get_by_test_id("drill-down")
    await expect(
        drill.get_by_role("heading", name="amount: training vs production")
    ).to_be_visible()
    await expect(
        drill.get_by_role("img", name=re.compile("^Distribution of amount, training vs production"))
    ).to_be_visible()
    assert await drill.get_by_test_id("distribution-bin").count() >= 4
    await expect(drill).to_contain_text("Alert")
    await page.evaluate("window.scrollTo(0, 0)")  # a full-page shot of a scrolled page
    await shot(page, "monitoring-02-drill-down", full_page=True)  # repeats the sticky header

    # performance over time says in words what it lacks; the daily view has one column
    await expect(page.get_by_role("region", name="Performance over time")).to_be_visible()
    await page.get_by_role("group", name="Window").get_by_role("button", name="Daily").click()
    await expect(page.get_by_role("region", name="Health")).to_contain_text("Daily windows")
    assert errors == [], errors


async def test_an_alert_appears_live_and_is_acknowledged_then_resolved(
    base_url: str, browser: Browser, monitored: tuple[TenantFixture, str]
) -> None:
    tenant, version_id = monitored
    page = await signed_in(browser, base_url, tenant)
    errors = watch_console(page)
    await page.get_by_role("link", name="Alerts").first.click()
    await expect(page).to_have_url(f"{base_url}/alerts")
    await expect(page.get_by_role("heading", name="Alerts", level=1)).to_be_visible()
    # the subscription is running before the alert opens: it must arrive without a reload
    await expect(page.get_by_role("status").filter(has_text="Live updates on")).to_be_visible()
    await page.wait_for_timeout(500)
    await open_drift_alert(tenant, version_id, "channel", 0.6)

    row = page.get_by_test_id("alert-row").filter(has=page.locator("code", has_text="channel"))
    await expect(row).to_be_visible(timeout=15_000)
    await expect(row).to_contain_text("Feature drift")
    await expect(row).to_contain_text("0.6")
    await expect(row).to_contain_text("Open")
    await expect(row.get_by_role("link", name="Payments v1")).to_have_attribute(
        "href", f"/models/versions/{version_id}?tab=monitoring"
    )
    await shot(page, "monitoring-03-alerts-live")

    await row.get_by_role("button", name="Acknowledge").click()
    dialog = page.get_by_role("dialog", name="Acknowledge this alert?")
    await dialog.get_by_label("Comment (optional)").fill("Looking at the upstream feed")
    await dialog.get_by_role("button", name="Acknowledge").click()
    await expect(dialog).to_be_hidden()
    await expect(row).to_contain_text("Acknowledged")
    await expect(row).to_contain_text("Looking at the upstream feed")

    await row.get_by_role("button", name="Resolve").click()
    dialog = page.get_by_role("dialog", name="Resolve this alert?")
    await dialog.get_by_label("Comment (optional)").fill("Feed fixed")
    await dialog.get_by_role("button", name="Resolve").click()
    await expect(dialog).to_be_hidden()
    await expect(row).to_contain_text("Resolved")
    await expect(row.get_by_role("button")).to_have_count(0)

    # the status filter: it is no longer open, it is resolved
    await page.get_by_role("group", name="Status").get_by_role("button", name="Open").click()
    await expect(page).to_have_url(f"{base_url}/alerts?status=OPEN")
    await expect(
        page.get_by_test_id("alert-row").filter(has=page.locator("code", has_text="channel"))
    ).to_have_count(0)
    await page.get_by_role("group", name="Status").get_by_role("button", name="Resolved").click()
    await expect(
        page.get_by_test_id("alert-row").filter(has=page.locator("code", has_text="channel"))
    ).to_have_count(1)
    await shot(page, "monitoring-04-alerts-resolved")
    assert errors == [], errors


async def test_a_webhook_is_created_its_secret_shown_once_then_deleted(
    base_url: str, browser: Browser, monitored: tuple[TenantFixture, str], client: httpx.AsyncClient
) -> None:
    tenant, version_id = monitored
    page = await signed_in(browser, base_url, tenant)
    errors = watch_console(page)
    await page.goto(f"{base_url}/admin")
    await (
        page.get_by_role("navigation", name="Administration sections")
        .get_by_role("link", name="Webhooks")
        .click()
    )
    await expect(page).to_have_url(f"{base_url}/admin/webhooks")

    # credentials in the URL are refused by the server, in words
    form = page.get_by_role("form", name="Create a webhook")
    await form.get_by_label("Receiver URL").fill("https://user:pw@hooks.example.com/x")
    await form.get_by_role("button", name="Create webhook").click()
    await expect(form.get_by_role("alert")).to_contain_text("must not contain credentials")

    # the tests allow private addresses (PHANTOM_WEBHOOK_ALLOW_PRIVATE): a real receiver
    with receiver() as hook:
        await form.get_by_label("Receiver URL").fill(hook.url)
        await form.get_by_label("alert.resolved").uncheck()
        await form.get_by_role("button", name="Create webhook").click()
        secret_box = page.get_by_role("region", name="New webhook secret")
        await expect(secret_box).to_contain_text("You will not see this secret again")
        secret = await secret_box.get_by_label("Webhook signing secret").input_value()
        assert len(secret) >= 32
        row = page.get_by_test_id("webhook-row").filter(has_text=hook.url)
        await expect(row).to_contain_text("alert.opened")
        await expect(row).not_to_contain_text("alert.resolved")
        await shot(page, "monitoring-05-webhook-secret")
        await secret_box.get_by_role("button", name="I have stored it safely").click()
        await expect(secret_box).to_be_hidden()
        await page.reload()
        await expect(row).to_be_visible()
        assert secret not in await page.content()  # shown once: never again

        # an alert opens: one delivery, delivered (as the worker's actor does it), signed
        # with the secret that was shown
        await open_drift_alert(tenant, version_id, "hour", 0.7)
        webhooks = await gql(
            client, "{ webhooks { edges { node { id url } } } }", headers=tenant.bearer
        )
        webhook_id = next(
            e["node"]["id"]
            for e in webhooks["data"]["webhooks"]["edges"]
            if e["node"]["url"] == hook.url
        )
        found = await gql(
            client,
            "query ($id: ID!) { webhookDeliveries(webhookId: $id) { edges { node { id } } } }",
            {"id": webhook_id},
            headers=tenant.bearer,
        )
        deliveries = found["data"]["webhookDeliveries"]["edges"]
        assert len(deliveries) == 1, found
        await deliver(tenant.id, uuid.UUID(deliveries[0]["node"]["id"]))
        assert len(hook.received) == 1
        received = hook.received[0]
        stamp, signature = (
            part.split("=", 1)[1] for part in received.headers["x-phantom-signature"].split(",")
        )
        expected = hmac.new(
            secret.encode(), stamp.encode() + b"." + received.body, hashlib.sha256
        ).hexdigest()
        assert hmac.compare_digest(signature, expected)

    await row.get_by_role("button", name="Deliveries").click()
    delivery = page.get_by_test_id("delivery-row")
    await expect(delivery).to_have_count(1)
    await expect(delivery).to_contain_text("alert.opened")
    await expect(delivery).to_contain_text("Delivered")
    cells = delivery.get_by_role("cell")
    await expect(cells.nth(1)).to_have_text("1")  # attempts
    await expect(cells.nth(2)).to_have_text("200")  # last status code
    await shot(page, "monitoring-06-webhook-deliveries")

    await row.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("alertdialog", name="Delete this webhook?")
    await expect(confirm).to_contain_text(hook.url)
    await confirm.get_by_role("button", name="Delete webhook").click()
    await expect(confirm).to_be_hidden()
    await expect(page.get_by_test_id("webhook-row").filter(has_text=hook.url)).to_have_count(0)
    await expect(page.get_by_role("region", name="Deliveries")).to_have_count(0)
    assert errors == [], errors
