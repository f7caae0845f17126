"""Data subject requests end to end through GraphQL: the four-eyes rule, erasure by
crypto-shredding that keeps the chain verifiable, the account removed, access reports,
the hook other domains register into, and tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.permissions import P
from phantom.compliance.hooks import (
    SubjectReference,
    register_subject_finder,
    unregister_subject_finder,
)
from phantom.db import transaction
from tests.audit.support import Member, add_member, superuser_sql, verify
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql

FIELDS = "id kind status subjectId subjectEmail reason decidedBy executedBy report"
CREATE = f"""mutation($input: CreateDataSubjectRequestInput!) {{
  createDataSubjectRequest(input: $input) {{ {FIELDS} }} }}"""
APPROVE = f"mutation($id: ID!) {{ approveDataSubjectRequest(id: $id) {{ {FIELDS} }} }}"
REJECT = f"""mutation($id: ID!, $note: String) {{
  rejectDataSubjectRequest(id: $id, note: $note) {{ {FIELDS} }} }}"""
EXECUTE = f"mutation($id: ID!) {{ executeDataSubjectRequest(id: $id) {{ {FIELDS} }} }}"
LIST = """query($status: DataSubjectRequestStatus) {
  dataSubjectRequests(status: $status) { totalCount edges { node { id status } } } }"""
EVENTS = """query($subject: ID) { auditEvents(first: 100, filter: {subjectId: $subject}) {
  edges { node { seq action detailsState details personalData { subjectId data erased } } } } }"""
VIEWER = "{ viewer { id } }"
CREATE_ROLE = "mutation($input: CreateRoleInput!) { createRole(input: $input) { name } }"


async def _officers(tenant: TenantFixture) -> tuple[Member, Member]:
    return (
        await add_member(tenant, ["compliance_officer"]),
        await add_member(tenant, ["compliance_officer"]),
    )


async def _request(client: httpx.AsyncClient, by: Member, kind: str, email: str) -> dict[str, Any]:
    body = await gql(
        client,
        CREATE,
        {"input": {"kind": kind, "subjectEmail": email, "reason": "Ticket 4711"}},
        by.bearer,
    )
    assert "errors" not in body, body
    request: dict[str, Any] = body["data"]["createDataSubjectRequest"]
    return request


async def test_erasure_is_four_eyes_shreds_personal_data_and_keeps_the_chain_verifiable(
    client: httpx.AsyncClient,
) -> None:
    # given: a member whose personal data is in the audit log
    tenant = await create_tenant()
    requester, approver = await _officers(tenant)
    subject = await add_member(tenant, ["data_scientist"])
    async with transaction(tenant.id) as session:
        await audit.record(
            session,
            actor=audit.Actor(audit.ActorType.USER, user_id=subject.user_id),
            action="tests.profile.updated",
            details={"field": "phone"},
            subjects={subject.user_id: {"phone": "+44 20 7946 0000"}},
            source_ip="198.51.100.7",
        )
    assert (await gql(client, VIEWER, {}, subject.bearer))["data"]["viewer"]
    # when: requested, then approved by the requester (refused) and by someone else
    request = await _request(client, requester, "ERASURE", subject.email)
    assert (request["status"], request["subjectEmail"]) == ("PENDING", subject.email)
    refused = await gql(client, APPROVE, {"id": request["id"]}, requester.bearer)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert "four-eyes" in refused["errors"][0]["message"]
    early = await gql(client, EXECUTE, {"id": request["id"]}, approver.bearer)
    assert error_codes(early) == ["CONFLICT"], "not approved yet"
    approved = await gql(client, APPROVE, {"id": request["id"]}, approver.bearer)
    assert approved["data"]["approveDataSubjectRequest"]["status"] == "APPROVED"
    executed = await gql(client, EXECUTE, {"id": request["id"]}, requester.bearer)
    # then: the report
    done = executed["data"]["executeDataSubjectRequest"]
    assert done["status"] == "EXECUTED"
    assert done["subjectEmail"] is None, "the request no longer names the person"
    report = done["report"]
    assert report["audit_subject_key_destroyed"] is True
    assert report["memberships_deleted"] == 1
    assert report["api_tokens_deleted"] == 1
    assert report["roles_removed"] == ["data_scientist"]
    assert report["references"] == []
    assert report["user_record"] == "deleted"
    assert report["audit_events_naming_subject"] >= 2
    # the person can no longer sign in or use their token, and their account is gone
    assert error_codes(await gql(client, VIEWER, {}, subject.bearer)) == ["UNAUTHENTICATED"]
    assert not await superuser_sql("SELECT 1 FROM users WHERE id = $1", subject.user_id)
    # their personal data in the log is unreadable; the rest of the details still reads
    events = await gql(client, EVENTS, {"subject": str(subject.user_id)}, approver.bearer)
    nodes = [e["node"] for e in events["data"]["auditEvents"]["edges"]]
    updated = next(n for n in nodes if n["action"] == "tests.profile.updated")
    assert updated["detailsState"] == "AVAILABLE"
    assert updated["details"] == {"field": "phone"}
    assert updated["personalData"] == [
        {"subjectId": str(subject.user_id), "data": None, "erased": True}
    ]
    assert "+44 20" not in str(events)
    assert "198.51.100.7" not in str(events)
    # and the chain still verifies, every event in place
    result = await verify(tenant.id)
    assert result.ok, result.reason


async def test_a_rejected_request_cannot_be_executed(client: httpx.AsyncClient) -> None:
    tenant = await create_tenant()
    requester, approver = await _officers(tenant)
    subject = await add_member(tenant, ["viewer"])
    request = await _request(client, requester, "ERASURE", subject.email)
    rejected = await gql(
        client, REJECT, {"id": request["id"], "note": "not verified"}, approver.bearer
    )
    assert rejected["data"]["rejectDataSubjectRequest"]["status"] == "REJECTED"
    assert error_codes(await gql(client, EXECUTE, {"id": request["id"]}, approver.bearer)) == [
        "CONFLICT"
    ]
    listed = await gql(client, LIST, {"status": "REJECTED"}, approver.bearer)
    assert listed["data"]["dataSubjectRequests"]["totalCount"] == 1


async def test_an_access_request_reports_what_we_hold_and_the_registered_hooks(
    client: httpx.AsyncClient,
) -> None:
    tenant = await create_tenant()
    requester, approver = await _officers(tenant)
    subject = await add_member(tenant, ["executive"])
    async with transaction(tenant.id) as session:
        await audit.record(
            session,
            actor=audit.Actor.system("tests"),
            action="tests.export.downloaded",
            subjects={subject.user_id: {"email": subject.email}},
        )

    async def datasets_naming(
        session: AsyncSession, subject_id: uuid.UUID
    ) -> list[SubjectReference]:
        assert session.info["tenant_id"] == tenant.id, "finders run in the tenant's transaction"
        if subject_id != subject.user_id:
            return []
        return [SubjectReference("datasets", "dataset", "ds-1", "customers.csv: column email")]

    register_subject_finder("tests-datasets", datasets_naming)
    try:
        request = await _request(client, requester, "ACCESS", subject.email)
        await gql(client, APPROVE, {"id": request["id"]}, approver.bearer)
        done = (await gql(client, EXECUTE, {"id": request["id"]}, approver.bearer))["data"][
            "executeDataSubjectRequest"
        ]
    finally:
        unregister_subject_finder("tests-datasets")
    report = done["report"]
    assert report["account"]["email"] == subject.email
    assert report["account"]["roles"] == ["executive"]
    assert report["references"] == [
        {
            "domain": "datasets",
            "kind": "dataset",
            "id": "ds-1",
            "description": "customers.csv: column email",
        }
    ]
    downloaded = next(e for e in report["audit_events"] if e["action"] == "tests.export.downloaded")
    assert downloaded["personal_data"] == {"email": subject.email}
    assert done["subjectEmail"] == subject.email, "an access request keeps the subject named"
    # the person is untouched
    assert (await gql(client, VIEWER, {}, subject.bearer))["data"]["viewer"]


async def test_erasure_in_one_organization_keeps_the_account_another_one_uses(
    client: httpx.AsyncClient,
) -> None:
    tenant, other = await create_tenant(), await create_tenant()
    requester, approver = await _officers(tenant)
    subject = await add_member(tenant, ["viewer"])
    from phantom.identity.members import members
    from phantom.identity.tokens import tokens

    async with transaction(other.id) as session:
        owner = await tokens.principal_for(session, other.token)
        await members.invite(
            session, owner, email=subject.email, display_name=None, roles=["viewer"]
        )
    request = await _request(client, requester, "ERASURE", subject.email)
    await gql(client, APPROVE, {"id": request["id"]}, approver.bearer)
    done = (await gql(client, EXECUTE, {"id": request["id"]}, approver.bearer))["data"][
        "executeDataSubjectRequest"
    ]
    assert done["report"]["user_record"] == "kept: still a member of 1 other organization(s)"
    assert await superuser_sql(
        "SELECT 1 FROM memberships WHERE user_id = $1 AND tenant_id = $2", subject.user_id, other.id
    )


async def test_the_last_owner_cannot_be_erased(client: httpx.AsyncClient) -> None:
    tenant = await create_tenant()
    # officers cannot even file it: the owner holds powers they lack
    requester, approver = await _officers(tenant)
    variables = {"input": {"kind": "ERASURE", "subjectEmail": tenant.admin_email, "reason": "x"}}
    refused = await gql(client, CREATE, variables, requester.bearer)
    assert error_codes(refused) == ["FORBIDDEN"]
    # people with every permission (a custom role, not owner) can, but the last owner stays
    every = sorted(p.value for p in P)
    role = {"input": {"name": "deputy", "permissions": every}}
    assert "errors" not in await gql(client, CREATE_ROLE, role, tenant.bearer)
    requester, approver = await add_member(tenant, ["deputy"]), await add_member(tenant, ["deputy"])
    request = await _request(client, requester, "ERASURE", tenant.admin_email)
    await gql(client, APPROVE, {"id": request["id"]}, approver.bearer)
    refused = await gql(client, EXECUTE, {"id": request["id"]}, approver.bearer)
    assert error_codes(refused) == ["CONFLICT"]
    assert "owner" in refused["errors"][0]["message"]


@pytest.mark.parametrize("role", ["viewer", "admin"])
async def test_roles_without_privacy_permissions_are_refused(
    client: httpx.AsyncClient, role: str
) -> None:
    tenant = await create_tenant()
    member = await add_member(tenant, [role])
    body = await gql(
        client,
        CREATE,
        {"input": {"kind": "ACCESS", "subjectEmail": tenant.admin_email, "reason": "x"}},
        member.bearer,
    )
    expected = "FORBIDDEN" if role == "viewer" else None
    if expected:
        assert error_codes(body) == [expected]
    else:
        assert "errors" not in body, "admins may file requests; only officers approve"
        created = body["data"]["createDataSubjectRequest"]
        refused = await gql(client, APPROVE, {"id": created["id"]}, member.bearer)
        assert error_codes(refused) == ["FORBIDDEN"]


async def test_another_tenant_cannot_see_or_act_on_a_request(client: httpx.AsyncClient) -> None:
    tenant, other = await create_tenant(), await create_tenant()
    requester, _ = await _officers(tenant)
    subject = await add_member(tenant, ["viewer"])
    request = await _request(client, requester, "ERASURE", subject.email)
    outsider = await add_member(other, ["compliance_officer"])
    for document in (APPROVE, EXECUTE):
        body = await gql(client, document, {"id": request["id"]}, outsider.bearer)
        assert error_codes(body) == ["NOT_FOUND"]
    one = "query($id: ID!) { dataSubjectRequest(id: $id) { id } }"
    assert error_codes(await gql(client, one, {"id": request["id"]}, outsider.bearer)) == [
        "NOT_FOUND"
    ]
    listed = await gql(client, LIST, {}, outsider.bearer)
    assert listed["data"]["dataSubjectRequests"]["totalCount"] == 0
    # the subject of another tenant cannot be named either
    body = await gql(
        client,
        CREATE,
        {"input": {"kind": "ERASURE", "subjectEmail": subject.email, "reason": "x"}},
        outsider.bearer,
    )
    assert error_codes(body) == ["NOT_FOUND"]


async def test_a_member_access_report_downloads_as_json_and_csv(client: httpx.AsyncClient) -> None:
    tenant = await create_tenant()
    requester, approver = await _officers(tenant)
    subject = await add_member(tenant, ["viewer"])
    request = await _request(client, requester, "ACCESS", subject.email)
    json_url = f"/api/v1/data-subject-requests/{request['id']}/report.json"
    early = await client.get(json_url, headers=approver.bearer)
    assert early.status_code == 404
    assert "executed" in early.json()["error"]["message"]
    await gql(client, APPROVE, {"id": request["id"]}, approver.bearer)
    await gql(client, EXECUTE, {"id": request["id"]}, approver.bearer)
    as_json = await client.get(json_url, headers=requester.bearer)
    assert as_json.status_code == 200
    assert as_json.json()["report"]["account"]["email"] == subject.email
    assert as_json.json()["request"]["subject_kind"] == "member"
    as_csv = await client.get(json_url.replace(".json", ".csv"), headers=requester.bearer)
    assert as_csv.status_code == 200
    assert 'filename="data-subject-request-' in as_csv.headers["content-disposition"]
    assert f"account,,,,,,email,{subject.email}" in as_csv.content.decode("utf-8-sig")
    assert (await client.get(json_url.replace(".json", ".xml"))).status_code == 404
