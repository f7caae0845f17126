"""Issue 10, item 2: every grant is bounded by the permissions and the expiry of the
credential making it, not by what its user could do. Each attack uses a narrowly scoped
token of the organization's owner (who holds everything) through GraphQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from phantom.db import transaction
from phantom.identity.tokens import tokens
from tests.audit.support import superuser_sql
from tests.support.fixtures import TenantFixture, error_codes, gql

CREATE_TOKEN = """mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { scopes expiresAt } } }"""
INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl member { id roles } } }"""
SET_ROLES = """mutation($input: SetMemberRolesInput!) {
  setMemberRoles(input: $input) { id roles } }"""
REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }"
DEACTIVATE = "mutation($id: ID!) { deactivateMember(userId: $id) { id status } }"
CREATE_ROLE = """mutation($input: CreateRoleInput!) {
  createRole(input: $input) { name permissions } }"""
UPDATE_ROLE = """mutation($input: UpdateRoleInput!) {
  updateRole(input: $input) { name permissions } }"""


async def owner_token(
    t: TenantFixture,
    *,
    scopes: list[str] | None = None,
    role: str | None = None,
    days: int | None = 90,
) -> dict[str, str]:
    """A token of the owner, narrowed (the CLI's `token create --role/--scope`)."""
    async with transaction(t.id) as session:
        secret, _ = await tokens.create(
            session,
            tenant_id=t.id,
            email=t.admin_email,
            name="narrow",
            scopes=scopes,
            role=role,
            expires_in_days=days,
        )
    return {"Authorization": f"Bearer {secret}"}


async def token_count(t: TenantFixture) -> int:
    rows = await superuser_sql("SELECT count(*) AS n FROM api_tokens WHERE tenant_id = $1", t.id)
    return int(rows[0]["n"])


def refused(body: dict[str, Any], code: str, text: str) -> None:
    assert error_codes(body) == [code], body
    assert text in body["errors"][0]["message"], body
    assert body["data"] is None


