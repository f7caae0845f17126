"""Member administration through GraphQL: invitations, roles, deactivation, custom roles,
scoped and managed API tokens. Each refusal is checked for its code and its message."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from phantom.db import transaction
from phantom.identity.tokens import tokens
from tests.support.fixtures import TenantFixture, error_codes, gql

INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { inviteUrl expiresAt member { id email roles status } } }"""
SET_ROLES = """mutation($input: SetMemberRolesInput!) {
  setMemberRoles(input: $input) { id roles } }"""
DEACTIVATE = "mutation($id: ID!) { deactivateMember(userId: $id) { id status } }"
REACTIVATE = "mutation($id: ID!) { reactivateMember(userId: $id) { id status } }"
MEMBERS = """query($search: String, $status: MemberStatus, $first: Int, $after: String) {
  members(search: $search, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id email roles status lastLoginAt signInMethods } } } }"""
CREATE_ROLE = """mutation($input: CreateRoleInput!) {
  createRole(input: $input) { name builtIn permissions memberCount } }"""
UPDATE_ROLE = """mutation($input: UpdateRoleInput!) {
  updateRole(input: $input) { name description permissions } }"""
DELETE_ROLE = "mutation($name: String!) { deleteRole(name: $name) }"
CREATE_TOKEN = """mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { id scopes owner { email } } } }"""
VIEWER = "{ viewer { email roles permissions } }"


async def invite(
    client: httpx.AsyncClient, headers: dict[str, str], email: str, roles: list[str]
) -> dict[str, Any]:
    return await gql(client, INVITE, {"input": {"email": email, "roles": roles}}, headers)


async def accept(client: httpx.AsyncClient, url: str, password: str) -> httpx.Response:
    secret = url.split("#token=", 1)[1]
    return await client.post("/auth/invitation", json={"token": secret, "password": password})


async def member_token(t: TenantFixture, email: str) -> dict[str, str]:
    async with transaction(t.id) as session:
        secret, _ = await tokens.create(session, tenant_id=t.id, email=email, name="member")
    return {"Authorization": f"Bearer {secret}"}


async def add_member(
    client: httpx.AsyncClient, t: TenantFixture, email: str, roles: list[str]
) -> tuple[str, dict[str, str]]:
    """An active member (invited, then accepted) and an API token of theirs."""
    body = await invite(client, t.bearer, email, roles)
    invitation = body["data"]["inviteMember"]
    response = await accept(client, invitation["inviteUrl"], "a long enough password")
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return invitation["member"]["id"], await member_token(t, email)


# --- invitations -------------------------------------------------------------------------


async def test_invite_accept_and_sign_in(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    # given: an invitation for a data scientist
    email = f"dana@{tenant.slug}.example.com"
    body = await invite(client, tenant.bearer, email, ["data_scientist"])
    invitation = body["data"]["inviteMember"]
    assert invitation["member"]["status"] == "INVITED"
    assert invitation["inviteUrl"].startswith("http://127.0.0.1:8000/accept-invite#token=")
    # when: the invitee sets a password through the link
    response = await accept(client, invitation["inviteUrl"], "a long enough password")
    # then: signed in, as an active member with the role; the link is spent
    assert response.status_code == 200, response.text
    assert response.json()["user"]["email"] == email
    assert "phantom_session" in response.cookies
    again = await accept(client, invitation["inviteUrl"], "another long password")
    assert again.status_code == 401
    assert "invalid, expired or already used" in again.json()["error"]["message"]
    client.cookies.clear()
    members = await gql(client, MEMBERS, {"search": "dana"}, tenant.bearer)
    node = members["data"]["members"]["edges"][0]["node"]
    assert node["status"] == "ACTIVE"
    assert node["roles"] == ["data_scientist"]
    assert node["lastLoginAt"] is not None
    assert node["signInMethods"] == ["password"]
    login = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": email, "password": "a long enough password"},
    )
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("variables", "code", "message"),
    [
        ({"email": "not-an-email", "roles": ["viewer"]}, "BAD_USER_INPUT", "Invalid email"),
        ({"email": "a@b.example.com", "roles": []}, "BAD_USER_INPUT", "at least one role"),
        ({"email": "a@b.example.com", "roles": ["wizard"]}, "NOT_FOUND", "Role 'wizard'"),
        ({"email": "a@b.example.com", "roles": ["x" * 5000]}, "NOT_FOUND", "Role"),
        ({"email": "a@b.example.com", "roles": ["viewer"] * 11}, None, None),
        ({"email": "x" * 400 + "@b.example.com", "roles": ["viewer"]}, "BAD_USER_INPUT", "320"),
    ],
)
async def test_invitation_input_is_checked(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    variables: dict[str, Any],
    code: str | None,
    message: str | None,
) -> None:
    body = await gql(client, INVITE, {"input": variables}, tenant.bearer)
    if code is None:  # duplicates collapse: eleven 'viewer' are one role
        assert body["data"]["inviteMember"]["member"]["roles"] == ["viewer"]
        return
    assert error_codes(body) == [code], body
    assert message in body["errors"][0]["message"]


