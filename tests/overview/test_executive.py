"""The executive overview, checked figure by figure against data the fixture made through
the real API, in two tenants that must never see each other's figures."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from phantom.authz.permissions import P
from phantom.authz.roles import Role
from phantom.graphql.context import Context
from phantom.graphql.schema import schema
from tests.alerts.support import open_drift_alert
from tests.graphql.test_schema_permissions import member_with, principal_of
from tests.overview.conftest import BUSINESS_LINE, Side, World, member_of_role
from tests.support.fixtures import error_codes, gql
from tests.support.queries import count_queries

OVERVIEW = """query($p: Int!) { executiveOverview(period: $p) {
  periodDays since until
  modelsInProduction { modelVersionId modelName version owner businessLine
    inProductionSince lastValidatedAt }
  predictionVolume { days { day realtime batch total } realtimeTotal batchTotal total
    previousTotal trend }
  openAlerts { severity count }
  pendingApprovals { count oldestRequestedAt oldestAgeHours }
  training { jobs succeeded finished successRate computeSeconds }
  valueThisMonth { model { modelVersionId } } valueTotals { currency } } }"""


async def overview(
    client: httpx.AsyncClient, headers: dict[str, str], period: int = 30
) -> dict[str, Any]:
    body = await gql(client, OVERVIEW, {"p": period}, headers)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["executiveOverview"]
    return found


ALERTS = "{ alerts(first: 100) { edges { node { severity status } } } }"


async def unresolved_alerts(client: httpx.AsyncClient, side: Side) -> dict[str, int]:
    """What the alerts API lists as not yet resolved, by severity (other tests open some)."""
    body = await gql(client, ALERTS, headers=side.tenant.bearer)
    counts = {"WARNING": 0, "CRITICAL": 0}
    for edge in body["data"]["alerts"]["edges"]:
        if edge["node"]["status"] != "RESOLVED":
            counts[edge["node"]["severity"]] += 1
    return counts


def check_side(
    found: dict[str, Any], side: Side, *, alerts: dict[str, int], business_line: str | None
) -> None:
    # models in production: its own, owned and lined as set, last validated when approved
    # or reported, whichever is newer
    [model] = found["modelsInProduction"]
    assert model["modelVersionId"] == side.production
    assert (model["modelName"], model["version"]) == ("Card fraud", 1)
    assert model["owner"] == "Risk analytics"
    assert model["businessLine"] == business_line
    validated = max(t for t in (side.approved_at, side.reported_at) if t is not None)
    assert datetime.fromisoformat(model["lastValidatedAt"]) == validated
    # prediction volume: today's real-time and batch rows, nothing before
    volume = found["predictionVolume"]
    today = datetime.now(UTC).date().isoformat()
    assert len(volume["days"]) == 30
    assert volume["days"][-1]["day"] == today
    assert volume["days"][-1] == {
        "day": today,
        "realtime": side.realtime_rows,
        "batch": side.batch_rows,
        "total": side.realtime_rows + side.batch_rows,
    }
    assert sum(d["total"] for d in volume["days"][:-1]) == 0
    assert volume["realtimeTotal"] == side.realtime_rows
    assert volume["batchTotal"] == side.batch_rows
    assert volume["total"] == side.realtime_rows + side.batch_rows
    assert (volume["previousTotal"], volume["trend"]) == (0, None)
    # alerts, approvals, training
    assert {a["severity"]: a["count"] for a in found["openAlerts"]} == alerts
    pending = found["pendingApprovals"]
    assert pending["count"] == (1 if side.pending else 0)
    assert (pending["oldestRequestedAt"] is None) == (side.pending is None)
    training = found["training"]
    assert training["jobs"] == training["succeeded"] == training["finished"] == side.jobs
    assert training["successRate"] == 1.0
    assert training["computeSeconds"] == pytest.approx(side.compute_seconds, abs=0.01)
    assert training["computeSeconds"] > 0
    # value: anomaly detectors have no value model (tests/value checks the figures)
    assert (found["valueThisMonth"], found["valueTotals"]) == ([], [])


async def test_every_figure_is_the_tenants_own(client: httpx.AsyncClient, world: World) -> None:
    # when: each tenant's owner reads the overview
    ours = await overview(client, world.ours.tenant.bearer)
    theirs = await overview(client, world.theirs.tenant.bearer)
    # then: each shows exactly its own data (rows, models, alerts, approvals, jobs)
    our_alerts = await unresolved_alerts(client, world.ours)
    assert our_alerts["CRITICAL"] >= 1  # the fixture's drift alert
    check_side(ours, world.ours, alerts=our_alerts, business_line="Retail cards")
    check_side(theirs, world.theirs, alerts={"WARNING": 0, "CRITICAL": 0}, business_line=None)
    # theirs was validated last by its report, ours by its approval
    assert world.theirs.reported_at is not None
    assert world.theirs.reported_at > world.theirs.approved_at
    assert ours["periodDays"] == 30
    assert ours["pendingApprovals"]["oldestAgeHours"] >= 0


async def test_an_executive_reads_it_and_a_member_without_insights_read_is_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    tenant = world.ours.tenant
    executive = await member_of_role(tenant, Role.EXECUTIVE)
    found = await overview(client, executive, 7)
    assert found["periodDays"] == 7
    assert len(found["predictionVolume"]["days"]) == 7
    assert found["modelsInProduction"][0]["modelVersionId"] == world.ours.production
    token = await member_with(tenant, set(P) - {P.INSIGHTS_READ})
    body = await gql(client, OVERVIEW, {"p": 30}, {"Authorization": f"Bearer {token}"})
    assert error_codes(body) == ["FORBIDDEN"]
    assert body.get("data") is None


@pytest.mark.parametrize("period", [0, 1, 14, 31, -7, 365, 2**31 - 1])
async def test_a_period_other_than_7_30_or_90_days_is_bad_input(
    client: httpx.AsyncClient, world: World, period: int
) -> None:
    body = await gql(client, OVERVIEW, {"p": period}, world.ours.tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "7, 30 or 90" in body["errors"][0]["message"]


async def test_a_period_that_is_not_an_int_is_refused_before_running(
    client: httpx.AsyncClient, world: World
) -> None:
    for value in ["30", 2**40, 30.5, None]:
        body = await gql(client, OVERVIEW, {"p": value}, world.ours.tenant.bearer)
        assert body.get("data") is None, (value, body)
        assert body["errors"], (value, body)


async def test_the_overview_costs_the_same_queries_whatever_the_data(
    client: httpx.AsyncClient, world: World
) -> None:
    counts = []
    for side in (world.ours, world.theirs):
        await overview(client, side.tenant.bearer)  # warms the credential cache
        with count_queries() as statements:
            await overview(client, side.tenant.bearer)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    # ours has two versions, a pending request and an alert; theirs has one version
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts


# --- the business line -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["x" * 201, "Retail\ncards", "\u202eevil", "tab\there"])
async def test_a_hostile_or_oversized_business_line_is_bad_input(
    client: httpx.AsyncClient, world: World, value: str
) -> None:
    body = await gql(
        client, BUSINESS_LINE, {"v": world.ours.production, "b": value}, world.ours.tenant.bearer
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "200 printable characters" in body["errors"][0]["message"]


async def test_an_omitted_business_line_clears_it(client: httpx.AsyncClient, world: World) -> None:
    # seen failing first: an omitted nullable argument was a TypeError (INTERNAL)
    side = world.theirs  # its line is None in the other tests too
    body = await gql(
        client,
        "mutation($v: ID!) { setModelBusinessLine(modelVersionId: $v) { businessLine } }",
        {"v": side.production},
        side.tenant.bearer,
    )
    assert "errors" not in body, body
    assert body["data"]["setModelBusinessLine"]["businessLine"] is None


async def test_another_tenants_version_is_not_found_and_unchanged(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await gql(
        client,
        BUSINESS_LINE,
        {"v": world.theirs.production, "b": "Stolen"},
        world.ours.tenant.bearer,
    )
    assert error_codes(body) == ["NOT_FOUND"], body
    theirs = await overview(client, world.theirs.tenant.bearer)
    assert theirs["modelsInProduction"][0]["businessLine"] is None


async def test_setting_the_business_line_needs_models_promote_and_is_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    tenant = world.ours.tenant
    executive = await member_of_role(tenant, Role.EXECUTIVE)
    body = await gql(client, BUSINESS_LINE, {"v": world.ours.production, "b": "Mine"}, executive)
    assert error_codes(body) == ["FORBIDDEN"], body
    events = await gql(
        client,
        """{ auditEvents(first: 5, filter: {action: "registry.model.business_line_set"}) {
          edges { node { action outcome } } } }""",
        headers=tenant.bearer,
    )
    assert "errors" not in events, events
    outcomes = [e["node"]["outcome"] for e in events["data"]["auditEvents"]["edges"]]
    assert "SUCCESS" in [o.upper() for o in outcomes], events


# --- live updates ----------------------------------------------------------------------

UPDATES = "subscription { overviewUpdates { topic occurredAt } }"


async def test_an_alert_opened_tells_subscribers_of_that_tenant_only(world: World) -> None:
    streams = []
    for side in (world.ours, world.theirs):
        context = Context(connection=Request({"type": "http", "headers": [], "method": "POST"}))
        context.set_principal(await principal_of(side.tenant.token), None)
        context.ws_authorization = f"Bearer {side.tenant.token}"
        stream = await schema.subscribe(UPDATES, context_value=context)
        streams.append(stream)
    ours, theirs = streams
    try:
        next_ours = asyncio.ensure_future(anext(ours))  # type: ignore[arg-type]
        next_theirs = asyncio.ensure_future(anext(theirs))  # type: ignore[arg-type]
        await asyncio.sleep(0.3)  # both subscribed
        # when: an alert opens in our tenant
        await open_drift_alert(world.ours.tenant.id, uuid.UUID(world.ours.production), "hour")
        # then: our subscriber is told to refetch, theirs hears nothing
        result = await asyncio.wait_for(next_ours, 5)
        assert not result.errors, result.errors
        assert result.data["overviewUpdates"]["topic"] == "alerts.alert.opened"
        await asyncio.sleep(0.5)
        assert not next_theirs.done()
        next_theirs.cancel()
        with suppress(asyncio.CancelledError):
            await next_theirs  # the generator stops running before it is closed
    finally:
        for stream in streams:
            await stream.aclose()  # type: ignore[union-attr]