async def test_a_viewer_token_cannot_mint_a_stronger_token(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a token with the viewer role's permissions (the owner holds everything)
    viewer = await owner_token(tenant, role="viewer")
    before = await token_count(tenant)
    # when: it asks for administration scopes and no expiry
    wanted = ["users:manage", "roles:manage", "audit:read_details"]
    body = await gql(
        client,
        CREATE_TOKEN,
        {"input": {"name": "escalate", "scopes": wanted, "expiresInDays": None}},
        viewer,
    )
    # then: refused, naming what the calling token lacks; no token was created
    refused(body, "FORBIDDEN", "audit:read_details, roles:manage, users:manage")
    assert await token_count(tenant) == before


async def test_a_token_cannot_mint_one_that_never_expires(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a token that expires in 30 days
    short = await owner_token(tenant, days=30)
    before = await token_count(tenant)
    # when: it mints one that never expires
    body = await gql(
        client, CREATE_TOKEN, {"input": {"name": "forever", "expiresInDays": None}}, short
    )
    # then: refused; nothing created
    refused(body, "BAD_USER_INPUT", "cannot create one that never expires")
    assert await token_count(tenant) == before


@pytest.mark.parametrize("days", [31, 90, 366])
async def test_a_token_cannot_mint_one_that_outlives_it(
    client: httpx.AsyncClient, tenant: TenantFixture, days: int
) -> None:
    # given: a token that expires in 30 days
    short = await owner_token(tenant, days=30)
    rows = await superuser_sql(
        "SELECT max(expires_at) AS e FROM api_tokens WHERE tenant_id = $1 AND name = 'narrow'",
        tenant.id,
    )
    bound = rows[0]["e"]
    # when: it mints one expiring after it does
    body = await gql(
        client, CREATE_TOKEN, {"input": {"name": "long", "expiresInDays": days}}, short
    )
    # then: the new token ends when the calling token does, not later
    assert "errors" not in body, body
    rows = await superuser_sql(
        "SELECT expires_at FROM api_tokens WHERE tenant_id = $1 AND name = 'long'", tenant.id
    )
    assert rows[0]["expires_at"] == bound
    # a shorter one keeps its own expiry
    body = await gql(client, CREATE_TOKEN, {"input": {"name": "ok", "expiresInDays": 7}}, short)
    rows = await superuser_sql(
        "SELECT expires_at FROM api_tokens WHERE tenant_id = $1 AND name = 'ok'", tenant.id
    )
    assert rows[0]["expires_at"] < bound


async def test_an_inherited_token_keeps_the_callers_scopes(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    viewer = await owner_token(tenant, role="viewer")
    body = await gql(client, CREATE_TOKEN, {"input": {"name": "same", "expiresInDays": 7}}, viewer)
    scopes = body["data"]["createApiToken"]["apiToken"]["scopes"]
    assert "users:manage" not in scopes
    assert "tokens:create" in scopes


async def test_a_members_token_cannot_invite_an_admin(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a token that may only manage and read members
    narrow = await owner_token(tenant, scopes=["users:manage", "users:read"])
    email = f"crony@{tenant.slug}.example.com"
    # when: it invites someone as admin
    body = await gql(client, INVITE, {"input": {"email": email, "roles": ["admin"]}}, narrow)
    # then: refused; no one was added
    refused(body, "FORBIDDEN", "You cannot grant or remove the role 'admin'")
    assert not await superuser_sql("SELECT 1 FROM users WHERE email = $1", email)


async def test_a_members_token_cannot_promote_or_lock_out_an_admin(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a viewer and an admin, and a token that may only manage members
    body = await gql(
        client,
        INVITE,
        {"input": {"email": f"v@{tenant.slug}.example.com", "roles": ["viewer"]}},
        tenant.bearer,
    )
    viewer_id = body["data"]["inviteMember"]["member"]["id"]
    body = await gql(
        client,
        INVITE,
        {"input": {"email": f"a@{tenant.slug}.example.com", "roles": ["admin"]}},
        tenant.bearer,
    )
    admin_id = body["data"]["inviteMember"]["member"]["id"]
    narrow = await owner_token(tenant, scopes=["users:manage", "users:read"])
    # when: it makes the viewer an admin, and deactivates the admin
    promote = {"input": {"userId": viewer_id, "roles": ["admin"]}}
    body = await gql(client, SET_ROLES, promote, narrow)
    refused(body, "FORBIDDEN", "You cannot grant or remove the role 'admin'")
    body = await gql(client, DEACTIVATE, {"id": admin_id}, narrow)
    refused(body, "FORBIDDEN", "You cannot change the access of a member with the role 'admin'")
    # then: nothing changed
    rows = await superuser_sql(
        "SELECT v1 FROM casbin_rule WHERE ptype = 'g' AND v0 = $1", viewer_id
    )
    assert [r["v1"] for r in rows] == ["viewer"]
    rows = await superuser_sql("SELECT status FROM memberships WHERE user_id = $1::uuid", admin_id)
    assert rows[0]["status"] == "invited"


async def test_a_roles_token_cannot_create_or_widen_a_role_beyond_itself(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a token that may only manage roles
    narrow = await owner_token(tenant, scopes=["roles:manage", "roles:read"])
    strong = ["users:manage", "audit:read_details"]
    # when: it creates a role with permissions it lacks
    body = await gql(
        client, CREATE_ROLE, {"input": {"name": "backdoor", "permissions": strong}}, narrow
    )
    refused(body, "FORBIDDEN", "You cannot grant permissions you do not have")
    # and widens an existing role
    made = await gql(
        client,
        CREATE_ROLE,
        {"input": {"name": "readers", "permissions": ["roles:read"]}},
        tenant.bearer,
    )
    assert "errors" not in made, made
    body = await gql(
        client, UPDATE_ROLE, {"input": {"name": "readers", "permissions": strong}}, narrow
    )
    refused(body, "FORBIDDEN", "You cannot grant permissions you do not have")
    # then: no such role; the existing one is unchanged
    assert not await superuser_sql(
        "SELECT 1 FROM custom_roles WHERE name = 'backdoor' AND tenant_id = $1", tenant.id
    )
    rows = await superuser_sql(  # other tests' organizations may have a "readers" role too
        "SELECT v2 || ':' || v3 AS p FROM casbin_rule"
        " WHERE ptype = 'p' AND v0 = 'readers' AND v1 = $1",
        str(tenant.id),
    )
    assert [r["p"] for r in rows] == ["roles:read"]


async def test_an_invitation_link_does_not_outlive_the_token_that_made_it(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a token of the owner that expires tomorrow
    short = await owner_token(tenant, days=1)
    rows = await superuser_sql(
        "SELECT max(expires_at) AS e FROM api_tokens WHERE tenant_id = $1 AND name = 'narrow'",
        tenant.id,
    )
    bound = rows[0]["e"]
    # when: it invites someone (links normally last 7 days)
    email = f"late@{tenant.slug}.example.com"
    body = await gql(client, INVITE, {"input": {"email": email, "roles": ["viewer"]}}, short)
    assert "errors" not in body, body
    # then: the link ends when the token does
    rows = await superuser_sql(
        "SELECT m.invite_expires_at FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.email = $1",
        email,
    )
    assert rows[0]["invite_expires_at"] <= bound


async def test_a_narrow_token_revokes_itself_but_not_a_stronger_token(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: the owner's full token ("tests") and a viewer-scoped token of theirs
    narrow = await owner_token(tenant, role="viewer")
    rows = await superuser_sql(
        "SELECT id::text AS id, name FROM api_tokens WHERE tenant_id = $1", tenant.id
    )
    ids = {r["name"]: r["id"] for r in rows}
    # when: the narrow token revokes the full one
    body = await gql(client, REVOKE, {"id": ids["tests"]}, narrow)
    # then: refused (revoking takes access away: bounded like deactivating a member)
    refused(body, "FORBIDDEN", "You cannot revoke an API token that can do more than")
    assert "errors" not in await gql(client, "{ viewer { email } }", None, tenant.bearer)
    # when: it revokes itself
    body = await gql(client, REVOKE, {"id": ids["narrow"]}, narrow)
    # then: done, and it no longer works
    assert body["data"]["revokeApiToken"]["revokedAt"], body
    gone = await gql(client, "{ viewer { email } }", None, narrow)
    assert error_codes(gone) == ["UNAUTHENTICATED"], gone


async def test_the_full_credential_revokes_its_users_narrow_token(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a viewer-scoped token of the owner
    narrow = await owner_token(tenant, role="viewer")
    rows = await superuser_sql(
        "SELECT id::text AS id FROM api_tokens WHERE tenant_id = $1 AND name = 'narrow'",
        tenant.id,
    )
    # when: the owner's full token revokes it
    body = await gql(client, REVOKE, {"id": rows[0]["id"]}, tenant.bearer)
    # then: revoked
    assert body["data"]["revokeApiToken"]["revokedAt"], body
    assert error_codes(await gql(client, "{ viewer { email } }", None, narrow)) == [
        "UNAUTHENTICATED"
    ]
