"""The audit log through GraphQL: search with filters and pagination, details only for
roles allowed to read them, verification and export recorded, tenants isolated, and the
mutation safety net."""

from __future__ import annotations

import uuid

import httpx
import pytest

from phantom import audit
from phantom.db import transaction
from tests.audit.support import add_member, head_seq, record_events, superuser_sql
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql

EVENTS = """
query($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { seq action outcome resourceType resourceId detailsState details
      actor { type userId label } personalData { subjectId data erased } } }
  }
}
"""
VERIFY = """mutation { verifyAuditChain { ok events firstBadSeq reason
  checkpoint { seq headHash signedAt keyId } } }"""
EXPORT = """mutation($input: ExportAuditLogInput) { exportAuditLog(input: $input) {
  filename content fromSeq toSeq events checkpoint { seq keyId } } }"""
CHAIN = "{ auditChain { events latestCheckpoint { seq } signingKeyIds } }"


async def _record_mix(tenant_id: uuid.UUID, subject: uuid.UUID) -> None:
    async with transaction(tenant_id) as session:
        for action, outcome, resource in (
            ("identity.token.created", audit.Outcome.SUCCESS, ("api_token", "t1")),
            ("identity.sign_in.failed", audit.Outcome.DENIED, ("user", subject)),
            ("identity.token.revoked", audit.Outcome.SUCCESS, ("api_token", "t1")),
        ):
            await audit.record(
                session,
                actor=audit.Actor(audit.ActorType.USER, user_id=subject),
                action=action,
                outcome=outcome,
                resource=resource,
                details={"note": action},
                subjects={subject: {"email": "ada@example.com"}},
            )