async def test_someone_with_an_account_elsewhere_joins_with_their_own_password(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: the other organization's owner is invited here
    body = await invite(client, tenant.bearer, other_tenant.admin_email, ["viewer"])
    invitation = body["data"]["inviteMember"]
    # then: the answer looks like any invitation (nothing says they have an account)
    assert invitation["member"]["status"] == "INVITED"
    assert invitation["inviteUrl"]
    # a new password does not take over their account; their own accepts
    taken = await accept(client, invitation["inviteUrl"], "a brand new password")
    assert taken.status_code == 401
    assert "enter its current password" in taken.json()["error"]["message"]
    joined = await accept(client, invitation["inviteUrl"], other_tenant.password)
    assert joined.status_code == 200
    assert joined.json()["tenant"]["slug"] == tenant.slug
    client.cookies.clear()


async def test_inviting_a_member_twice_is_a_conflict(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await invite(client, tenant.bearer, tenant.admin_email, ["viewer"])
    assert error_codes(body) == ["CONFLICT"]
    assert "already a member" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"[]",
        b'{"token": "", "password": "x"}',
        b'{"token": "' + b"A" * 43 + b'", "password": "a long enough password"}',
        b'{"token": "' + b"A" * 5000 + b'", "password": "a long enough password"}',
        b"\xff\xfe",
        b'{"token": "x"}' + b" " * 5000,
    ],
)
async def test_hostile_invitation_acceptance_is_refused(
    client: httpx.AsyncClient, payload: bytes
) -> None:
    response = await client.post(
        "/auth/invitation", content=payload, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 401, 413)  # 413: over the /auth body cap
    assert response.json()["error"]["message"]
    assert "phantom_session" not in response.cookies


