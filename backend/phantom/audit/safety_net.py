"""A safety net under "every mutation is recorded".

The guarantee is the explicit ``audit.record`` call a service makes in the transaction
of its change. This field extension wraps every root mutation and adds what that cannot
give: a mutation that failed or was refused rolled its transaction back, event included,
so the attempt is recorded here in a transaction of its own (outcome ``denied`` or
``failure``); and a successful mutation that recorded nothing gets a fallback event
(``graphql.<field>``, ``fallback: true``) and a warning in the log; a replay of an
idempotent mutation (``kit/idempotency.py``: the first request's result, no work done)
gets the same event with ``replay: true`` instead, and no warning. The fallback is
written after the change committed, so it is not atomic with it: it is a net for a
forgotten call, not a substitute for one.

Arguments are never recorded (they may hold secrets); only their names.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from strawberry.extensions.field_extension import (
    AsyncExtensionResolver,
    FieldExtension,
    SyncExtensionResolver,
)
from strawberry.types import Info

from phantom.audit.chain import Actor, Outcome, record_separately, recorded_actions
from phantom.identity.principal import Principal
from phantom.kit.errors import ErrorCode, PhantomError
from phantom.kit.idempotency import replays

log = logging.getLogger(__name__)


class AuditedMutation(FieldExtension):
    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        recorded: list[str] = []
        replayed: list[str] = []
        token, replay_token = recorded_actions.set(recorded), replays.set(replayed)
        try:
            result = await next_(source, info, **kwargs)
        except Exception as error:
            recorded_actions.reset(token)
            replays.reset(replay_token)
            if not recorded:
                await _record_refusal(info, kwargs, error)
            raise
        recorded_actions.reset(token)
        replays.reset(replay_token)
        if not recorded and replayed:
            await _record(info, kwargs, Outcome.SUCCESS, {"replay": True})
        elif not recorded:
            log.warning("mutation %s recorded no audit event", info.field_name)
            await _record(info, kwargs, Outcome.SUCCESS, {"fallback": True})
        return result


async def _record_refusal(info: Info, arguments: dict[str, Any], error: Exception) -> None:
    code = error.code if isinstance(error, PhantomError) else ErrorCode.INTERNAL
    outcome = refusal_outcome(code)
    if outcome is not None:
        await _record(info, arguments, outcome, {"error_code": code.value})


def refusal_outcome(code: ErrorCode) -> Outcome | None:
    """How a refused or failed operation is recorded; None: not at all (no credential,
    no tenant to record it in)."""
    if code == ErrorCode.UNAUTHENTICATED:
        return None
    return Outcome.DENIED if code == ErrorCode.FORBIDDEN else Outcome.FAILURE


async def _record(
    info: Info, arguments: dict[str, Any], outcome: Outcome, details: dict[str, Any]
) -> None:
    principal = getattr(info.context, "principal", None)
    if principal is None:
        return
    await record_operation(principal, info.python_name, outcome, details, arguments)


async def record_operation(
    principal: Principal,
    field: str,
    outcome: Outcome,
    details: dict[str, Any],
    arguments: Iterable[str],
) -> None:
    """The safety net's event, ``graphql.<field>``, in a transaction of its own. REST
    routes that are a mutation by another way in (REST predict is ``predict``) record
    their refusals through here too: one action, one outcome, whichever the channel."""
    try:
        await record_separately(
            principal.tenant_id,
            actor=Actor.from_principal(principal),
            action=f"graphql.{field}",
            outcome=outcome,
            details={**details, "arguments": sorted(arguments)},
        )
    except Exception:
        # the caller gets the operation's own answer; a lost safety-net event is logged
        log.exception("could not record %s in the audit log", field)


@asynccontextmanager
async def replays_recorded(principal: Principal, field: str) -> AsyncIterator[None]:
    """A REST route that is a mutation by another way in records its replays (an
    idempotency key's first result, answered again) as GraphQL's safety net does."""
    replayed: list[str] = []
    token = replays.set(replayed)
    try:
        yield
    finally:
        replays.reset(token)
    if replayed:
        await record_operation(principal, field, Outcome.SUCCESS, {"replay": True}, ())


def audit_every_mutation(mutation_type: type) -> None:
    """Wrap every field of the merged Mutation root (outermost, so it sees refusals)."""
    definition = mutation_type.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        if not any(isinstance(e, AuditedMutation) for e in field.extensions):
            field.extensions.insert(0, AuditedMutation())