async def test_search_filters_paginates_and_decrypts_for_the_compliance_officer(
    client: httpx.AsyncClient,
) -> None:
    # given: the tenant's own events (its creation, the officer joining), then ours
    tenant = await create_tenant()
    officer = await add_member(tenant, ["compliance_officer"])
    subject = uuid.uuid4()
    await _record_mix(tenant.id, subject)
    await record_events(tenant.id, 4)
    head = await head_seq(tenant.id)
    # when: the whole log, two at a time
    seen, after = [], None
    while True:
        body = await gql(client, EVENTS, {"first": 2, "after": after}, officer.bearer)
        page = body["data"]["auditEvents"]
        seen += [e["node"]["seq"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then: newest first, every event once
    assert seen == list(range(head, 0, -1))
    assert len(seen) == len(set(seen)) == page["totalCount"]
    # when: filtered (to our subject's own events where the tenant's creation, the
    # officer's invitation and their tokens would match too)
    mine = {"actorId": str(subject)}
    filters = {
        "action": ({"action": "identity.token.created", **mine}, 1),
        "prefix": ({"action": "identity.", **mine}, 3),
        "outcome": ({"outcome": "DENIED", **mine}, 1),
        "actor": (mine, 3),
        "resource": ({"resourceType": "api_token", "resourceId": "t1"}, 2),
        "subject": ({"subjectId": str(subject)}, 3),
        "future": ({"since": "2999-01-01T00:00:00+00:00"}, 0),
        "past": ({"until": "2000-01-01T00:00:00+00:00"}, 0),
        "tests": ({"action": "tests.event.recorded"}, 4),
        "tenant created": ({"action": "identity.tenant.created"}, 1),
    }
    for name, (where, expected) in filters.items():
        body = await gql(client, EVENTS, {"first": 50, "filter": where}, officer.bearer)
        assert body["data"]["auditEvents"]["totalCount"] == expected, (name, body)
    # then: details are decrypted for the officer, personal data included
    body = await gql(
        client, EVENTS, {"filter": {"action": "identity.sign_in.failed"}}, officer.bearer
    )
    node = body["data"]["auditEvents"]["edges"][0]["node"]
    assert node["detailsState"] == "AVAILABLE"
    assert node["details"] == {"note": "identity.sign_in.failed"}
    assert node["personalData"] == [
        {"subjectId": str(subject), "data": {"email": "ada@example.com"}, "erased": False}
    ]


async def test_an_admin_reads_headers_but_not_details(client: httpx.AsyncClient) -> None:
    tenant = await create_tenant()
    admin = await add_member(tenant, ["admin"])
    await _record_mix(tenant.id, uuid.uuid4())
    body = await gql(client, EVENTS, {"first": 5}, admin.bearer)
    nodes = [e["node"] for e in body["data"]["auditEvents"]["edges"]]
    assert nodes
    assert all(n["detailsState"] == "HIDDEN" for n in nodes)
    assert all(n["details"] is None and n["personalData"] == [] for n in nodes)


async def test_a_viewer_may_not_read_verify_or_export(client: httpx.AsyncClient) -> None:
    tenant = await create_tenant()
    viewer = await add_member(tenant, ["viewer"])
    for document in (EVENTS, VERIFY, EXPORT, CHAIN):
        body = await gql(client, document, {}, viewer.bearer)
        assert error_codes(body) == ["FORBIDDEN"], body
    # the refused mutations are themselves recorded, as denied
    rows = await superuser_sql(
        "SELECT action, outcome, actor_id FROM audit_events WHERE tenant_id = $1 "
        "AND action LIKE 'graphql.%' ORDER BY seq",
        tenant.id,
    )
    assert [(r["action"], r["outcome"]) for r in rows] == [
        ("graphql.verify_audit_chain", "denied"),
        ("graphql.export_audit_log", "denied"),
    ]
    assert {r["actor_id"] for r in rows} == {viewer.user_id}


async def test_verify_through_graphql_is_recorded_and_names_the_checkpoint(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    await record_events(tenant.id, 3)
    body = await gql(client, VERIFY, {}, tenant.bearer)
    result = body["data"]["verifyAuditChain"]
    assert result["ok"] is True
    assert result["firstBadSeq"] is None
    assert result["checkpoint"]["seq"] == 1
    assert len(result["checkpoint"]["headHash"]) == 64
    again = (await gql(client, VERIFY, {}, tenant.bearer))["data"]["verifyAuditChain"]
    assert again["events"] == result["events"] + 1, "the first run was recorded"
    await superuser_sql(
        "UPDATE audit_events SET action = 'tests.forged' WHERE tenant_id = $1 AND seq = 2",
        tenant.id,
    )
    broken = (await gql(client, VERIFY, {}, tenant.bearer))["data"]["verifyAuditChain"]
    assert (broken["ok"], broken["firstBadSeq"]) == (False, 2)
    assert "altered" in broken["reason"]


async def test_another_tenant_can_neither_read_nor_verify_this_log(
    client: httpx.AsyncClient,
) -> None:
    tenant, other = await create_tenant(), await create_tenant()
    canary = f"canary-{uuid.uuid4().hex}"
    async with transaction(tenant.id) as session:
        await audit.record(
            session,
            actor=audit.Actor.system("tests"),
            action="tests.canary.recorded",
            resource=("canary", canary),
            details={"canary": canary},
        )
    await superuser_sql(
        "UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = $1", tenant.id
    )
    for document, variables in (
        (EVENTS, {"first": 100}),
        (EVENTS, {"filter": {"resourceId": canary}}),
        (VERIFY, {}),
        (EXPORT, {}),
        (CHAIN, {}),
    ):
        body = await gql(client, document, variables, other.bearer)
        assert canary not in str(body)
        assert str(tenant.id) not in str(body)
    verified = (await gql(client, VERIFY, {}, other.bearer))["data"]["verifyAuditChain"]
    assert verified["ok"] is True, "the other tenant's tampered chain is not ours"


async def test_export_signs_the_head_and_includes_its_own_event(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    base = await head_seq(tenant.id)  # the tenant's own events, before our five
    await record_events(tenant.id, 5)
    body = await gql(client, EXPORT, {"input": {"fromSeq": base + 2}}, tenant.bearer)
    export = body["data"]["exportAuditLog"]
    own = base + 6  # the export's own event follows our five, signed
    assert export["fromSeq"] == base + 2
    assert export["toSeq"] == own
    assert export["events"] == 5
    assert export["checkpoint"]["seq"] == own
    lines = export["content"].splitlines()
    assert len(lines) == 1 + 5 + 1  # header, events, the checkpoint at the export's event
    chain = (await gql(client, CHAIN, {}, tenant.bearer))["data"]["auditChain"]
    assert chain["events"] == own
    assert chain["latestCheckpoint"]["seq"] == own
    assert export["checkpoint"]["keyId"] in chain["signingKeyIds"]
    bad = await gql(
        client, EXPORT, {"input": {"fromSeq": base + 5, "toSeq": base + 2}}, tenant.bearer
    )
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_a_mutation_that_records_nothing_gets_a_fallback_event(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await gql(
        client,
        'mutation { revokeApiToken(id: "00000000-0000-4000-8000-000000000000") { id } }',
        {},
        tenant.bearer,
    )
    assert error_codes(body) == ["NOT_FOUND"]
    rows = await superuser_sql(
        "SELECT action, outcome FROM audit_events WHERE tenant_id = $1 ORDER BY seq",
        tenant.id,
    )
    assert ("graphql.revoke_api_token", "failure") in [(r["action"], r["outcome"]) for r in rows]


async def test_retention_policy_is_managed_by_the_compliance_officer(
    client: httpx.AsyncClient,
) -> None:
    tenant = await create_tenant()
    officer, admin = (
        await add_member(tenant, ["compliance_officer"]),
        await add_member(tenant, ["admin"]),
    )
    document = "mutation($d: Int) { setAuditRetentionPolicy(detailsDays: $d) { detailsDays } }"
    assert error_codes(await gql(client, document, {"d": 30}, admin.bearer)) == ["FORBIDDEN"]
    assert error_codes(await gql(client, document, {"d": 0}, officer.bearer)) == ["BAD_USER_INPUT"]
    body = await gql(client, document, {"d": 400}, officer.bearer)
    assert body["data"]["setAuditRetentionPolicy"]["detailsDays"] == 400
    read = await gql(client, "{ auditRetentionPolicy { detailsDays } }", {}, officer.bearer)
    assert read["data"]["auditRetentionPolicy"]["detailsDays"] == 400


async def test_an_api_export_over_the_limit_is_refused_before_anything_is_recorded(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phantom.audit import service

    # a chain of exactly the limit: exporting it whole would add the export's own event
    await record_events(tenant.id, 3)
    head = await head_seq(tenant.id)
    monkeypatch.setattr(service, "MAX_API_EXPORT_EVENTS", head)
    refused = await gql(client, EXPORT, {}, tenant.bearer)
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert "phantom audit export" in refused["errors"][0]["message"]
    ranged = await gql(
        client, EXPORT, {"input": {"fromSeq": head - 1, "toSeq": head}}, tenant.bearer
    )
    assert ranged["data"]["exportAuditLog"]["events"] == 2
    rows = await superuser_sql(
        "SELECT action, outcome FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq",
        tenant.id,
        head,
    )
    assert [(r["action"], r["outcome"]) for r in rows] == [
        ("graphql.export_audit_log", "failure"),
        ("audit.log.exported", "success"),
    ]


def test_every_mutation_is_under_the_safety_net() -> None:
    """Read from the schema, so a new mutation is covered without editing this test."""
    from phantom.audit.safety_net import AuditedMutation
    from phantom.graphql.schema import schema

    mutation = schema.get_type_by_name("Mutation")
    names = [f.python_name for f in mutation.fields]  # type: ignore[union-attr]
    assert "verify_audit_chain" in names
    for field in mutation.fields:  # type: ignore[union-attr]
        assert isinstance(field.extensions[0], AuditedMutation), field.python_name
