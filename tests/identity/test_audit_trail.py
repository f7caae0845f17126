"""Identity and access changes are in the organization's audit log, written by the
services themselves (no safety-net fallback), and the chain still verifies."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.fixtures import TenantFixture, gql

EVENTS = """query($filter: AuditEventFilter) {
  auditEvents(first: 100, filter: $filter) {
    edges { node { seq action outcome resourceType resourceId details
      actor { type userId credentialId }
      personalData { subjectId data } } } } }"""


async def events(
    client: httpx.AsyncClient, t: TenantFixture, action: str | None = None
) -> list[dict[str, Any]]:
    body = await gql(client, EVENTS, {"filter": {"action": action}}, t.bearer)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["auditEvents"]["edges"]]


async def test_tenant_creation_and_the_owners_token_are_recorded(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    created = await events(client, tenant, "identity.tenant.created")
    assert len(created) == 1
    assert created[0]["actor"]["type"] == "SYSTEM"
    assert created[0]["details"]["slug"] == tenant.slug
    tokens = await events(client, tenant, "identity.token.created")
    assert [e["details"]["name"] for e in tokens] == ["tests"]


async def test_sign_ins_succeeded_and_refused_are_recorded(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    login = {"tenant": tenant.slug, "email": tenant.admin_email}
    refused = await client.post("/auth/login", json={**login, "password": "wrong password!"})
    assert refused.status_code == 401
    signed_in = await client.post("/auth/login", json={**login, "password": tenant.password})
    assert signed_in.status_code == 200
    client.cookies.clear()
    started = await events(client, tenant, "identity.session.started")
    assert [e["details"]["method"] for e in started] == ["password"]
    assert started[0]["actor"]["type"] == "USER"
    assert started[0]["personalData"][0]["data"]["email"] == tenant.admin_email
    denied = await events(client, tenant, "identity.sign_in.refused")
    assert [(e["outcome"], e["details"]["reason"]) for e in denied] == [
        ("DENIED", "invalid_credentials")
    ]
    # nothing about it reaches the other organization's log
    assert await events(client, other_tenant, "identity.session.") == []
    assert await events(client, other_tenant, "identity.sign_in.") == []


async def test_access_changes_are_recorded_by_their_services(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a round of administration through the API
    invited = await gql(
        client,
        """mutation { inviteMember(input: {email: "eve@audit.example.com",
             roles: ["viewer"]}) { member { id } } }""",
        headers=tenant.bearer,
    )
    member_id = invited["data"]["inviteMember"]["member"]["id"]
    steps = [
        f'mutation {{ setMemberRoles(input: {{userId: "{member_id}", roles: ["executive"]}})'
        " { id } }",
        f'mutation {{ deactivateMember(userId: "{member_id}") {{ id }} }}',
        'mutation { createRole(input: {name: "readers", permissions: ["users:read"]}) { name } }',
        'mutation { createApiToken(input: {name: "ci", scopes: ["users:read"]}) { token } }',
    ]
    for step in steps:
        assert "errors" not in await gql(client, step, headers=tenant.bearer)
    # then: each change has its own event, with what changed
    logged: dict[str, dict[str, Any]] = {}
    for event in await events(client, tenant):  # newest first: keep the latest of each
        logged.setdefault(event["action"], event)
    assert logged["identity.member.invited"]["details"]["roles"] == ["viewer"]
    changed = logged["identity.member.roles_changed"]["details"]
    assert (changed["roles_before"], changed["roles"]) == (["viewer"], ["executive"])
    assert logged["identity.member.deactivated"]["resourceId"] == member_id
    assert logged["authz.role.created"]["details"]["permissions"] == ["users:read"]
    assert logged["identity.token.created"]["details"]["scopes"] == ["users:read"]
    # ... and the safety net had nothing to add
    assert not [a for a in logged if a.startswith("graphql.")]
    verified = await gql(
        client, "mutation { verifyAuditChain { ok events } }", headers=tenant.bearer
    )
    assert verified["data"]["verifyAuditChain"]["ok"]


async def test_a_refused_administration_is_recorded_as_denied(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a token that may only read members
    body = await gql(
        client,
        'mutation { createApiToken(input: {name: "ro", scopes: ["users:read"]}) { token } }',
        headers=tenant.bearer,
    )
    reader = {"Authorization": f"Bearer {body['data']['createApiToken']['token']}"}
    # when: it tries to invite someone
    refused = await gql(
        client,
        'mutation { inviteMember(input: {email: "x@audit.example.com", roles: ["viewer"]}) '
        "{ member { id } } }",
        headers=reader,
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # then: the attempt is in the log, denied
    attempts = await events(client, tenant, "graphql.invite_member")
    assert [e["outcome"] for e in attempts] == ["DENIED"]
