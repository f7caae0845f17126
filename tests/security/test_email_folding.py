"""Issue 10, also check: email addresses were compared by `.lower()`, but Unicode has
other spellings of the same letters ('ß'/'ss', a final sigma, full-width letters,
ligatures). Every address is stored, looked up and rate-limited in one folded form, and
an address whose spelling folds into another is refused, so two accounts never stand
for one address."""

from __future__ import annotations

import unicodedata

import httpx
import pytest

from phantom.config import settings
from tests.audit.support import superuser_sql
from tests.support.fixtures import TenantFixture, error_codes, gql

INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl member { id email } } }"""
PASSWORD = "a long enough password"


async def invite(client: httpx.AsyncClient, t: TenantFixture, email: str) -> dict[str, object]:
    variables = {"input": {"email": email, "roles": ["viewer"]}}
    return await gql(client, INVITE, variables, t.bearer)


async def users_named(domain: str) -> list[str]:
    rows = await superuser_sql("SELECT email FROM users WHERE email LIKE $1", f"%@{domain}")
    return sorted(r["email"] for r in rows)


@pytest.mark.parametrize(
    ("plain", "twin"),
    [
        ("strasse", "STRAẞE"),  # capital sharp s: lower() gives 'ß', folding gives 'ss'
        ("odysseus.\u03c3", "odysseus.\u03c2"),  # a final sigma folds to sigma
        ("kate", "\uff4bate"),  # a full-width k
        ("ff.team", "\ufb00.team"),  # the ligature is the plain pair
    ],
)
async def test_a_folded_twin_of_an_address_is_not_a_second_account(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    plain: str,
    twin: str,
) -> None:
    # given: a member with one spelling
    domain = f"folding.{tenant.slug}.example.com"
    first = await invite(client, tenant, f"{plain}@{domain}")
    assert "errors" not in first, first
    before = await users_named(domain)
    # when: another organization invites the twin spelling
    body = await invite(client, other_tenant, f"{twin}@{domain}")
    # then: no second account for what is the same address once folded
    after = await users_named(domain)
    if "errors" in body:
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert "spelling" in str(body["errors"][0]["message"])
    else:
        assert (
            body["data"]["inviteMember"]["member"]["id"]
            == first["data"]["inviteMember"]["member"]["id"]
        )
    assert after == before, (before, after)
    assert len(after) <= 1


async def test_sign_in_finds_the_account_by_any_spelling_and_counts_failures_together(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a member josé (stored composed)
    domain = f"{tenant.slug}.example.com"
    body = await invite(client, tenant, f"josé@{domain}")
    url = body["data"]["inviteMember"]["inviteUrl"]
    secret = url.split("#token=", 1)[1]
    accepted = await client.post("/auth/invitation", json={"token": secret, "password": PASSWORD})
    assert accepted.status_code == 200
    client.cookies.clear()
    # when: they sign in with the decomposed spelling a keyboard may send, in capitals
    spelled = unicodedata.normalize("NFD", f"JOSÉ@{domain.upper()}")
    ok = await client.post(
        "/auth/login", json={"tenant": tenant.slug, "email": spelled, "password": PASSWORD}
    )
    # then: it is the same account
    assert ok.status_code == 200, ok.text
    client.cookies.clear()
    # and failures under one spelling lock out every spelling of the address
    for _ in range(settings.LOGIN_MAX_FAILURES):
        wrong = {"tenant": tenant.slug, "email": spelled, "password": "not the password"}
        assert (await client.post("/auth/login", json=wrong)).status_code == 401
    plain = {"tenant": tenant.slug, "email": f"josé@{domain}", "password": PASSWORD}
    locked = await client.post("/auth/login", json=plain)
    assert locked.status_code == 429, locked.text
