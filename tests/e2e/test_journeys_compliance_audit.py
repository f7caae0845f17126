"""The audit log and the retention screen as a compliance officer reads them, in Chromium
against the real API (issue 15): names rather than ids, action labels with the code on
focus, times in the viewer's zone with the zone shown, filters by person and resource,
an erased person shown as erased, the purge schedule, and a table that keeps every
column on a 1024 px screen. What the page shows is checked against what the API says."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, ViewportSize, expect

from phantom import audit
from phantom.audit.service import subject_data
from phantom.db import transaction
from phantom.kit.jobs import HOUSEKEEPING_SCHEDULE, PeriodicScheduler, Schedule
from tests.audit.support import Member, add_member
from tests.automl.support import upload_frame
from tests.e2e.test_journeys_compliance import api, sign_in_as
from tests.support.browser import shot, watch_console
from tests.support.fixtures import create_tenant
from tests.support.models import payments

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ZONE = "America/New_York"  # the viewer's zone: December times read "EST"
TABLET: ViewportSize = {"width": 1024, "height": 900}
COUNT = "query ($f: AuditEventFilter) { auditEvents(first: 1, filter: $f) { totalCount } }"


def _name(member: Member) -> str:
    return member.email.split("@", 1)[0]  # invited without a display name


async def _total(url: str, who: Member, **filter: Any) -> int:
    found = await api(url, who.bearer, COUNT, {"f": filter})
    total: int = found["auditEvents"]["totalCount"]
    return total


async def test_an_officer_reads_the_audit_log_in_words_on_a_tablet(
    base_url: str, browser: Browser
) -> None:
    # given: a scientist uploaded a dataset; a viewer who acted was erased since
    tenant = await create_tenant("Northwind Audit Bank")
    officer = await add_member(tenant, ["compliance_officer"])
    scientist = await add_member(tenant, ["data_scientist"])
    gone = await add_member(tenant, ["viewer"])
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        dataset_id = await upload_frame(http, scientist.bearer, payments(), "Card payments")
    async with transaction(tenant.id) as session:
        await audit.record(
            session,
            actor=audit.Actor(audit.ActorType.USER, user_id=gone.user_id),
            action="identity.token.created",
            resource=("user", gone.user_id),
        )
    async with transaction(tenant.id) as session:
        await subject_data.shred(session, gone.user_id)

    context = await browser.new_context(viewport=TABLET, timezone_id=ZONE, locale="en-US")
    page = await context.new_page()
    errors = watch_console(page)
    await sign_in_as(page, base_url, tenant.slug, officer.email)
    # at 1024 px the navigation is folded behind the Menu button: open the tab's address
    await page.goto(f"{base_url}/compliance/audit-log")
    log = page.get_by_role("table", name="Audit events, newest first")

    # then: the upload reads as a sentence: who, what, on which dataset, when (with zone)
    uploaded = log.get_by_role("row").filter(has_text="Uploaded a dataset")
    await expect(uploaded).to_have_count(1)
    by_token = f"{_name(scientist)} (API token)"  # the upload used the scientist's token
    await expect(uploaded.get_by_text(by_token, exact=True)).to_be_visible()
    link = uploaded.get_by_role("link", name="Card payments")
    await expect(link).to_have_attribute("href", f"/data/{dataset_id}")
    when = uploaded.locator("time")
    await expect(when).to_contain_text("EST")
    await expect(page.get_by_text(f"Times are in your time zone ({ZONE})")).to_be_visible()
    # the code behind the label: in its title, and shown when the label has focus
    label = uploaded.locator(".audit-action")
    await expect(label).to_have_attribute("title", "datasets.dataset.uploaded")
    await expect(label).to_contain_text("Uploaded a dataset")
    code = label.locator("code")
    assert ((await code.bounding_box()) or {"width": 0})["width"] <= 1
    await label.focus()
    assert ((await code.bounding_box()) or {"width": 0})["width"] > 40
    # the erased viewer is "Erased person", never their name
    erased = log.get_by_role("row").filter(has_text="Created an API token")
    await expect(erased.get_by_text("Erased person").first).to_be_visible()
    await expect(log.get_by_text(_name(gone), exact=True)).to_have_count(0)

    # at 1024 px nothing is cut off: every row's last cell is on screen, dates on one line
    details = log.get_by_role("button", name="Show details of event").first
    box = await details.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= TABLET["width"], box
    when_box = await when.bounding_box()
    assert when_box is not None
    assert when_box["height"] < 30, when_box  # one line
    await shot(page, "journey-compliance-audit-1024")

    # details read as a list, not JSON
    await uploaded.get_by_role("button", name="Show details of event").click()
    await expect(log.locator(".audit-details").first).to_be_visible()
    await expect(log.get_by_text('{"')).to_have_count(0)

    # filter by person, chosen by name: the count is the API's
    await page.get_by_role("textbox", name="Person", exact=True).fill(_name(scientist)[:12])
    await page.get_by_role("list", name="Matching people").get_by_role("button").first.click()
    theirs = await _total(base_url, officer, actorId=str(scientist.user_id))
    await expect(page.get_by_text(f"{theirs} matching event")).to_be_visible()
    # then by this resource, from its row
    await log.get_by_role("button", name="Show only events on Card payments").click()
    on_it = await _total(
        base_url,
        officer,
        actorId=str(scientist.user_id),
        resourceType="dataset",
        resourceId=dataset_id,
    )
    assert on_it == 1
    await expect(page.get_by_text("1 matching event", exact=True)).to_be_visible()
    toggles = log.get_by_role("button", name=re.compile(r"^(Show|Hide) details of event"))
    await expect(toggles).to_have_count(1)  # the upload alone (its details still open)
    await shot(page, "journey-compliance-audit-filtered")
    # on a 1280 px screen the log is a table again, its last column on screen
    await page.set_viewport_size({"width": 1280, "height": 900})
    await expect(log.get_by_role("columnheader", name="Details")).to_be_visible()
    toggle = await toggles.first.bounding_box()
    assert toggle is not None
    assert toggle["x"] + toggle["width"] <= 1280, toggle
    await shot(page, "journey-compliance-audit-1280")
    await page.set_viewport_size(TABLET)

    # the retention screen: when housekeeping ran and runs next, as the API says
    interval = (
        await api(base_url, officer.bearer, "{ auditRetentionSchedule { intervalSeconds } }")
    )["auditRetentionSchedule"]["intervalSeconds"]
    assert PeriodicScheduler([]).tick(Schedule(HOUSEKEEPING_SCHEDULE, interval, ()))
    await page.goto(f"{base_url}/compliance/retention")  # its own tab, loaded afresh
    schedule = (
        await api(base_url, officer.bearer, "{ auditRetentionSchedule { lastRunAt nextRunAt } }")
    )["auditRetentionSchedule"]
    assert schedule["lastRunAt"] is not None
    assert schedule["nextRunAt"] is not None
    await expect(page.get_by_test_id("retention-last-run")).to_contain_text("EST")
    await expect(page.get_by_test_id("retention-next-run")).to_contain_text("in ")
    await expect(page.get_by_text("Nothing has been purged yet")).to_be_visible()
    await page.get_by_role("heading", name="Purges").scroll_into_view_if_needed()
    await shot(page, "journey-compliance-retention-screen")
    await context.close()
    assert errors == [], errors
