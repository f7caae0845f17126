"""The queue: jobs are sent only after their transaction commits, and the retry policy
separates bad input from infrastructure failures."""

from __future__ import annotations

import pytest

import phantom.actors  # noqa: F401 - declares the actors the tests send
from phantom.db import transaction
from phantom.kit.errors import BadUserInput
from phantom.kit.jobs import _retry_infrastructure_only, broker, enqueue_job
from tests.support.fixtures import TenantFixture


def queued() -> int:
    return int(broker.client.hlen("phantom-jobs:default.msgs"))  # type: ignore[attr-defined]


async def test_jobs_are_sent_after_commit_and_dropped_on_rollback(tenant: TenantFixture) -> None:
    broker.flush_all()

    async def rolled_back() -> None:
        async with transaction(tenant.id) as session:
            enqueue_job(session, "identity.housekeeping", tenant_id=tenant.id)
            assert queued() == 0, "not sent before commit"
            raise BadUserInput("the change is refused")

    with pytest.raises(BadUserInput):
        await rolled_back()
    assert queued() == 0, "dropped with the rollback"

    async with transaction(tenant.id) as session:
        enqueue_job(session, "identity.housekeeping", tenant_id=tenant.id)
    assert queued() == 1
    broker.flush_all()


async def test_unknown_job_names_fail_before_commit(tenant: TenantFixture) -> None:
    import dramatiq

    with pytest.raises(dramatiq.errors.ActorNotFound):
        async with transaction(tenant.id) as session:
            enqueue_job(session, "identity.no_such_job", tenant_id=tenant.id)


def test_retry_policy() -> None:
    assert not _retry_infrastructure_only(0, BadUserInput("bad data"))
    assert _retry_infrastructure_only(0, ConnectionError("redis went away"))
    assert not _retry_infrastructure_only(3, ConnectionError("still down"))
