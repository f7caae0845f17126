"""Audit forgery by the application's database role (issue 10, item 8).

The application's role may INSERT and SELECT audit events, UPDATE the chain head and
DELETE details (retention needs it). Hashes need no key, so with that role alone one can
append a well-hashed event, move the head onto it, or delete details and pose a purge.
Rule: the database role alone cannot produce a chain that verifies, and the periodic
checkpoint never signs what it has not verified. Each test performs the forgery as the
application role and fails only if the forgery succeeds.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from prometheus_client import REGISTRY

from phantom.audit import chain
from phantom.audit.chain import header_of
from phantom.audit.jobs import maintain
from phantom.audit.models import AuditEvent
from phantom.audit.proof import details_digest, event_hash
from phantom.audit.service import audit_service
from phantom.db import transaction
from phantom.identity.tokens import tokens
from phantom.kit.rows import utcnow
from tests.audit.support import head_seq, record_events, sign_head, superuser_sql, verify
from tests.support.fixtures import TenantFixture, create_tenant


async def app_sql(tenant_id: uuid.UUID, *statements: tuple[str, tuple[Any, ...]]) -> list[Any]:
    """Run statements in one transaction as the application's database role, in the
    tenant's scope: exactly what a compromised API or worker process could do."""
    url = os.environ["PHANTOM_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    results: list[Any] = []
    try:
        async with connection.transaction():
            await connection.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
            for sql, args in statements:
                results.append(await connection.fetch(sql, *args))
    finally:
        await connection.close()
    return results


async def forge_event(tenant_id: uuid.UUID, **fields: Any) -> int:
    """Append an event with a correctly computed (unkeyed) hash and move the head onto
    it, as the application role. Returns its seq."""
    (last,) = await app_sql(tenant_id, ("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1", ()))
    previous = dict(last[0])
    ciphertext = os.urandom(64)
    event = AuditEvent(
        id=uuid.uuid4(),
        created_at=utcnow(),
        tenant_id=tenant_id,
        seq=previous["seq"] + 1,
        occurred_at=utcnow(),
        actor_type="system",
        actor_id=None,
        credential_id=None,
        actor_label=fields.get("actor_label", "housekeeping"),
        action=fields.get("action", "identity.member.roles_changed"),
        resource_type=fields.get("resource_type", "member"),
        resource_id=fields.get("resource_id", str(uuid.uuid4())),
        outcome="success",
        request_id=None,
        subjects="",
        key_id=previous["key_id"],
        details_digest=details_digest(ciphertext),
    )
    event.hash = event_hash(previous["hash"], header_of(event), event.details_digest)
    await app_sql(
        tenant_id,
        (
            "INSERT INTO audit_events (id, created_at, tenant_id, seq, occurred_at, actor_type, "
            "actor_id, credential_id, actor_label, action, resource_type, resource_id, outcome, "
            "request_id, subjects, key_id, details_digest, hash) VALUES ($1, $2, $3, $4, $5, "
            "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            (
                event.id,
                event.created_at,
                tenant_id,
                event.seq,
                event.occurred_at,
                event.actor_type,
                None,
                None,
                event.actor_label,
                event.action,
                event.resource_type,
                event.resource_id,
                event.outcome,
                None,
                event.subjects,
                event.key_id,
                event.details_digest,
                event.hash,
            ),
        ),
        (
            "INSERT INTO audit_event_details (id, created_at, tenant_id, seq, ciphertext) "
            "VALUES ($1, $2, $3, $4, $5)",
            (uuid.uuid4(), utcnow(), tenant_id, event.seq, ciphertext),
        ),
        (
            "UPDATE audit_chain_heads SET last_seq = $1, last_hash = $2",
            (event.seq, event.hash),
        ),
    )
    return event.seq


async def run_maintenance(tenant_id: uuid.UUID) -> None:
    """The ``audit.maintain`` job's own code (retention, then a checkpoint), awaited here
    rather than through Dramatiq's event loop thread."""
    await maintain.fn.__wrapped__(str(tenant_id))  # type: ignore[attr-defined]


async def signed_seqs(tenant_id: uuid.UUID) -> list[int]:
    rows = await superuser_sql(
        "SELECT seq FROM audit_checkpoints WHERE tenant_id = $1 ORDER BY seq", tenant_id
    )
    return [r["seq"] for r in rows]


async def test_the_checkpoint_job_does_not_sign_a_forged_event_and_verify_names_it() -> None:
    # given: a signed chain, then an event appended and the head moved by the app role
    tenant = await create_tenant()
    await record_events(tenant.id, 3)
    await sign_head(tenant.id)
    forged = await forge_event(tenant.id)
    refused = REGISTRY.get_sample_value("phantom_audit_checkpoints_refused_total") or 0.0
    # when: the periodic maintenance job runs (retention, then a checkpoint)
    await run_maintenance(tenant.id)
    # then: nothing signed vouches for the forged event, the refusal is counted for an
    # alert, and verify names the event
    assert max(await signed_seqs(tenant.id)) < forged, "a checkpoint signed the forgery"
    counted = REGISTRY.get_sample_value("phantom_audit_checkpoints_refused_total")
    assert counted == refused + 1
    result = await verify(tenant.id)
    assert not result.ok, "a chain with a forged event verifies"
    assert result.first_bad_seq == forged, result.reason


