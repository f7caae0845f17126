"""The chain: appends in the caller's transaction, verification, and tampering of every
kind detected with the first bad sequence number."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Awaitable, Callable

import pytest

from phantom import audit
from phantom.audit.proof import event_hash
from phantom.db import transaction
from tests.audit.support import head_seq, record_events, sign_head, superuser_sql, verify
from tests.support.fixtures import TenantFixture, create_tenant


async def test_intact_chain_verifies_and_reaches_the_latest_checkpoint(
    tenant: TenantFixture,
) -> None:
    # given: the tenant's own events (its creation, its token), then five more
    base = await head_seq(tenant.id)
    assert base > 0, "creating the tenant is audited"
    await record_events(tenant.id, 5)
    # when
    first = await verify(tenant.id)
    await sign_head(tenant.id)
    second = await verify(tenant.id)
    # then
    assert (first.ok, first.events) == (True, base + 5)
    assert first.checkpoint is not None
    assert first.checkpoint.seq == 1  # the first append (the tenant's creation) signs
    assert second.ok
    assert second.checkpoint is not None
    assert second.checkpoint.seq == base + 5


async def test_a_rolled_back_change_leaves_no_event_and_no_gap(tenant: TenantFixture) -> None:
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 2)

    async def failing_change() -> None:
        async with transaction(tenant.id) as session:
            await audit.record(session, actor=audit.Actor.system("tests"), action="tests.x.y")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        await failing_change()
    await record_events(tenant.id, 1)
    rows = await superuser_sql(
        "SELECT seq, action FROM audit_events WHERE tenant_id = $1 ORDER BY seq", tenant.id
    )
    assert [r["seq"] for r in rows] == list(range(1, base + 4))
    assert [r["action"] for r in rows[base:]] == ["tests.event.recorded"] * 3
    assert (await verify(tenant.id)).ok


# Tampering with the test's own events, which follow the `base` events the tenant's
# creation recorded: "event 5" below is the test's fifth, at seq base + 5.


async def _edit_header(t: uuid.UUID, base: int) -> None:
    await superuser_sql(
        "UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = $1 AND seq = $2",
        t,
        base + 5,
    )


async def _edit_details(t: uuid.UUID, base: int) -> None:
    await superuser_sql(
        "UPDATE audit_event_details SET ciphertext = overlay(ciphertext placing '\\x00'::bytea "
        "from 20) WHERE tenant_id = $1 AND seq = $2",
        t,
        base + 5,
    )


async def _delete_event(t: uuid.UUID, base: int) -> None:
    await superuser_sql("DELETE FROM audit_events WHERE tenant_id = $1 AND seq = $2", t, base + 5)


async def _delete_details(t: uuid.UUID, base: int) -> None:
    await superuser_sql(
        "DELETE FROM audit_event_details WHERE tenant_id = $1 AND seq = $2", t, base + 5
    )


async def _insert_event(t: uuid.UUID, base: int) -> None:
    """Make room at event 5 and insert a copy of event 3 there."""
    for sql in (
        "UPDATE audit_events SET seq = seq + 1000 WHERE tenant_id = $1 AND seq >= $2 + 5",
        "UPDATE audit_events SET seq = seq - 999 WHERE tenant_id = $1 AND seq >= $2 + 1000",
        "UPDATE audit_event_details SET seq = seq + 1000 WHERE tenant_id = $1 AND seq >= $2 + 5",
        "UPDATE audit_event_details SET seq = seq - 999 WHERE tenant_id = $1 AND seq >= $2 + 1000",
        "INSERT INTO audit_events SELECT seq + 2 AS seq, occurred_at, actor_type, actor_id, "
        "credential_id, actor_label, action, resource_type, resource_id, outcome, request_id, "
        "subjects, key_id, details_digest, hash, tenant_id, gen_random_uuid(), created_at "
        "FROM audit_events WHERE tenant_id = $1 AND seq = $2 + 3",
        "INSERT INTO audit_event_details SELECT $2 + 5, ciphertext, tenant_id, "
        "gen_random_uuid(), created_at FROM audit_event_details "
        "WHERE tenant_id = $1 AND seq = $2 + 3",
    ):
        await superuser_sql(sql, t, base)


async def _swap_events(t: uuid.UUID, base: int) -> None:
    for sql in (
        "UPDATE audit_events SET seq = $2 + 1004 WHERE tenant_id = $1 AND seq = $2 + 4",
        "UPDATE audit_events SET seq = $2 + 4 WHERE tenant_id = $1 AND seq = $2 + 5",
        "UPDATE audit_events SET seq = $2 + 5 WHERE tenant_id = $1 AND seq = $2 + 1004",
    ):
        await superuser_sql(sql, t, base)


async def _truncate_tail(t: uuid.UUID, base: int) -> None:
    """Delete the last events (from event 8) and rewind the head row to match, as a
    careful attacker would: only the signed checkpoint at event 10 betrays it."""
    await superuser_sql("DELETE FROM audit_events WHERE tenant_id = $1 AND seq >= $2", t, base + 8)
    await superuser_sql(
        "DELETE FROM audit_event_details WHERE tenant_id = $1 AND seq >= $2", t, base + 8
    )
    await superuser_sql(
        "UPDATE audit_chain_heads SET last_seq = $2, last_hash = "
        "(SELECT hash FROM audit_events WHERE tenant_id = $1 AND seq = $2) WHERE tenant_id = $1",
        t,
        base + 7,
    )


async def _forge_checkpoint(t: uuid.UUID, base: int) -> None:
    await superuser_sql(
        "UPDATE audit_checkpoints SET signature = $2 WHERE tenant_id = $1 AND seq = $3",
        t,
        os.urandom(64),
        base + 10,
    )


# kind: (tamper, the first bad event (of the test's own), the reason, "{seq}" filled in)
TAMPERING: dict[str, tuple[Callable[[uuid.UUID, int], Awaitable[None]], int, str]] = {
    "edited header": (_edit_header, 5, "altered"),
    "edited details": (_edit_details, 5, "details of event {seq} were altered"),
    "deleted event": (_delete_event, 5, "event {seq} is missing"),
    "deleted details": (_delete_details, 5, "details of event {seq} were deleted"),
    "inserted event": (_insert_event, 5, "altered, inserted or reordered"),
    "swapped events": (_swap_events, 4, "altered, inserted or reordered"),
    "truncated tail": (_truncate_tail, 8, "truncated"),
    "forged checkpoint signature": (_forge_checkpoint, 10, "bad signature"),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
async def test_tampering_is_detected_with_the_first_bad_sequence(kind: str) -> None:
    # given: the tenant's own events, ten more, the head signed at the tenth
    tenant = await create_tenant()
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 10)
    await sign_head(tenant.id)
    assert (await verify(tenant.id)).ok
    tamper, first_bad, reason = TAMPERING[kind]
    # when
    await tamper(tenant.id, base)
    # then
    result = await verify(tenant.id)
    assert not result.ok
    assert result.first_bad_seq == base + first_bad, result.reason
    assert reason.format(seq=base + first_bad) in (result.reason or "")


async def test_a_consistently_rehashed_rewrite_is_caught_by_the_signed_checkpoint() -> None:
    """Hashes need no key, so an attacker can rewrite an event and recompute every later
    hash; the MAC (and the signed checkpoint) they cannot forge no longer match."""
    tenant = await create_tenant()
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 10)
    await sign_head(tenant.id)
    rows = await superuser_sql(
        "SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY seq", tenant.id
    )
    from phantom.audit.chain import header_of
    from phantom.audit.models import AuditEvent

    # rewrite the test's sixth event (seq base + 6) and rehash everything after it
    previous = rows[base + 4]["hash"]
    for row in rows[base + 5 :]:
        event = AuditEvent(**{k: row[k] for k in row.keys()})
        if event.seq == base + 6:
            event.outcome = "failure"
        new_hash = event_hash(previous, header_of(event), event.details_digest)
        await superuser_sql(
            "UPDATE audit_events SET outcome = $3, hash = $4 WHERE tenant_id = $1 AND seq = $2",
            tenant.id,
            event.seq,
            event.outcome,
            new_hash,
        )
        previous = new_hash
    await superuser_sql(
        "UPDATE audit_chain_heads SET last_hash = $2 WHERE tenant_id = $1", tenant.id, previous
    )
    # then: the server, which holds the MAC key, names the rewritten event itself (an
    # export verified without the key still fails on the checkpoint signed at base + 10:
    # tests/audit/test_export_and_cli.py)
    result = await verify(tenant.id)
    assert not result.ok
    assert result.first_bad_seq == base + 6, result.reason
    assert "no valid MAC" in (result.reason or "")


async def test_details_are_never_stored_in_plaintext() -> None:
    # given: a canary in the details, in personal data and as the client IP
    tenant = await create_tenant()
    canary = f"canary-{uuid.uuid4().hex}"
    user = uuid.uuid4()
    async with transaction(tenant.id) as session:
        await audit.record(
            session,
            actor=audit.Actor(audit.ActorType.USER, user_id=user),
            action="tests.secret.recorded",
            details={"note": canary},
            subjects={user: {"email": f"{canary}@example.com"}},
            source_ip="203.0.113.77",
        )
    # when: every audit table is dumped as text
    dumps = []
    for table in (
        "audit_events",
        "audit_event_details",
        "audit_keys",
        "audit_subject_keys",
        "audit_checkpoints",
        "audit_chain_heads",
    ):
        rows = await superuser_sql(f"SELECT t::text AS row FROM {table} t")
        dumps.extend(r["row"] for r in rows)
    # then: neither the canary, nor its hex or base64, nor the IP appears
    text = "\n".join(dumps)
    import base64

    for needle in (canary, canary.encode().hex(), base64.b64encode(canary.encode()).decode()):
        assert needle not in text
    assert "203.0.113.77" not in text
    assert hashlib.sha256(canary.encode()).hexdigest() not in text


async def test_another_tenant_sees_and_verifies_only_its_own_chain(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    my_base, their_base = await head_seq(tenant.id), await head_seq(other_tenant.id)
    await record_events(tenant.id, 3)
    await record_events(other_tenant.id, 2)
    mine, theirs = await verify(tenant.id), await verify(other_tenant.id)
    assert (mine.ok, mine.events) == (True, my_base + 3)
    assert (theirs.ok, theirs.events) == (True, their_base + 2)
    from phantom.audit.repository import AuditRepository, EventFilter

    async with transaction(other_tenant.id) as session:
        repo = AuditRepository(session)
        rows, total = await repo.page(repo.search(EventFilter()), None, 100)
    assert total == len(rows) == their_base + 2
    assert {r.tenant_id for r in rows} == {other_tenant.id}
    assert sorted(r.seq for r in rows) == list(range(1, their_base + 3))
    assert [r.action for r in rows].count("tests.event.recorded") == 2


async def test_a_signing_key_planted_in_the_database_is_not_trusted() -> None:
    """An attacker with database access but no master key truncates the tail, removes
    the checkpoint that shows it, and signs a new one with a key of their own."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from phantom.audit.keys import master_key_id
    from phantom.audit.proof import checkpoint_message, format_time, public_key_id
    from phantom.kit.rows import utcnow

    tenant = await create_tenant()
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 10)
    await sign_head(tenant.id)
    await _truncate_tail(tenant.id, base)
    await superuser_sql(
        "DELETE FROM audit_checkpoints WHERE tenant_id = $1 AND seq = $2", tenant.id, base + 10
    )
    forged = Ed25519PrivateKey.generate()
    public = forged.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = public_key_id(public)
    await superuser_sql(
        "INSERT INTO audit_keys (kind, wrapped, master_key_id, public_key, public_key_id, "
        "tenant_id, id, created_at) VALUES ('signing', $2, $5, $3, $4, $1, "
        "gen_random_uuid(), now())",
        tenant.id,
        os.urandom(60),
        public,
        key_id,
        master_key_id(),  # copied from a real row, as an attacker would
    )
    head = (
        await superuser_sql(
            "SELECT hash FROM audit_events WHERE tenant_id = $1 AND seq = $2", tenant.id, base + 7
        )
    )[0]["hash"]
    signed_at = utcnow()
    signature = forged.sign(
        checkpoint_message(str(tenant.id), base + 7, head, format_time(signed_at))
    )
    await superuser_sql(
        "INSERT INTO audit_checkpoints (seq, head_hash, signed_at, signing_key_id, signature, "
        "tenant_id, id, created_at) VALUES ($6, $2, $3, $4, $5, $1, gen_random_uuid(), now())",
        tenant.id,
        head,
        signed_at,
        key_id,
        signature,
        base + 7,
    )
    result = await verify(tenant.id)
    assert not result.ok
    assert result.first_bad_seq == base + 7
    assert "bad signature" in (result.reason or "")


async def test_an_event_moved_in_from_another_tenant_is_detected() -> None:
    tenant, other = await create_tenant(), await create_tenant()
    await record_events(tenant.id, 4)
    await record_events(other.id, 4)
    for table in ("audit_events", "audit_event_details"):
        await superuser_sql(f"DELETE FROM {table} WHERE tenant_id = $1 AND seq = 3", tenant.id)
        await superuser_sql(
            f"UPDATE {table} SET tenant_id = $1 WHERE tenant_id = $2 AND seq = 3",
            tenant.id,
            other.id,
        )
    result = await verify(tenant.id)
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "altered" in (result.reason or "")
    from phantom.audit.reading import DetailsState, open_details
    from phantom.audit.repository import AuditRepository, EventFilter

    async with transaction(tenant.id) as session:
        repo = AuditRepository(session)
        rows, _ = await repo.page(repo.search(EventFilter()), None, 10)
        opened = await open_details(repo, [r for r in rows if r.seq == 3])
    assert [o.state for o in opened.values()] == [DetailsState.UNREADABLE]
