"""Issue 10, item 1: an administrator of one organization must not be able to set or use a
password for an account another organization relies on. Users are global; each attack
goes through the real API (inviteMember, POST /auth/invitation, POST /auth/login)."""

from __future__ import annotations

import httpx
import pytest

from phantom.db import transaction
from phantom.identity.sso.provisioning import provision_member
from phantom.identity.tenants import tenants
from phantom.kit.errors import BadUserInput
from tests.audit.support import superuser_sql
from tests.support.fixtures import TenantFixture, error_codes, gql

INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl member { id status } } }"""
DEACTIVATE = "mutation($id: ID!) { deactivateMember(userId: $id) { id status } }"
REACTIVATE = "mutation($id: ID!) { reactivateMember(userId: $id) { id status } }"
VIEWER = "{ viewer { email roles } }"
ATTACKER_PASSWORD = "the attacker's chosen password"
# the one refusal for every existing account (wrong password, SSO-only, ...)
EXISTING_ACCOUNT = (
    "This invitation could not be accepted with that password. If you already have a "
    "Phantom account, enter its current password."
)


async def invite(client: httpx.AsyncClient, t: TenantFixture, email: str) -> dict[str, str]:
    body = await gql(client, INVITE, {"input": {"email": email, "roles": ["viewer"]}}, t.bearer)
    assert "errors" not in body, body
    invitation: dict[str, str] = {
        "url": body["data"]["inviteMember"]["inviteUrl"],
        "id": body["data"]["inviteMember"]["member"]["id"],
    }
    return invitation


async def accept(client: httpx.AsyncClient, url: str, password: str) -> httpx.Response:
    secret = url.split("#token=", 1)[1]
    response = await client.post("/auth/invitation", json={"token": secret, "password": password})
    client.cookies.clear()
    return response


async def login(
    client: httpx.AsyncClient, t: TenantFixture, email: str, password: str
) -> httpx.Response:
    response = await client.post(
        "/auth/login", json={"tenant": t.slug, "email": email, "password": password}
    )
    client.cookies.clear()
    return response


async def sso_provision(t: TenantFixture, email: str, roles: list[str]) -> None:
    """The tenant's IdP signs the person in (just-in-time provisioning, no password)."""
    async with transaction(t.id) as session:
        await provision_member(
            session,
            tenant_id=t.id,
            email=email,
            display_name="Jane",
            roles=roles,
            sso_subject=f"idp|{email}",
        )


async def password_hash(email: str) -> str | None:
    rows = await superuser_sql("SELECT password_hash FROM users WHERE email = $1", email)
    value: str | None = rows[0]["password_hash"]
    return value