async def test_an_append_does_not_sign_over_a_forged_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a forged event, and the hourly in-append checkpoint due
    tenant = await create_tenant()
    await record_events(tenant.id, 2)
    forged = await forge_event(tenant.id)
    monkeypatch.setattr(chain, "CHECKPOINT_INTERVAL", timedelta(0))
    # when: a genuine event is appended after it
    await record_events(tenant.id, 1)
    # then
    assert max(await signed_seqs(tenant.id)) < forged, "an append signed the forgery"
    result = await verify(tenant.id)
    assert (result.ok, result.first_bad_seq) == (False, forged), result.reason


async def test_details_deleted_and_posed_as_a_retention_purge_are_detected() -> None:
    # given: a signed chain with no retention policy at all
    tenant = await create_tenant()
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 5)
    await sign_head(tenant.id)
    victim = base + 2
    # when: the app role deletes one event's details and poses a purge that covers them
    await app_sql(tenant.id, ("DELETE FROM audit_event_details WHERE seq = $1", (victim,)))
    purge = await forge_event(
        tenant.id,
        action="audit.retention.purged",
        actor_label="audit.retention",
        resource_type="audit_event",
        resource_id=str(victim),
    )
    await run_maintenance(tenant.id)
    # then
    assert max(await signed_seqs(tenant.id)) < purge, "a checkpoint signed the fake purge"
    result = await verify(tenant.id)
    assert not result.ok, "deleted details passed as purged"
    assert result.first_bad_seq == victim, result.reason
    assert f"details of event {victim} were deleted" in (result.reason or "")


async def _owner(tenant: TenantFixture) -> Any:
    async with transaction(tenant.id) as session:
        return await tokens.principal_for(session, tenant.token)


async def test_a_purge_beyond_the_chain_s_retention_policy_is_refused_or_detected() -> None:
    # given: a 30-day policy set through the service (an event in the chain), and events
    tenant = await create_tenant()
    owner = await _owner(tenant)
    async with transaction(tenant.id) as session:
        await audit_service.set_retention(session, owner, 30)
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 3)
    # when: the app role shortens the policy row to one day, and the genuine retention
    # job runs two days later
    await app_sql(tenant.id, ("UPDATE audit_retention_policies SET details_days = 1", ()))
    later = utcnow() + timedelta(days=2)
    async with transaction(tenant.id) as session:
        await audit_service.apply_retention(session, now=later)
    await sign_head(tenant.id)
    # then: two-day-old details under a 30-day policy are kept, or the chain says so
    kept = await superuser_sql(
        "SELECT seq FROM audit_event_details WHERE tenant_id = $1 AND seq > $2",
        tenant.id,
        base,
    )
    result = await verify(tenant.id)
    intact = {r["seq"] for r in kept} >= set(range(base + 1, base + 4))
    assert intact or not result.ok, "details purged against the policy, and the chain verifies"


async def test_a_purge_event_inconsistent_with_the_policy_is_detected() -> None:
    # given: a 30-day policy in the chain, and events of today
    tenant = await create_tenant()
    owner = await _owner(tenant)
    async with transaction(tenant.id) as session:
        await audit_service.set_retention(session, owner, 30)
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 3)
    await sign_head(tenant.id)
    # when: the app role deletes today's details and poses a purge through them
    await app_sql(tenant.id, ("DELETE FROM audit_event_details WHERE seq <= $1", (base + 3,)))
    await app_sql(
        tenant.id, ("UPDATE audit_retention_policies SET purged_through_seq = $1", (base + 3,))
    )
    await forge_event(
        tenant.id,
        action="audit.retention.purged",
        actor_label="audit.retention",
        resource_type="audit_event",
        resource_id=str(base + 3),
    )
    await run_maintenance(tenant.id)
    # then: the first event whose details went is named
    result = await verify(tenant.id)
    assert not result.ok, "a purge of young details verifies"
    assert result.first_bad_seq == 1, result.reason


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_mac_epochs SET pre_mac_through_seq = 1000000",
        "INSERT INTO audit_mac_epochs (tenant_id, pre_mac_through_seq) "
        "VALUES (NULLIF(current_setting('app.tenant_id', true), '')::uuid, 1000000)",
        "DELETE FROM audit_mac_epochs",
    ],
)
async def test_the_application_role_cannot_widen_the_events_excused_from_macs(sql: str) -> None:
    """Events at or below a tenant's epoch need no MAC (written before MACs existed); the
    application role may only read the epochs, so it cannot excuse a forged event."""
    tenant = await create_tenant()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_sql(tenant.id, (sql, ()))


async def test_events_hidden_by_moving_the_head_back_are_reported() -> None:
    """The role may update the head row (appends do): moving it back would hide the
    latest events from verification, exports and the next checkpoint."""
    tenant = await create_tenant()
    await record_events(tenant.id, 3)
    last = await head_seq(tenant.id)
    await app_sql(
        tenant.id,
        (
            "UPDATE audit_chain_heads SET last_seq = $1, "
            "last_hash = (SELECT hash FROM audit_events WHERE seq = $1)",
            (last - 1,),
        ),
    )
    await run_maintenance(tenant.id)
    assert last - 1 not in await signed_seqs(tenant.id), "the moved-back head was signed"
    result = await verify(tenant.id)
    assert not result.ok, "an event hidden behind the head verifies"
    assert result.first_bad_seq == last, result.reason
