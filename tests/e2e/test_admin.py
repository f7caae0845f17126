"""An owner administers identity and access in a real browser: invites a member, who
accepts in a browser of their own; changes the member's roles, creates a custom role,
and deactivates the member."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.support.browser import SHOTS, VIEWPORT, shot, sign_in, watch_console
from tests.support.fixtures import TenantFixture

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
NEW_PASSWORD = "correct horse battery staple"


async def test_owner_invites_changes_roles_creates_a_role_and_deactivates(
    base_url: str, browser: Browser, tenant: TenantFixture
) -> None:
    owner = await browser.new_page(viewport=VIEWPORT)
    errors = watch_console(owner)
    await sign_in(owner, base_url, tenant, tenant.password)
    await expect(owner.get_by_test_id("tenant-name")).to_have_text(tenant.name)

    # the Admin area opens on Members
    await owner.get_by_role("link", name="Admin").first.click()
    await expect(owner).to_have_url(f"{base_url}/admin/members")
    members = owner.get_by_role("table", name="Members of your organization")
    await expect(members.get_by_text(tenant.admin_email)).to_be_visible()
    await shot(owner, "admin-members")

    # invite a member with a role: the one-time link is shown once
    email = f"quinn.analyst-with-a-long-address@{tenant.slug}.example.com"
    await owner.get_by_role("button", name="Invite member").click()
    dialog = owner.get_by_role("dialog", name="Invite a member")
    await dialog.get_by_label("Email").fill(email)
    await dialog.get_by_label("Display name (optional)").fill("Quinn Analyst")
    await dialog.get_by_role("checkbox", name=re.compile("^Data scientist")).check()
    await dialog.get_by_role("checkbox", name=re.compile("^Viewer")).uncheck()
    await shot(owner, "admin-invite", full_page=False)
    await dialog.get_by_role("button", name="Send invitation").click()
    result = owner.get_by_role("dialog", name="Quinn Analyst is invited")
    await expect(result.get_by_text("This link is shown once")).to_be_visible()
    invite_url = await result.get_by_role("textbox", name="Invitation link").input_value()
    assert invite_url.startswith(f"{base_url}/accept-invite#token=")
    await shot(owner, "admin-invite-link", full_page=False)
    await result.get_by_role("button", name="Done").click()
    row = members.get_by_role("row", name=re.compile("Quinn Analyst"))
    await expect(row.get_by_text("Invited")).to_be_visible()

    # the invitee accepts in a browser context of their own
    invitee_context = await browser.new_context(viewport=VIEWPORT)
    invitee = await invitee_context.new_page()
    invitee_errors = watch_console(invitee)
    await invitee.goto(invite_url)
    await expect(invitee.get_by_role("heading", name="Join your organization")).to_be_visible()
    # the secret leaves the address bar at once
    await expect(invitee).to_have_url(f"{base_url}/accept-invite")
    await invitee.get_by_label("New password", exact=True).fill("short")
    await invitee.get_by_label("Confirm new password").fill("short")
    await invitee.get_by_role("button", name="Set password and sign in").click()
    await expect(invitee.get_by_text("Use at least 12 characters.")).to_be_visible()
    await invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await invitee.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    await shot(invitee, "accept-invite")
    await invitee.get_by_role("button", name="Set password and sign in").click()
    await expect(invitee.get_by_test_id("tenant-name")).to_have_text(tenant.name)
    await expect(invitee.get_by_test_id("user-name")).to_have_text("Quinn Analyst")
    # a data scientist manages no one: no member or role sections
    await invitee.get_by_role("link", name="Admin").first.click()
    tabs = invitee.get_by_role("navigation", name="Administration sections")
    await expect(tabs.get_by_role("link", name="API tokens")).to_be_visible()
    await expect(tabs.get_by_role("link", name="Members")).to_have_count(0)
    await expect(invitee.get_by_text("No API tokens yet")).to_be_visible()
    await shot(invitee, "admin-as-data-scientist")
    assert invitee_errors == []
    await invitee_context.close()

    # the owner sees the member active and changes their roles
    await owner.reload()
    await expect(row.get_by_text("Active")).to_be_visible()
    await expect(row.get_by_text("Password")).to_be_visible()
    await owner.get_by_role("button", name="Change roles of Quinn Analyst").click()
    dialog = owner.get_by_role("dialog", name="Change roles of Quinn Analyst")
    await dialog.get_by_role("checkbox", name=re.compile("^ML engineer")).check()
    await dialog.get_by_role("button", name="Save roles").click()
    await expect(dialog).to_have_count(0)
    await expect(row.get_by_text("ML engineer")).to_be_visible()

    # the last owner cannot lose the owner role: the server says why
    owner_name = re.compile(r"Change roles of .*")
    owner_row = members.get_by_role("row").filter(has_text=tenant.admin_email)
    await owner_row.get_by_role("button", name=owner_name).click()
    dialog = owner.get_by_role("dialog")
    await dialog.get_by_role("checkbox", name=re.compile("^Viewer")).check()
    await dialog.get_by_role("checkbox", name=re.compile("^Owner")).uncheck()
    await dialog.get_by_role("button", name="Save roles").click()
    await expect(dialog.get_by_role("alert")).to_contain_text("owner")
    await shot(owner, "admin-last-owner", full_page=False)
    await dialog.get_by_role("button", name="Cancel").click()

    # a custom role, visible in the permission matrix
    await owner.get_by_role("link", name="Roles & permissions").click()
    await owner.get_by_role("button", name="Create role").click()
    dialog = owner.get_by_role("dialog", name="Create a custom role")
    await dialog.get_by_label("Name").fill("model_auditor")
    await dialog.get_by_label("Description").fill("Reviews models and the audit trail.")
    await dialog.get_by_role("checkbox", name=re.compile("models:read")).check()
    await dialog.get_by_role("checkbox", name=re.compile("audit:read ")).check()
    await shot(owner, "admin-role-editor", full_page=False)
    await dialog.get_by_role("button", name="Create role").click()
    await expect(dialog).to_have_count(0)
    matrix = owner.get_by_role("table", name="Permissions granted by each role")
    auditor = matrix.get_by_role("columnheader", name=re.compile("Model auditor"))
    await expect(auditor).to_be_visible()
    await shot(owner, "admin-roles")
    await owner.locator(".matrix-scroll").screenshot(path=str(SHOTS / "admin-matrix.png"))

    # deactivation asks first and says what happens at once
    await owner.get_by_role("link", name="Members").click()
    await owner.get_by_role("button", name="Deactivate Quinn Analyst").click()
    confirm = owner.get_by_role("alertdialog", name="Deactivate Quinn Analyst?")
    await expect(confirm).to_contain_text("every API token is revoked immediately")
    await shot(owner, "admin-deactivate", full_page=False)
    await confirm.get_by_role("button", name="Deactivate").click()
    await expect(row.get_by_text("Deactivated")).to_be_visible()
    await expect(owner.get_by_role("button", name="Reactivate Quinn Analyst")).to_be_visible()
    await shot(owner, "admin-members-after")

    # single sign-on: the redirect URI to register, and the server's validation message
    await owner.get_by_role("link", name="Single sign-on").click()
    await expect(owner.get_by_text("Single sign-on is not configured")).to_be_visible()
    redirect = owner.get_by_role("textbox", name="Redirect URI")
    await expect(redirect).to_have_value(f"{base_url}/auth/sso/{tenant.slug}/callback")
    await owner.get_by_label("Issuer URL").fill("http://127.0.0.1:9/no-idp-here")
    await owner.get_by_label("Client ID").fill("phantom-ml-studio")
    await owner.get_by_label("Client secret").fill("not-a-real-secret")
    await owner.get_by_role("switch", name="Require SSO").check()
    await expect(owner.get_by_text("Password sign-in will be disabled")).to_be_visible()
    await owner.get_by_role("button", name="Save configuration").click()
    refusal = owner.get_by_role("alert").filter(has_text="The configuration was not saved")
    await expect(refusal).to_be_visible()
    await shot(owner, "admin-sso")

    # own and organization-wide tokens
    await owner.get_by_role("link", name="API tokens").click()
    all_tokens = owner.get_by_role("heading", name="All tokens of the organization")
    await expect(all_tokens).to_be_visible()
    await shot(owner, "admin-tokens")
    assert errors == []
    await owner.close()
