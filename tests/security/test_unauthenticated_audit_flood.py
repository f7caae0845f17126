"""Issue 10, item 9: nobody signed in may grow an organization's audit log at will.

A flood of refused SSO callbacks, or of password attempts on an organization that
requires SSO, from one address: a bounded number of audit events (aggregated, with a
count), then 429s.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.sso.helpers import configure_sso
from tests.support import oidc_provider
from tests.support.fixtures import TenantFixture

idp = oidc_provider.idp  # the session-wide provider fixture (tests/sso has it in conftest)

FLOOD = 120
MAX_EVENTS = 5  # the first refusal, then one per order of magnitude


def one_address(app: Any, ip: str) -> httpx.AsyncClient:
    from phantom.config import settings

    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url=settings.BASE_URL.rstrip("/"))


@pytest.fixture
async def attacker(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """One address of its own (TEST-NET-3), so the flood throttles nobody else."""
    async with one_address(app, f"203.0.113.{uuid.uuid4().int % 250 + 1}") as http:
        yield http


async def refusals_in_audit_log(tenant: TenantFixture) -> list[dict[str, Any]]:
    from sqlalchemy import text

    from phantom.db import transaction

    async with transaction(tenant.id) as session:
        rows = await session.execute(
            text("SELECT outcome FROM audit_events WHERE action = 'identity.sign_in.refused'")
        )
        return [dict(row._mapping) for row in rows]


async def test_a_flood_of_refused_sso_callbacks_is_bounded_then_throttled(
    client: httpx.AsyncClient,
    attacker: httpx.AsyncClient,
    idp: oidc_provider.OidcProvider,
    tenant: TenantFixture,
) -> None:
    # given an organization with SSO
    await configure_sso(client, idp, tenant)
    # when one address sends a flood of forged callbacks
    statuses = []
    for i in range(FLOOD):
        response = await attacker.get(
            f"/auth/sso/{tenant.slug}/callback?code=c{i}&state=forged-{i}"
        )
        statuses.append(response.status_code)
    # then the audit log grew by a bounded number of events, and the flood met 429s
    events = await refusals_in_audit_log(tenant)
    assert 1 <= len(events) <= MAX_EVENTS, f"{len(events)} audit events for {FLOOD} refusals"
    assert statuses[-1] == 429, statuses
    assert statuses[0] == 401  # the IdP announces RFC 9207 iss: a forged callback lacks it


async def test_a_flood_of_passwords_on_an_sso_only_organization_is_bounded_then_throttled(
    client: httpx.AsyncClient,
    attacker: httpx.AsyncClient,
    idp: oidc_provider.OidcProvider,
    tenant: TenantFixture,
) -> None:
    await configure_sso(client, idp, tenant, ssoRequired=True)
    statuses = []
    for i in range(FLOOD):
        response = await attacker.post(
            "/auth/login",
            json={"tenant": tenant.slug, "email": f"u{i}@bank.example", "password": "x" * 12},
        )
        statuses.append(response.status_code)
    events = await refusals_in_audit_log(tenant)
    assert 1 <= len(events) <= MAX_EVENTS, f"{len(events)} audit events for {FLOOD} attempts"
    assert statuses[-1] == 429, statuses
    assert statuses[0] == 403
