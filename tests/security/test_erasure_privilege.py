"""Issue 10, also check: a data subject erasure removes a member from the organization, so
the people who request, approve and execute it must hold every governance permission the
subject holds (two compliance officers cannot remove an administrator or an owner)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.audit.support import Member, add_member, superuser_sql
from tests.support.fixtures import create_tenant, error_codes, gql

CREATE = """mutation($input: CreateDataSubjectRequestInput!) {
  createDataSubjectRequest(input: $input) { id status } }"""
APPROVE = "mutation($id: ID!) { approveDataSubjectRequest(id: $id) { id status } }"
EXECUTE = "mutation($id: ID!) { executeDataSubjectRequest(id: $id) { id status } }"
SET_ROLES = """mutation($input: SetMemberRolesInput!) {
  setMemberRoles(input: $input) { id roles } }"""


async def request_erasure(
    client: httpx.AsyncClient, by: dict[str, str], email: str
) -> dict[str, Any]:
    variables = {"input": {"kind": "ERASURE", "subjectEmail": email, "reason": "Ticket 9"}}
    return await gql(client, CREATE, variables, by)


async def still_a_member(subject: Member) -> bool:
    rows = await superuser_sql("SELECT 1 FROM memberships WHERE user_id = $1", subject.user_id)
    return bool(rows)


async def test_two_officers_cannot_erase_an_administrator(client: httpx.AsyncClient) -> None:
    # given: two compliance officers and an admin
    tenant = await create_tenant()
    requester = await add_member(tenant, ["compliance_officer"])
    subject = await add_member(tenant, ["admin"])
    # when: an officer files an erasure of the admin
    body = await request_erasure(client, requester.bearer, subject.email)
    # then: refused, naming what the requester lacks; the admin keeps their access
    assert error_codes(body) == ["FORBIDDEN"], body
    assert "users:manage" in body["errors"][0]["message"]
    assert await still_a_member(subject)


async def test_an_approver_must_cover_the_subject_too(client: httpx.AsyncClient) -> None:
    # given: the owner files an erasure of an admin (the owner holds everything)
    tenant = await create_tenant()
    officer = await add_member(tenant, ["compliance_officer"])
    subject = await add_member(tenant, ["admin"])
    body = await request_erasure(client, tenant.bearer, subject.email)
    assert "errors" not in body, body
    request_id = body["data"]["createDataSubjectRequest"]["id"]
    # when: an officer, who lacks the admin's powers, approves and executes it
    approved = await gql(client, APPROVE, {"id": request_id}, officer.bearer)
    executed = await gql(client, EXECUTE, {"id": request_id}, officer.bearer)
    # then: both refused; the admin stays
    assert error_codes(approved) == ["FORBIDDEN"], approved
    assert error_codes(executed) in (["FORBIDDEN"], ["CONFLICT"]), executed
    assert await still_a_member(subject)


async def test_a_subject_promoted_after_approval_is_not_erased(client: httpx.AsyncClient) -> None:
    # given: an approved erasure of a viewer
    tenant = await create_tenant()
    requester = await add_member(tenant, ["compliance_officer"])
    approver = await add_member(tenant, ["compliance_officer"])
    subject = await add_member(tenant, ["viewer"])
    body = await request_erasure(client, requester.bearer, subject.email)
    request_id = body["data"]["createDataSubjectRequest"]["id"]
    approved = await gql(client, APPROVE, {"id": request_id}, approver.bearer)
    assert approved["data"]["approveDataSubjectRequest"]["status"] == "APPROVED"
    # when: the viewer became an admin meanwhile, and the officer executes
    promote = {"input": {"userId": str(subject.user_id), "roles": ["admin"]}}
    assert "errors" not in await gql(client, SET_ROLES, promote, tenant.bearer)
    executed = await gql(client, EXECUTE, {"id": request_id}, requester.bearer)
    # then: refused; the admin stays
    assert error_codes(executed) == ["FORBIDDEN"], executed
    assert await still_a_member(subject)


async def test_officers_still_erase_an_ordinary_member(client: httpx.AsyncClient) -> None:
    tenant = await create_tenant()
    requester = await add_member(tenant, ["compliance_officer"])
    approver = await add_member(tenant, ["compliance_officer"])
    subject = await add_member(tenant, ["data_scientist"])
    body = await request_erasure(client, requester.bearer, subject.email)
    request_id = body["data"]["createDataSubjectRequest"]["id"]
    await gql(client, APPROVE, {"id": request_id}, approver.bearer)
    executed = await gql(client, EXECUTE, {"id": request_id}, requester.bearer)
    assert executed["data"]["executeDataSubjectRequest"]["status"] == "EXECUTED", executed
    assert not await still_a_member(subject)
