"""The compliance officer's page in a real browser: the audit log with a filter, Verify
chain with the checkpoint it reached, tampering shown with the first bad seq, and a data
subject request filed, approved by a second officer and executed."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, Page, expect

from phantom import audit
from phantom.db import transaction
from tests.audit.support import add_member, superuser_sql
from tests.support.browser import VIEWPORT, shot, watch_console
from tests.support.fixtures import PASSWORD, create_tenant

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def sign_in(page: Page, url: str, slug: str, email: str) -> None:
    await page.goto(f"{url}/login")
    await page.get_by_label("Organization").fill(slug)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_test_id("tenant-name")).to_be_visible()


async def compliance_tab(page: Page, name: str) -> None:
    """The compliance area opens on its overview; each tool is a tab."""
    await (
        page.get_by_role("navigation", name="Compliance sections")
        .get_by_role("link", name=name, exact=True)
        .click()
    )


async def test_the_compliance_officers_journey(base_url: str, browser: Browser) -> None:
    # given: an organization with two officers, a member, and some history
    tenant = await create_tenant("Northwind Bank")
    first, second = (
        await add_member(tenant, ["compliance_officer"]),
        await add_member(tenant, ["compliance_officer"]),
    )
    subject = await add_member(tenant, ["data_scientist"])
    async with transaction(tenant.id) as session:
        for action in ("datasets.dataset.downloaded", "serving.predictions.exported"):
            await audit.record(
                session,
                actor=audit.Actor(audit.ActorType.USER, user_id=subject.user_id),
                action=action,
                resource=("dataset", uuid.uuid4()),
                details={"rows": 1200},
                subjects={subject.user_id: {"email": subject.email}},
            )
    page = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(page)
    await sign_in(page, base_url, tenant.slug, first.email)
    await page.get_by_role("link", name="Compliance").first.click()
    await compliance_tab(page, "Audit log")
    # the log, filtered by an action prefix
    log = page.get_by_role("table", name="Audit events, newest first")
    await expect(log.get_by_text("serving.predictions.exported")).to_be_visible()
    await page.get_by_label("Action").fill("datasets.")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(log.get_by_text("serving.predictions.exported")).to_have_count(0)
    await log.get_by_role("button", name="Show details of event").first.click()
    await expect(log.get_by_text(subject.email)).to_be_visible()
    # verify: intact, with the checkpoint reached
    await compliance_tab(page, "Audit chain")
    await page.get_by_role("button", name="Verify chain").click()
    await expect(page.get_by_role("status").first).to_contain_text("Chain intact")
    await shot(page, "compliance")
    # a data subject request: filed by one officer, approved by the other, executed
    await compliance_tab(page, "Data subject requests")
    await page.get_by_label("Person\u2019s email").fill(subject.email)
    await page.get_by_label("Reason").fill("Ticket 4711")
    await page.get_by_role("button", name="File request").click()
    requests = page.get_by_role("table", name="Data subject requests, newest first")
    await expect(requests.get_by_text("Awaiting another officer\u2019s approval")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, base_url, tenant.slug, second.email)
    await page.get_by_role("link", name="Compliance").first.click()
    await compliance_tab(page, "Data subject requests")
    await requests.get_by_role("button", name="Approve").click()
    await requests.get_by_role("button", name="Execute").click()
    await requests.get_by_role("button", name="Confirm erasure").click()
    await expect(requests.get_by_text("Executed")).to_be_visible()
    await requests.get_by_role("button", name="Report").click()
    await expect(requests.get_by_text('"audit_subject_key_destroyed": true')).to_be_visible()
    await shot(page, "compliance-erasure")
    # tampering shows where the chain broke
    await superuser_sql(
        "UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = $1 AND seq = 2", tenant.id
    )
    await compliance_tab(page, "Audit chain")
    await page.get_by_role("button", name="Verify chain").click()
    await expect(page.get_by_role("alert").first).to_contain_text("Chain broken at seq 2")
    await shot(page, "compliance-tampered")
    await page.close()
    assert errors == [], errors
