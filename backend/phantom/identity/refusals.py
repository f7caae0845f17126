"""Refused sign-ins in the organization's audit log, without letting someone who is not
signed in grow that log (and hold its chain lock) at will.

Refusals are counted per (organization, address, method, reason) in a window of
``LOGIN_FAILURE_WINDOW_SECONDS``. The first refusal of a window is recorded; later ones
only when the count reaches 10, 100, 1000, ... (the event carries the count so far). An
organization also gets at most ``TENANT_EVENTS_PER_WINDOW`` such events per window from
all addresses together, then again one per order of magnitude: a flood from many
addresses stays bounded too. Every refusal is still logged (``auth.failed``); the route
throttles each address with its own failure counter (429).
"""

from __future__ import annotations

import uuid

from phantom import audit
from phantom.config import settings
from phantom.kit.ratelimit import FailureCounter

TENANT_EVENTS_PER_WINDOW = 100

_by_source = FailureCounter(
    "phantom:refusals:source", limit=1, window_seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS
)
_by_tenant = FailureCounter(
    "phantom:refusals:tenant", limit=1, window_seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS
)


def _reported(count: int) -> bool:
    """1, 10, 100, 1000, ...: one event per order of magnitude."""
    while count % 10 == 0:
        count //= 10
    return count == 1


async def record_refused_sign_in(
    tenant_id: uuid.UUID,
    *,
    ip: str,
    method: str,
    reason: str,
    user_id: uuid.UUID | None = None,
    email: str | None = None,
) -> None:
    """A refused sign-in to a known organization, aggregated as above, in a transaction
    of its own (the attempt's rolled back). The email tried is personal data: under the
    person's key when they exist, else in the encrypted details."""
    count = await _by_source.fail(f"{tenant_id}:{ip}:{method}:{reason}")
    if not _reported(count):
        return
    events = await _by_tenant.fail(str(tenant_id))
    if events > TENANT_EVENTS_PER_WINDOW and not _reported(events):
        return
    details: dict[str, object] = {
        "method": method,
        "reason": reason,
        "count": count,  # refusals like this one from this address in the window so far
        "window_seconds": settings.LOGIN_FAILURE_WINDOW_SECONDS,
    }
    if events > TENANT_EVENTS_PER_WINDOW:
        details["tenant_events_in_window"] = events  # others were not recorded
    if user_id is None and email:
        details["email_tried"] = email[:320]
    await audit.record_separately(
        tenant_id,
        actor=audit.Actor.anonymous(),
        action="identity.sign_in.refused",
        outcome=audit.Outcome.DENIED,
        resource=("user", user_id) if user_id else None,
        details=details,
        subjects={user_id: {"email": email}} if user_id is not None else None,
    )
