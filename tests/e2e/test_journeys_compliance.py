"""Compliance journeys in a real browser against the real API (issue 11): download an audit
export and verify it with the standalone verifier, set the retention policy, and reject a
data subject request. Each asserts the outcome on the page and the state behind the API."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from phantom import audit
from phantom.config import REPO_ROOT
from phantom.db import transaction
from tests.audit.support import Member, add_member
from tests.support.browser import VIEWPORT, shot, watch_console
from tests.support.fixtures import PASSWORD, TenantFixture, create_tenant

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PROOF = REPO_ROOT / "backend" / "phantom" / "audit" / "proof.py"


async def sign_in_as(page: Page, url: str, slug: str, email: str) -> None:
    await page.goto(f"{url}/login")
    await page.get_by_label("Organization").fill(slug)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_test_id("tenant-name")).to_be_visible()


async def api(
    url: str, headers: dict[str, str], query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def officer_on_compliance(
    browser: Browser, base_url: str, tenant: TenantFixture, officer: Member
) -> tuple[Page, list[str]]:
    page = await browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    errors = watch_console(page)
    await sign_in_as(page, base_url, tenant.slug, officer.email)
    await page.get_by_role("link", name="Compliance").first.click()
    await expect(page.get_by_role("heading", name="Compliance", exact=True)).to_be_visible()
    return page, errors


async def compliance_tab(page: Page, name: str) -> None:
    """The compliance area opens on its overview; each tool is a tab."""
    await (
        page.get_by_role("navigation", name="Compliance sections")
        .get_by_role("link", name=name, exact=True)
        .click()
    )


async def test_an_officer_downloads_an_audit_export_that_verifies(
    base_url: str, browser: Browser, tmp_path: Path
) -> None:
    tenant = await create_tenant("Northwind Export Bank")
    officer = await add_member(tenant, ["compliance_officer"])
    page, errors = await officer_on_compliance(browser, base_url, tenant, officer)
    before = (await api(base_url, officer.bearer, "{ auditChain { events } }"))["auditChain"]

    await compliance_tab(page, "Audit chain")
    async with page.expect_download(timeout=60_000) as waiting:
        await page.get_by_role("button", name="Export", exact=True).click()
    download = await waiting.value
    assert download.suggested_filename.endswith(".jsonl"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    ready = page.get_by_role("status").filter(has_text="Export ready")
    await expect(ready).to_contain_text(f"to {download.suggested_filename}")
    await shot(page, "journey-compliance-export")

    # the file: a header, the tenant's events, and a signed checkpoint at its end
    records = [json.loads(line) for line in saved.read_text().splitlines() if line.strip()]
    header = records[0]
    assert header["format"] == "phantom-audit-export/1"
    assert header["tenant_id"] == str(tenant.id)
    events = [r for r in records if r.get("type") == "event"]
    checkpoints = [r for r in records if r.get("type") == "checkpoint"]
    assert len(events) >= before["events"] > 0
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert checkpoints
    assert checkpoints[-1]["signature"]
    assert checkpoints[-1]["seq"] == header["to_seq"] == events[-1]["seq"]

    # the auditor's standalone verifier accepts it, pinned to the key the API names
    chain = (await api(base_url, officer.bearer, "{ auditChain { signingKeyIds } }"))["auditChain"]
    verified = subprocess.run(
        [sys.executable, PROOF, saved, "--json", "--expect-key", chain["signingKeyIds"][0]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    result = json.loads(verified.stdout)
    assert result["ok"] is True, result
    assert result["events"] == len(events), result

    # the same verifier refuses a copy with one event altered
    tampered = tmp_path / "tampered.jsonl"
    altered = [
        dict(r, outcome="denied") if r.get("seq") == 2 and r.get("type") == "event" else r
        for r in records
    ]
    tampered.write_text("".join(json.dumps(r) + "\n" for r in altered))
    refused = subprocess.run(
        [sys.executable, PROOF, tampered, "--json"], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["first_bad_seq"] == 2, refused.stdout

    # and the export itself is in the log, by this officer
    exported = await api(
        base_url,
        officer.bearer,
        "query ($f: AuditEventFilter) { auditEvents(first: 5, filter: $f) "
        "{ edges { node { action actor { userId } } } } }",
        {"f": {"action": "audit.log.exported"}},
    )
    actors = [e["node"]["actor"]["userId"] for e in exported["auditEvents"]["edges"]]
    assert actors == [str(officer.user_id)]
    await page.close()
    assert errors == [], errors


async def test_an_officer_sets_the_retention_policy(base_url: str, browser: Browser) -> None:
    tenant = await create_tenant("Northwind Retention Bank")
    officer = await add_member(tenant, ["compliance_officer"])
    page, errors = await officer_on_compliance(browser, base_url, tenant, officer)
    await compliance_tab(page, "Retention")
    policy = page.get_by_test_id("retention-policy")
    await expect(policy).to_have_text("Event details are kept for ever")

    await page.get_by_label("Keep event details for (days)").fill("400")
    await page.get_by_role("button", name="Save policy").click()
    saved = page.get_by_role("status").filter(has_text="Retention policy saved")
    await expect(saved).to_be_visible()
    await expect(policy).to_have_text("Event details are kept for 400 days")

    # after a reload the page reads the policy from the server, and the log shows the change
    await page.reload()
    await expect(policy).to_have_text("Event details are kept for 400 days", timeout=30_000)
    await compliance_tab(page, "Audit log")
    log = page.get_by_role("table", name="Audit events, newest first")
    await expect(log.get_by_text("audit.retention.updated", exact=True)).to_be_visible()
    await shot(page, "journey-compliance-retention")

    stored = await api(base_url, officer.bearer, "{ auditRetentionPolicy { detailsDays } }")
    assert stored["auditRetentionPolicy"] == {"detailsDays": 400}
    updated = await api(
        base_url,
        officer.bearer,
        "query ($f: AuditEventFilter) { auditEvents(first: 5, filter: $f) "
        "{ edges { node { outcome details actor { userId } } } } }",
        {"f": {"action": "audit.retention.updated"}},
    )
    nodes = [e["node"] for e in updated["auditEvents"]["edges"]]
    assert len(nodes) == 1, nodes
    assert nodes[0]["actor"]["userId"] == str(officer.user_id)
    assert nodes[0]["outcome"] == "SUCCESS"
    assert nodes[0]["details"] == {"details_days": 400, "previous_details_days": None}
    await page.close()
    assert errors == [], errors


SUBJECT = """query ($id: ID!, $f: AuditEventFilter) {
  member(id: $id) { email status }
  auditEvents(first: 10, filter: $f) { edges { node { personalData { subjectId data erased } } } }
}"""


async def test_a_second_officer_rejects_a_data_subject_request(
    base_url: str, browser: Browser
) -> None:
    tenant = await create_tenant("Northwind Privacy Bank")
    first = await add_member(tenant, ["compliance_officer"])
    second = await add_member(tenant, ["compliance_officer"])
    subject = await add_member(tenant, ["data_scientist"])
    async with transaction(tenant.id) as session:
        await audit.record(
            session,
            actor=audit.Actor(audit.ActorType.USER, user_id=subject.user_id),
            action="datasets.dataset.downloaded",
            resource=("dataset", uuid.uuid4()),
            details={"rows": 1200},
            subjects={subject.user_id: {"email": subject.email}},
        )

    # the first officer files an erasure request
    page, errors = await officer_on_compliance(browser, base_url, tenant, first)
    await compliance_tab(page, "Data subject requests")
    await page.get_by_label("Person\u2019s email").fill(subject.email)
    await page.get_by_label("Reason").fill("Ticket 5150: not the data controller")
    await page.get_by_role("button", name="File request").click()
    requests = page.get_by_role("table", name="Data subject requests, newest first")
    row = requests.get_by_role("row").filter(has_text=subject.email)
    # columns: Kind, (Person is the row header), Reason, Filed, Status, Actions
    status = row.get_by_role("cell").nth(3)
    await expect(status).to_have_text("Pending")
    await page.get_by_role("button", name="Sign out").click()

    # the second officer rejects it
    await sign_in_as(page, base_url, tenant.slug, second.email)
    await page.get_by_role("link", name="Compliance").first.click()
    await compliance_tab(page, "Data subject requests")
    await row.get_by_role("button", name="Reject").click()
    await expect(status).to_have_text("Rejected")
    await expect(row.get_by_role("button")).to_have_count(0)
    await page.reload()
    await expect(status).to_have_text("Rejected", timeout=30_000)
    await expect(row.get_by_role("rowheader")).to_have_text(subject.email)
    await shot(page, "journey-compliance-dsr-rejected")

    found = await api(
        base_url,
        second.bearer,
        "{ dataSubjectRequests(first: 5) { edges { node { id status subjectId decidedBy "
        "executedAt report } } } }",
    )
    nodes = [e["node"] for e in found["dataSubjectRequests"]["edges"]]
    assert len(nodes) == 1, nodes
    request = nodes[0]
    assert request["status"] == "REJECTED"
    assert request["subjectId"] == str(subject.user_id)
    assert request["decidedBy"] == str(second.user_id)
    assert request["executedAt"] is None
    assert request["report"] is None
    # a rejected request cannot be executed
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        refused = await http.post(
            "/graphql",
            headers=second.bearer,
            json={
                "query": "mutation ($id: ID!) { executeDataSubjectRequest(id: $id) { status } }",
                "variables": {"id": request["id"]},
            },
        )
    assert refused.json().get("errors"), refused.text

    # the subject is untouched: still an active member, still signed in by their token,
    # and their personal data in the audit log still readable
    state = await api(
        base_url,
        second.bearer,
        SUBJECT,
        {"id": str(subject.user_id), "f": {"action": "datasets.dataset.downloaded"}},
    )
    assert state["member"] == {"email": subject.email, "status": "ACTIVE"}
    personal = [p for e in state["auditEvents"]["edges"] for p in e["node"]["personalData"] or []]
    assert personal
    assert all(not p["erased"] for p in personal), personal
    assert {"email": subject.email} in [p["data"] for p in personal]
    viewer = await api(base_url, subject.bearer, "{ viewer { email } }")
    assert viewer["viewer"]["email"] == subject.email
    await page.close()
    assert errors == [], errors