async def test_a_short_password_keeps_the_invitation(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await invite(client, tenant.bearer, f"sam@{tenant.slug}.example.com", ["viewer"])
    url = body["data"]["inviteMember"]["inviteUrl"]
    short = await accept(client, url, "short")
    assert short.status_code == 400
    assert "at least 12" in short.json()["error"]["message"]
    assert (await accept(client, url, "a long enough password")).status_code == 200


# --- roles and the owner rule ------------------------------------------------------------


async def test_roles_change_and_the_last_owner_stays(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    member_id, member = await add_member(
        client, tenant, f"mo@{tenant.slug}.example.com", ["viewer"]
    )
    body = await gql(
        client,
        SET_ROLES,
        {"input": {"userId": member_id, "roles": ["ml_engineer", "executive"]}},
        tenant.bearer,
    )
    assert body["data"]["setMemberRoles"]["roles"] == ["executive", "ml_engineer"]
    me = await gql(client, VIEWER, headers=member)
    assert "predictions:export" in me["data"]["viewer"]["permissions"]
    owner_id = (await gql(client, "{ viewer { id } }", headers=tenant.bearer))["data"]["viewer"][
        "id"
    ]
    body = await gql(
        client, SET_ROLES, {"input": {"userId": owner_id, "roles": ["admin"]}}, tenant.bearer
    )
    assert error_codes(body) == ["CONFLICT"]
    assert "at least one active owner" in body["errors"][0]["message"]


async def test_admins_cannot_grant_what_they_lack(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    _, admin = await add_member(client, tenant, f"ad@{tenant.slug}.example.com", ["admin"])
    for roles in (["owner"], ["compliance_officer"]):
        body = await invite(client, admin, "z@z.example.com", roles)
        assert error_codes(body) == ["FORBIDDEN"], body
        assert "permissions you do not have" in body["errors"][0]["message"]
    body = await gql(
        client,
        CREATE_ROLE,
        {"input": {"name": "peeker", "permissions": ["audit:read_details"]}},
        admin,
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert "audit:read_details" in body["errors"][0]["message"]
    owner_id = (await gql(client, "{ viewer { id } }", headers=tenant.bearer))["data"]["viewer"][
        "id"
    ]
    body = await gql(client, DEACTIVATE, {"id": owner_id}, admin)
    assert error_codes(body) == ["FORBIDDEN"]


# --- deactivation ----------------------------------------------------------------------


async def test_deactivation_ends_sessions_and_tokens_at_once(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    email = f"leaver@{tenant.slug}.example.com"
    member_id, member = await add_member(client, tenant, email, ["data_scientist"])
    assert (await gql(client, VIEWER, headers=member))["data"]["viewer"]["email"] == email
    # when
    body = await gql(client, DEACTIVATE, {"id": member_id}, tenant.bearer)
    assert body["data"]["deactivateMember"]["status"] == "DEACTIVATED"
    # then: the warm token is refused now, and password sign-in fails
    refused = await gql(client, VIEWER, headers=member)
    assert error_codes(refused) == ["UNAUTHENTICATED"]
    login = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": email, "password": "a long enough password"},
    )
    assert login.status_code == 401
    # reactivation restores sign-in, not the revoked token
    body = await gql(client, REACTIVATE, {"id": member_id}, tenant.bearer)
    assert body["data"]["reactivateMember"]["status"] == "ACTIVE"
    assert error_codes(await gql(client, VIEWER, headers=member)) == ["UNAUTHENTICATED"]
    login = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": email, "password": "a long enough password"},
    )
    assert login.status_code == 200


async def test_you_cannot_deactivate_yourself(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    me = (await gql(client, "{ viewer { id } }", headers=tenant.bearer))["data"]["viewer"]["id"]
    body = await gql(client, DEACTIVATE, {"id": me}, tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_member_search_treats_wildcards_literally(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    await invite(client, tenant.bearer, f"under_score@{tenant.slug}.example.com", ["viewer"])
    await invite(client, tenant.bearer, f"underxscore@{tenant.slug}.example.com", ["viewer"])
    body = await gql(client, MEMBERS, {"search": "under_"}, tenant.bearer)
    emails = [e["node"]["email"] for e in body["data"]["members"]["edges"]]
    assert emails == [f"under_score@{tenant.slug}.example.com"]
    body = await gql(client, MEMBERS, {"search": "%"}, tenant.bearer)
    assert body["data"]["members"]["totalCount"] == 0
    body = await gql(client, MEMBERS, {"status": "INVITED", "first": 1}, tenant.bearer)
    page = body["data"]["members"]
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"]
    body = await gql(client, MEMBERS, {"search": "x" * 201}, tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"]


# --- custom roles -------------------------------------------------------------------------


async def test_custom_role_lifecycle(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    body = await gql(
        client,
        CREATE_ROLE,
        {"input": {"name": "auditor", "permissions": ["users:read", "audit:read"]}},
        tenant.bearer,
    )
    assert body["data"]["createRole"] == {
        "name": "auditor",
        "builtIn": False,
        "permissions": ["audit:read", "users:read"],
        "memberCount": 0,
    }
    member_id, member = await add_member(
        client, tenant, f"aud@{tenant.slug}.example.com", ["auditor"]
    )
    assert (await gql(client, VIEWER, headers=member))["data"]["viewer"]["permissions"] == [
        "audit:read",
        "users:read",
    ]
    body = await gql(
        client,
        UPDATE_ROLE,
        {"input": {"name": "auditor", "description": "Reads", "permissions": ["users:read"]}},
        tenant.bearer,
    )
    assert body["data"]["updateRole"]["permissions"] == ["users:read"]
    viewer = await gql(client, VIEWER, headers=member)
    assert viewer["data"]["viewer"]["permissions"] == ["users:read"]
    body = await gql(client, DELETE_ROLE, {"name": "auditor"}, tenant.bearer)
    assert error_codes(body) == ["CONFLICT"]
    assert "held by 1 member" in body["errors"][0]["message"]
    await gql(
        client, SET_ROLES, {"input": {"userId": member_id, "roles": ["viewer"]}}, tenant.bearer
    )
    assert (await gql(client, DELETE_ROLE, {"name": "auditor"}, tenant.bearer))["data"] == {
        "deleteRole": True
    }


@pytest.mark.parametrize(
    ("name", "permissions", "code"),
    [
        ("owner", ["users:read"], "CONFLICT"),
        ("Bad Name", ["users:read"], "BAD_USER_INPUT"),
        ("a,b", ["users:read"], "BAD_USER_INPUT"),
        ("x" * 64, ["users:read"], "BAD_USER_INPUT"),
        ("fine_name", ["users:fly"], "BAD_USER_INPUT"),
        ("fine_name", ["users:read, dom2"], "BAD_USER_INPUT"),
    ],
)
async def test_custom_role_input_is_checked(
    client: httpx.AsyncClient, tenant: TenantFixture, name: str, permissions: list[str], code: str
) -> None:
    body = await gql(
        client, CREATE_ROLE, {"input": {"name": name, "permissions": permissions}}, tenant.bearer
    )
    assert error_codes(body) == [code], body


async def test_built_in_roles_cannot_change_and_foreign_roles_are_not_found(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    body = await gql(
        client, UPDATE_ROLE, {"input": {"name": "viewer", "permissions": []}}, tenant.bearer
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    await gql(
        client, CREATE_ROLE, {"input": {"name": "theirs", "permissions": []}}, other_tenant.bearer
    )
    for document, variables in (
        (DELETE_ROLE, {"name": "theirs"}),
        (UPDATE_ROLE, {"input": {"name": "theirs", "permissions": []}}),
    ):
        body = await gql(client, document, variables, tenant.bearer)
        assert error_codes(body) == ["NOT_FOUND"]
    roles = await gql(client, "{ roles { name } }", headers=tenant.bearer)
    assert "theirs" not in [r["name"] for r in roles["data"]["roles"]]


# --- tokens --------------------------------------------------------------------------------


async def test_scoped_tokens_carry_only_their_scopes(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await gql(
        client, CREATE_TOKEN, {"input": {"name": "reader", "scopes": ["users:read"]}}, tenant.bearer
    )
    created = body["data"]["createApiToken"]
    assert created["apiToken"]["scopes"] == ["users:read"]
    assert created["apiToken"]["owner"]["email"] == tenant.admin_email
    scoped = {"Authorization": f"Bearer {created['token']}"}
    assert (await gql(client, VIEWER, headers=scoped))["data"]["viewer"]["permissions"] == [
        "users:read"
    ]
    assert "data" in await gql(client, MEMBERS, headers=scoped)
    body = await invite(client, scoped, "n@n.example.com", ["viewer"])
    assert error_codes(body) == ["FORBIDDEN"]
    # a scoped token without tokens:create cannot mint a stronger one
    body = await gql(client, CREATE_TOKEN, {"input": {"name": "escalate"}}, scoped)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_token_cannot_carry_what_its_owner_lacks(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    _, viewer = await add_member(client, tenant, f"v@{tenant.slug}.example.com", ["viewer"])
    body = await gql(
        client, CREATE_TOKEN, {"input": {"name": "x", "scopes": ["users:manage"]}}, viewer
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert "users:manage" in body["errors"][0]["message"]


async def test_token_managers_see_and_revoke_every_token(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    _, scientist = await add_member(
        client, tenant, f"ds@{tenant.slug}.example.com", ["data_scientist"]
    )
    listing = await gql(
        client,
        "{ apiTokens { totalCount edges { node { id owner { email } } } } }",
        headers=tenant.bearer,
    )
    nodes = [e["node"] for e in listing["data"]["apiTokens"]["edges"]]
    theirs = next(n for n in nodes if n["owner"]["email"].startswith("ds@"))
    mine = next(n for n in nodes if n["owner"]["email"] == tenant.admin_email)
    revoke = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }"
    # a data scientist cannot list them, nor revoke the owner's (it looks unknown)
    assert error_codes(await gql(client, "{ apiTokens { totalCount } }", headers=scientist)) == [
        "FORBIDDEN"
    ]
    assert error_codes(await gql(client, revoke, {"id": mine["id"]}, scientist)) == ["NOT_FOUND"]
    # the owner revokes the scientist's token, which stops working at once
    body = await gql(client, revoke, {"id": theirs["id"]}, tenant.bearer)
    assert body["data"]["revokeApiToken"]["revokedAt"]
    assert error_codes(await gql(client, VIEWER, headers=scientist)) == ["UNAUTHENTICATED"]
