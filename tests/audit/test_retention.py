"""Retention deletes old details and keeps headers and hashes: the chain verifies, and
the purge is an event the verifier reads, so details deleted outside it still show."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import phantom.actors  # noqa: F401 - declares the actors send_job names
from phantom.audit import chain, service
from phantom.audit.models import AuditRetentionPolicy
from phantom.audit.service import audit_service
from phantom.db import transaction
from phantom.kit.jobs import send_job
from phantom.kit.rows import utcnow
from tests.audit.support import head_seq, record_events, set_retention, superuser_sql, verify
from tests.support.fixtures import create_tenant
from tests.support.servers import running


def _clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """The retention job and the purge event it records see the same (later) clock: the
    verifier checks the purge's cut-off against the time it was recorded."""
    monkeypatch.setattr(service, "utcnow", lambda: moment)
    monkeypatch.setattr(chain, "utcnow", lambda: moment)


async def test_retention_purges_old_details_and_the_chain_still_verifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the tenant's own events, a 30-day policy (an event), five more events, and
    # a clock 30 days after the last of them
    tenant = await create_tenant()
    base = await head_seq(tenant.id)
    await set_retention(tenant, 30)
    policy_seq = base + 1
    await record_events(tenant.id, 5)
    last = base + 6
    fifth = await superuser_sql(
        "SELECT occurred_at FROM audit_events WHERE tenant_id = $1 AND seq = $2", tenant.id, last
    )
    _clock(monkeypatch, fifth[0]["occurred_at"] + timedelta(days=30, microseconds=1))
    # when
    async with transaction(tenant.id) as session:
        purged = await audit_service.apply_retention(session)
    async with transaction(tenant.id) as session:
        again = await audit_service.apply_retention(session)
    # then: details of every event so far (1..last) are gone but the policy's, headers
    # and hashes stay, the purge is the next event
    assert (purged, again) == (last - 1, 0), "idempotent"
    details = await superuser_sql(
        "SELECT seq FROM audit_event_details WHERE tenant_id = $1 ORDER BY seq", tenant.id
    )
    headers = await superuser_sql(
        "SELECT seq, action, resource_id FROM audit_events WHERE tenant_id = $1 ORDER BY seq",
        tenant.id,
    )
    assert [r["seq"] for r in details] == [policy_seq, last + 1]
    assert [r["seq"] for r in headers] == list(range(1, last + 2))
    assert (headers[-1]["action"], headers[-1]["resource_id"]) == (
        "audit.retention.purged",
        str(last),
    )
    result = await verify(tenant.id)
    assert (result.ok, result.events) == (True, last + 1), result.reason
    # but details deleted beyond the purge are still tampering: here the policy's own,
    # which retention keeps; the chain breaks there, so the purge after it excuses
    # nothing and the first event's details count as deleted
    await superuser_sql("DELETE FROM audit_event_details WHERE tenant_id = $1", tenant.id)
    broken = await verify(tenant.id)
    assert (broken.ok, broken.first_bad_seq) == (False, 1), broken.reason
    assert "details of event 1 were deleted" in (broken.reason or "")


async def test_a_young_log_is_not_purged() -> None:
    tenant = await create_tenant()
    await record_events(tenant.id, 3)
    await set_retention(tenant, 30)
    async with transaction(tenant.id) as session:
        assert await audit_service.apply_retention(session) == 0


async def test_a_policy_row_without_its_event_purges_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The policy is the one the chain recorded; a row written beside it (by the
    database role, or by code that skipped the service) allows no purge."""
    tenant = await create_tenant()
    await record_events(tenant.id, 3)
    async with transaction(tenant.id) as session:
        session.add(AuditRetentionPolicy(details_days=1, updated_at=utcnow()))
    _clock(monkeypatch, utcnow() + timedelta(days=2))
    async with transaction(tenant.id) as session:
        assert await audit_service.apply_retention(session) == 0


async def test_the_worker_signs_every_tenant_head(tmp_path: Path) -> None:
    """The periodic maintenance job, run by a real `phantom worker`."""
    tenant = await create_tenant()
    head = await head_seq(tenant.id) + 4  # the tenant's own events, and four more
    await record_events(tenant.id, 4)
    assert (await verify(tenant.id)).checkpoint.seq == 1  # type: ignore[union-attr]
    with running(["worker", "--processes", "1", "--threads", "2"], log=tmp_path / "worker.log"):
        send_job("audit.schedule_maintenance")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = await superuser_sql(
                "SELECT max(seq) AS seq FROM audit_checkpoints WHERE tenant_id = $1", tenant.id
            )
            if rows[0]["seq"] == head:
                break
            time.sleep(0.2)  # noqa: ASYNC251 - polling another process
    assert rows[0]["seq"] == head, (tmp_path / "worker.log").read_text()[-2000:]
