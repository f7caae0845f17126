"""The idempotency mechanism itself (``kit/idempotency.py``) on real PostgreSQL: two
transactions overlapping on one key, a first request that fails, the scope of a key.
The API tests (``test_idempotency_api.py``) cover every operation end to end."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest
from sqlalchemy import text

from phantom.config import settings
from phantom.db import transaction
from phantom.identity.principal import AuthMethod, Principal
from phantom.kit import idempotency
from phantom.kit.errors import BadUserInput, Conflict
from tests.graphql.test_schema_permissions import principal_of
from tests.support.fixtures import TenantFixture, create_tenant


@pytest.fixture
async def caller() -> Principal:
    tenant = await create_tenant()
    return await principal_of(tenant.token)


async def claim(caller: Principal, key: str, request: object = "r") -> idempotency.Claim:
    async with transaction(caller.tenant_id) as session:
        return await idempotency.claim(session, caller, key, "op", request)


async def keys_of(tenant_id: uuid.UUID) -> int:
    async with transaction(tenant_id) as session:
        found = await session.execute(text("SELECT count(*) FROM idempotency_keys"))
        return int(found.scalar_one())


async def test_a_second_request_waits_for_the_first_and_answers_its_result(
    caller: Principal,
) -> None:
    first_claimed, finish = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with transaction(caller.tenant_id) as session:
            taken = await idempotency.claim(session, caller, "k", "op", "r")
            assert taken.replay is None
            first_claimed.set()
            await finish.wait()  # the work, still uncommitted
            await idempotency.complete(session, taken, {"id": "first"})

    running = asyncio.create_task(first())
    await first_claimed.wait()
    second = asyncio.create_task(claim(caller, "k"))
    await asyncio.sleep(0.5)
    assert not second.done()  # it waits on the first's uncommitted key
    finish.set()
    await running
    assert (await second).replay == {"id": "first"}


async def test_a_first_request_still_running_after_the_wait_is_a_conflict(
    caller: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = settings.model_copy(update={"IDEMPOTENCY_WAIT_SECONDS": 0.3})
    monkeypatch.setattr(idempotency, "settings", short)
    first_claimed, finish = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with transaction(caller.tenant_id) as session:
            taken = await idempotency.claim(session, caller, "k", "op", "r")
            first_claimed.set()
            await finish.wait()
            await idempotency.complete(session, taken, {"id": "first"})

    running = asyncio.create_task(first())
    await first_claimed.wait()
    with pytest.raises(Conflict, match="still in progress"):
        await claim(caller, "k")
    finish.set()
    await running
    assert (await claim(caller, "k")).replay == {"id": "first"}  # then its result


async def test_a_first_request_that_fails_leaves_the_key_to_the_waiting_one(
    caller: Principal,
) -> None:
    first_claimed, fail = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with transaction(caller.tenant_id) as session:
            await idempotency.claim(session, caller, "k", "op", "r")
            first_claimed.set()
            await fail.wait()
            raise BadUserInput("the work failed")

    running = asyncio.create_task(first())
    await first_claimed.wait()
    second = asyncio.create_task(claim(caller, "k", "another request"))
    await asyncio.sleep(0.3)
    fail.set()
    with pytest.raises(BadUserInput):
        await running
    taken = await second
    assert taken.replay is None  # the second does the work, even with another request
    assert await keys_of(caller.tenant_id) == 1


async def test_the_work_and_its_key_commit_together(caller: Principal) -> None:
    async def failing_work() -> dict[str, str]:
        raise BadUserInput("refused")

    with pytest.raises(BadUserInput):
        async with transaction(caller.tenant_id) as session:
            await idempotency.once(
                session, caller, "k", "op", "r", failing_work, lambda r: r, _echo
            )
    assert await keys_of(caller.tenant_id) == 0
    async with transaction(caller.tenant_id) as session:
        done = await idempotency.once(session, caller, "k", "op", "r", _work, lambda r: r, _echo)
    assert done == {"did": "work"}
    assert await keys_of(caller.tenant_id) == 1


async def _work() -> dict[str, str]:
    return {"did": "work"}


async def _echo(stored: dict[str, str]) -> dict[str, str]:
    return {"replayed": stored["did"]}


async def test_a_replay_answers_through_recall(caller: Principal) -> None:
    for expected in ({"did": "work"}, {"replayed": "work"}):
        async with transaction(caller.tenant_id) as session:
            answer = await idempotency.once(
                session, caller, "k", "op", {"a": 1, "b": 2}, _work, lambda r: r, _echo
            )
        assert answer == expected
    with pytest.raises(Conflict, match="already used for op"):
        async with transaction(caller.tenant_id) as session:
            await idempotency.once(
                session, caller, "k", "other", {"a": 1, "b": 2}, _work, lambda r: r, _echo
            )


def test_the_request_is_canonical() -> None:
    a = idempotency.fingerprint("op", {"a": 1, "b": [1, "x"], "id": uuid.UUID(int=7)})
    b = idempotency.fingerprint("op", {"id": uuid.UUID(int=7), "b": [1, "x"], "a": 1})
    assert a == b
    assert a != idempotency.fingerprint("op", {"a": 1, "b": [1, "y"], "id": uuid.UUID(int=7)})
    assert a != idempotency.fingerprint("op2", {"a": 1, "b": [1, "x"], "id": uuid.UUID(int=7)})


async def test_a_key_belongs_to_its_api_token_or_to_its_person(caller: Principal) -> None:
    other_token = dataclasses.replace(caller, credential_id=uuid.uuid4())
    session_one = dataclasses.replace(
        caller, auth_method=AuthMethod.SESSION, credential_id=uuid.uuid4()
    )
    session_two = dataclasses.replace(session_one, credential_id=uuid.uuid4())
    assert idempotency.scope_of(caller) != idempotency.scope_of(other_token)
    assert idempotency.scope_of(session_one) == idempotency.scope_of(session_two)
    assert idempotency.scope_of(caller) != idempotency.scope_of(session_one)
    for who in (caller, other_token, session_one):
        async with transaction(caller.tenant_id) as session:
            taken = await idempotency.claim(session, who, "k", "op", "r")
            await idempotency.complete(session, taken, {"id": str(who.credential_id)})
    assert (await claim(session_two, "k")).replay == {"id": str(session_one.credential_id)}
    assert (await claim(other_token, "k")).replay == {"id": str(other_token.credential_id)}


async def test_another_tenants_rows_are_invisible(caller: Principal) -> None:
    async with transaction(caller.tenant_id) as session:
        taken = await idempotency.claim(session, caller, "k", "op", "r")
        await idempotency.complete(session, taken, {"id": "x"})
        await session.execute(
            text("UPDATE idempotency_keys SET created_at = created_at - interval '25 hours'")
        )
    other: TenantFixture = await create_tenant()
    theirs = await principal_of(other.token)
    assert (await claim(theirs, "k")).replay is None  # the same key: theirs, fresh
    async with transaction(other.id) as session:  # row-level security, even for raw SQL
        seen = (await session.execute(text("SELECT tenant_id FROM idempotency_keys"))).all()
        assert [row[0] for row in seen] == [other.id]
        # another tenant's sweep cannot reach the expired row
        assert await idempotency.purge_expired(session, caller.tenant_id) == 0
    async with transaction(caller.tenant_id) as session:
        assert await idempotency.purge_expired(session, caller.tenant_id) == 1
    assert await keys_of(other.id) == 1


@pytest.mark.parametrize("key", ["", " a", "a ", "a" * 256, "a\tb", "a\nb", "é", "\x00", "a\x7fb"])
def test_malformed_keys(key: str) -> None:
    with pytest.raises(BadUserInput, match="1 to 255 printable ASCII"):
        idempotency.checked_key(key)


@pytest.mark.parametrize("key", ["a", "a b", "a" * 255, "~!@#$%^&*()_+{}|:<>?`-=[];',./\""])
def test_wellformed_keys(key: str) -> None:
    assert idempotency.checked_key(key) == key