async def test_an_sso_only_account_cannot_be_given_a_password_by_another_organization(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: `bank` (tenant) signed Jane in through SSO: active, no password
    bank, evil = tenant, other_tenant
    jane = f"ds.jane@{bank.slug}.example.com"
    await sso_provision(bank, jane, ["data_scientist"])
    # when: evil's admin invites her and accepts the invitation with a password of choice
    invitation = await invite(client, evil, jane)
    accepted = await accept(client, invitation["url"], ATTACKER_PASSWORD)
    # then: refused, her account still has no password, and bank refuses the password
    # (with the answer a wrong password gets: the inviter learns nothing about her account)
    assert accepted.status_code == 401, accepted.text
    assert accepted.json()["error"]["message"] == EXISTING_ACCOUNT
    assert await password_hash(jane) is None
    assert (await login(client, bank, jane, ATTACKER_PASSWORD)).status_code == 401


async def test_a_password_set_in_one_organization_never_opens_an_sso_membership_elsewhere(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: evil squats an address nobody uses yet, accepting its own invitation
    bank, evil = tenant, other_tenant
    ceo = f"ceo@{bank.slug}.example.com"
    invitation = await invite(client, evil, ceo)
    assert (await accept(client, invitation["url"], ATTACKER_PASSWORD)).status_code == 200
    # when: later the real person signs in to bank through bank's SSO
    await sso_provision(bank, ceo, ["admin"])
    # then: the password evil chose does not open bank
    refused = await login(client, bank, ceo, ATTACKER_PASSWORD)
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["message"] == "Invalid organization, email or password."
    # (evil's own membership, which the password was set for, still works)
    assert (await login(client, evil, ceo, ATTACKER_PASSWORD)).status_code == 200


async def test_a_pending_invitee_elsewhere_is_not_taken_over_through_reactivation(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: bank invited Sam, who has not accepted yet (no password)
    bank, evil = tenant, other_tenant
    sam = f"sam@{bank.slug}.example.com"
    pending = await invite(client, bank, sam)
    # evil invites Sam too and accepts with its own password
    invitation = await invite(client, evil, sam)
    assert (await accept(client, invitation["url"], ATTACKER_PASSWORD)).status_code == 200
    # when: bank deactivates and reactivates the pending invitation (tidying up)
    await gql(client, DEACTIVATE, {"id": pending["id"]}, bank.bearer)
    body = await gql(client, REACTIVATE, {"id": pending["id"]}, bank.bearer)
    # then: still only invited, and evil's password does not open bank
    assert body["data"]["reactivateMember"]["status"] == "INVITED", body
    assert (await login(client, bank, sam, ATTACKER_PASSWORD)).status_code == 401


async def test_an_account_with_a_password_joins_only_with_that_password(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: bank's owner has a password; evil invites them
    bank, evil = tenant, other_tenant
    before = await password_hash(bank.admin_email)
    invitation = await invite(client, evil, bank.admin_email)
    # when: evil accepts with a password of its choice
    refused = await accept(client, invitation["url"], ATTACKER_PASSWORD)
    # then: refused; the password is unchanged and still the only one bank accepts
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == EXISTING_ACCOUNT
    assert await password_hash(bank.admin_email) == before
    assert (await login(client, bank, bank.admin_email, ATTACKER_PASSWORD)).status_code == 401
    assert (await login(client, bank, bank.admin_email, bank.password)).status_code == 200


async def test_a_new_person_invited_by_two_organizations_can_accept_both(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: two pending invitations for a new address
    email = f"new.hire@{tenant.slug}.example.com"
    first, second = await invite(client, tenant, email), await invite(client, other_tenant, email)
    # when: the person accepts the first with a new password, the second with the same one
    assert (await accept(client, first["url"], "my own new password")).status_code == 200
    wrong = await accept(client, second["url"], ATTACKER_PASSWORD)
    assert wrong.status_code == 401
    assert (await accept(client, second["url"], "my own new password")).status_code == 200
    # then: both organizations let them in with it
    for t in (tenant, other_tenant):
        assert (await login(client, t, email, "my own new password")).status_code == 200
    body = await gql(client, VIEWER, headers=tenant.bearer)
    assert error_codes(body) == []


async def test_a_new_organization_gets_an_existing_account_as_owner_only_with_its_password(
    client: httpx.AsyncClient, other_tenant: TenantFixture
) -> None:
    # given: evil squatted an address through its own invitation
    evil = other_tenant
    ceo = "ceo@newbank.example.com"
    invitation = await invite(client, evil, ceo)
    assert (await accept(client, invitation["url"], ATTACKER_PASSWORD)).status_code == 200
    # when: the operator creates the real organization with that address as its owner
    with pytest.raises(BadUserInput, match="give its current password"):
        async with transaction(None) as session:
            await tenants.create(
                session,
                slug="newbank",
                name="New Bank",
                admin_email=ceo,
                admin_password="the operator's password",
            )
    # then: no such organization, and evil's password opens nothing new
    assert not await superuser_sql("SELECT 1 FROM tenants WHERE slug = 'newbank'")
    response = await client.post(
        "/auth/login", json={"tenant": "newbank", "email": ceo, "password": ATTACKER_PASSWORD}
    )
    assert response.status_code == 401
