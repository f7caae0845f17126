"""Four-eyes promotion: a stage the tenant's policy guards is reached only through a
request that someone else holding ``models:approve`` approves; the requester never can,
whatever their roles. Requests expire, can be withdrawn, and every step is audited."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from phantom.approvals.models import PromotionRequest
from phantom.db import transaction
from phantom.kit.rows import utcnow
from tests.approvals.conftest import World
from tests.support.fixtures import TenantFixture, error_codes, gql

pytestmark = pytest.mark.slow  # each model version is a real fit in a child process

FIELDS = """id modelVersionId modelName version stage justification status requestedBy
  requestedAt expiresAt decidedBy decidedAt comment reportSha256 canDecide"""
REQUEST = (
    f"""mutation($i: RequestPromotionInput!) {{ requestPromotion(input: $i) {{ {FIELDS} }} }}"""
)
DECIDE = f"""mutation($id: ID!, $approve: Boolean!, $comment: String) {{
  decidePromotion(id: $id, approve: $approve, comment: $comment) {{ {FIELDS} }} }}"""
WITHDRAW = f"mutation($id: ID!) {{ withdrawPromotionRequest(id: $id) {{ {FIELDS} }} }}"
PROMOTE = """mutation($id: ID!, $stage: ModelStage!) {
  promoteModelVersion(id: $id, stage: $stage) { id stage } }"""
VERSION = f"""query($id: ID!) {{ modelVersion(id: $id) {{ id stage approvals {{ {FIELDS} }} }} }}"""
LISTING = f"""query($status: PromotionStatus) {{ promotionRequests(status: $status, first: 100) {{
  totalCount edges {{ node {{ {FIELDS} }} }} }} }}"""
COUNT = "{ pendingPromotionCount }"
POLICY = """{ promotionPolicy { productionRequiresApproval stagingRequiresApproval
  requestTtlHours isDefault } }"""
SET_POLICY = """mutation($i: SetPromotionPolicyInput!) { setPromotionPolicy(input: $i) {
  productionRequiresApproval stagingRequiresApproval requestTtlHours isDefault } }"""
AUDIT = """query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) {
  edges { node { action resourceId details actor { type userId label } } } } }"""


def ask(
    version_id: str, stage: str = "PRODUCTION", why: str = "holdout AUC 0.91"
) -> dict[str, Any]:
    return {"i": {"modelVersionId": version_id, "stage": stage, "justification": why}}


async def request(
    client: httpx.AsyncClient, headers: dict[str, str], version_id: str, stage: str = "PRODUCTION"
) -> dict[str, Any]:
    body = await gql(client, REQUEST, ask(version_id, stage), headers)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["requestPromotion"]
    return found


async def stage_of(client: httpx.AsyncClient, tenant: TenantFixture, version_id: str) -> str:
    body = await gql(client, VERSION, {"id": version_id}, tenant.bearer)
    stage: str = body["data"]["modelVersion"]["stage"]
    return stage


async def pending_count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    body = await gql(client, COUNT, None, headers)
    assert "errors" not in body, body
    count: int = body["data"]["pendingPromotionCount"]
    return count


async def audit_of(
    client: httpx.AsyncClient, tenant: TenantFixture, resource_id: str, action: str
) -> list[dict[str, Any]]:
    wanted = {"action": action} | ({"resourceId": resource_id} if resource_id else {})
    body = await gql(client, AUDIT, {"f": wanted}, tenant.bearer)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["auditEvents"]["edges"]]


async def test_the_requester_cannot_approve_and_another_holder_promotes(
    client: httpx.AsyncClient, world: World
) -> None:
    tenant, v1, v3 = world.tenant, world.versions[0], world.versions[2]
    before = await pending_count(client, tenant.bearer)
    # given: the owner (who holds every permission, models:approve included) asks
    asked = await request(client, tenant.bearer, v1)
    assert (asked["status"], asked["stage"], asked["modelName"], asked["version"]) == (
        "PENDING",
        "PRODUCTION",
        "Fraud",
        1,
    )
    assert asked["canDecide"] is False  # their own
    assert asked["justification"] == "holdout AUC 0.91"
    assert asked["requestedBy"]
    assert asked["reportSha256"] is None
    assert await pending_count(client, tenant.bearer) == before + 1

    # then: the requester cannot decide it, whatever their roles
    for approve in (True, False):
        refused = await gql(
            client, DECIDE, {"id": asked["id"], "approve": approve, "comment": "x"}, tenant.bearer
        )
        assert error_codes(refused) == ["FORBIDDEN"], refused
        assert "four-eyes" in refused["errors"][0]["message"]
    # nor anyone without models:approve (a promoter, a viewer)
    for headers in (world.promoter, world.viewer):
        refused = await gql(client, DECIDE, {"id": asked["id"], "approve": True}, headers)
        assert error_codes(refused) == ["FORBIDDEN"], refused
        assert "models:approve" in refused["errors"][0]["message"]
    # a second request for the same version and stage names the first
    again = await gql(client, REQUEST, ask(v1), world.promoter)
    assert error_codes(again) == ["CONFLICT"], again
    assert asked["id"] in again["errors"][0]["message"]
    assert await stage_of(client, tenant, v1) == "NONE"
    # the approver sees it as theirs to decide
    listed = await gql(client, LISTING, {"status": "PENDING"}, world.approver)
    mine = [
        e["node"]
        for e in listed["data"]["promotionRequests"]["edges"]
        if e["node"]["id"] == asked["id"]
    ]
    assert [m["canDecide"] for m in mine] == [True], listed

    # when: the approver approves
    body = await gql(
        client, DECIDE, {"id": asked["id"], "approve": True, "comment": "checked"}, world.approver
    )
    assert "errors" not in body, body
    decided = body["data"]["decidePromotion"]
    assert (decided["status"], decided["comment"], decided["canDecide"]) == (
        "APPROVED",
        "checked",
        False,
    )
    assert decided["decidedBy"]
    assert decided["decidedAt"]
    # then: the version is in production, and its history shows the request
    assert await stage_of(client, tenant, v1) == "PRODUCTION"
    history = (await gql(client, VERSION, {"id": v1}, tenant.bearer))["data"]["modelVersion"][
        "approvals"
    ]
    assert [(h["id"], h["status"]) for h in history] == [(asked["id"], "APPROVED")]
    assert await pending_count(client, tenant.bearer) == before
    # and it cannot be decided again, nor requested for the stage it is now in
    again = await gql(
        client, DECIDE, {"id": asked["id"], "approve": False, "comment": "no"}, world.approver
    )
    assert error_codes(again) == ["CONFLICT"], again
    assert error_codes(await gql(client, REQUEST, ask(v1), tenant.bearer)) == ["CONFLICT"]

    # when: the promoter asks for version 3, and the owner (not the requester) approves
    third = await request(client, world.promoter, v3)
    body = await gql(client, DECIDE, {"id": third["id"], "approve": True}, tenant.bearer)
    assert body["data"]["decidePromotion"]["status"] == "APPROVED", body
    # then: as a direct promotion would, it archives the previous production version
    assert await stage_of(client, tenant, v3) == "PRODUCTION"
    assert await stage_of(client, tenant, v1) == "ARCHIVED"

    # all of it is in the audit chain, with who did what
    events = await audit_of(client, tenant, asked["id"], "registry.promotion.")
    by_action = {e["action"]: e for e in events}
    assert sorted(by_action) == ["registry.promotion.approved", "registry.promotion.requested"]
    assert (
        by_action["registry.promotion.requested"]["details"]["justification"] == "holdout AUC 0.91"
    )
    assert by_action["registry.promotion.approved"]["details"]["comment"] == "checked"
    requester = by_action["registry.promotion.requested"]["actor"]["userId"]
    approver = by_action["registry.promotion.approved"]["actor"]["userId"]
    assert requester
    assert approver
    assert requester != approver
    # and the registry's own promotion event names the request
    promoted = await audit_of(client, tenant, v1, "registry.model_version.promoted")
    assert promoted[0]["details"]["promotion_request_id"] == asked["id"], promoted
    assert promoted[0]["actor"]["userId"] == approver


async def test_rejection_needs_a_comment_and_keeps_the_stage(
    client: httpx.AsyncClient, world: World
) -> None:
    tenant, v2 = world.tenant, world.versions[1]
    asked = await request(client, world.promoter, v2)
    silent = await gql(client, DECIDE, {"id": asked["id"], "approve": False}, world.approver)
    assert error_codes(silent) == ["BAD_USER_INPUT"], silent
    body = await gql(
        client, DECIDE, {"id": asked["id"], "approve": False, "comment": "  "}, world.approver
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    body = await gql(
        client,
        DECIDE,
        {"id": asked["id"], "approve": False, "comment": "calibration is off"},
        world.approver,
    )
    assert body["data"]["decidePromotion"]["status"] == "REJECTED", body
    assert await stage_of(client, tenant, v2) == "NONE"
    (event,) = await audit_of(client, tenant, asked["id"], "registry.promotion.rejected")
    assert event["details"]["comment"] == "calibration is off"


async def test_only_the_requester_withdraws(client: httpx.AsyncClient, world: World) -> None:
    tenant, v2 = world.tenant, world.versions[1]
    asked = await request(client, world.promoter, v2)
    # the owner holds every permission but did not ask
    refused = await gql(client, WITHDRAW, {"id": asked["id"]}, tenant.bearer)
    assert error_codes(refused) == ["FORBIDDEN"], refused
    body = await gql(client, WITHDRAW, {"id": asked["id"]}, world.promoter)
    assert body["data"]["withdrawPromotionRequest"]["status"] == "WITHDRAWN", body
    late = await gql(client, DECIDE, {"id": asked["id"], "approve": True}, world.approver)
    assert error_codes(late) == ["CONFLICT"], late
    assert error_codes(await gql(client, WITHDRAW, {"id": asked["id"]}, world.promoter)) == [
        "CONFLICT"
    ]
    assert await stage_of(client, tenant, v2) == "NONE"
    (event,) = await audit_of(client, tenant, asked["id"], "registry.promotion.withdrawn")
    assert event["actor"]["type"] == "TOKEN"


async def test_an_expired_request_cannot_be_decided_and_housekeeping_marks_it(
    client: httpx.AsyncClient, world: World
) -> None:
    from phantom.approvals.jobs import expire_in

    tenant, v2 = world.tenant, world.versions[1]
    asked = await request(client, world.promoter, v2)
    before = await pending_count(client, tenant.bearer)
    # given: its expiry has passed (the clock moved; the row says when)
    async with transaction(tenant.id) as session:
        await session.execute(
            update(PromotionRequest)
            .where(PromotionRequest.id == uuid.UUID(asked["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    # then: it no longer counts, cannot be decided, and says so
    assert await pending_count(client, tenant.bearer) == before - 1
    body = await gql(client, DECIDE, {"id": asked["id"], "approve": True}, world.approver)
    assert error_codes(body) == ["CONFLICT"], body
    assert "expired" in body["errors"][0]["message"]
    assert await stage_of(client, tenant, v2) == "NONE"
    # when: housekeeping runs (what its actor does for the tenant)
    assert await expire_in(tenant.id) == 1
    assert await expire_in(tenant.id) == 0  # idempotent
    listed = await gql(client, LISTING, {"status": "EXPIRED"}, tenant.bearer)
    assert asked["id"] in [e["node"]["id"] for e in listed["data"]["promotionRequests"]["edges"]]
    (event,) = await audit_of(client, tenant, asked["id"], "registry.promotion.expired")
    assert (event["actor"]["type"], event["actor"]["label"]) == ("SYSTEM", "approvals.housekeeping")
    # and a new request can be made
    fresh = await request(client, world.promoter, v2)
    assert (await gql(client, WITHDRAW, {"id": fresh["id"]}, world.promoter))["data"]


async def test_a_pending_request_past_its_expiry_gives_way_to_a_new_one(
    client: httpx.AsyncClient, world: World
) -> None:
    tenant, v2 = world.tenant, world.versions[1]
    stale = await request(client, world.promoter, v2, "STAGING")
    async with transaction(tenant.id) as session:
        await session.execute(
            update(PromotionRequest)
            .where(PromotionRequest.id == uuid.UUID(stale["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    fresh = await request(client, world.promoter, v2, "STAGING")  # before housekeeping ran
    listed = await gql(client, LISTING, {"status": "EXPIRED"}, tenant.bearer)
    assert stale["id"] in [e["node"]["id"] for e in listed["data"]["promotionRequests"]["edges"]]
    assert (await gql(client, WITHDRAW, {"id": fresh["id"]}, world.promoter))["data"]


async def test_direct_promotion_under_the_policy_is_a_conflict_and_without_it_works(
    client: httpx.AsyncClient, world: World
) -> None:
    other, theirs = world.other, world.theirs
    # the default policy: production needs approval, staging does not
    policy = await gql(client, POLICY, None, other.bearer)
    assert policy["data"]["promotionPolicy"] == {
        "productionRequiresApproval": True,
        "stagingRequiresApproval": False,
        "requestTtlHours": 168,
        "isDefault": True,
    }
    refused = await gql(client, PROMOTE, {"id": theirs, "stage": "PRODUCTION"}, other.bearer)
    assert error_codes(refused) == ["CONFLICT"], refused
    assert (
        "requires a second person's approval: use requestPromotion"
        in refused["errors"][0]["message"]
    )
    assert await stage_of(client, other, theirs) == "NONE"
    staged = await gql(client, PROMOTE, {"id": theirs, "stage": "STAGING"}, other.bearer)
    assert staged["data"]["promoteModelVersion"]["stage"] == "STAGING", staged
    try:
        # when: the owner switches approval off
        off = {
            "productionRequiresApproval": False,
            "stagingRequiresApproval": True,
            "requestTtlHours": 24,
        }
        body = await gql(client, SET_POLICY, {"i": off}, other.bearer)
        assert body["data"]["setPromotionPolicy"] == {**off, "isDefault": False}, body
        # then: production is direct, and staging now needs approval
        live = await gql(client, PROMOTE, {"id": theirs, "stage": "PRODUCTION"}, other.bearer)
        assert live["data"]["promoteModelVersion"]["stage"] == "PRODUCTION", live
        back = await gql(client, PROMOTE, {"id": theirs, "stage": "STAGING"}, other.bearer)
        assert error_codes(back) == ["CONFLICT"], back
        asked = await request(client, other.bearer, theirs, "STAGING")
        lasts = datetime.fromisoformat(asked["expiresAt"]) - datetime.fromisoformat(
            asked["requestedAt"]
        )
        assert lasts == timedelta(hours=24)
        assert (await gql(client, WITHDRAW, {"id": asked["id"]}, other.bearer))["data"]
        # archiving is never held back
        archived = await gql(client, PROMOTE, {"id": theirs, "stage": "ARCHIVED"}, other.bearer)
        assert archived["data"]["promoteModelVersion"]["stage"] == "ARCHIVED", archived
    finally:
        default = {"productionRequiresApproval": True, "stagingRequiresApproval": False}
        body = await gql(client, SET_POLICY, {"i": default}, other.bearer)
        assert body["data"]["setPromotionPolicy"]["requestTtlHours"] == 168, body
    events = await audit_of(client, other, "", "registry.promotion.policy_set")
    assert len(events) >= 2
    assert events[0]["details"]["previous"]["production_requires_approval"] is False


async def test_who_may_set_the_policy_and_what_it_accepts(
    client: httpx.AsyncClient, world: World
) -> None:
    tenant = world.tenant
    off = {"productionRequiresApproval": False, "stagingRequiresApproval": False}
    for headers in (world.admin, world.promoter, world.approver, world.viewer):
        body = await gql(client, SET_POLICY, {"i": off}, headers)
        assert error_codes(body) == ["FORBIDDEN"], body
        assert "promotion_policy:manage" in body["errors"][0]["message"]
    for hours in (0, -1, 24 * 90 + 1, 2**31 - 1):
        body = await gql(
            client, SET_POLICY, {"i": {**off, "requestTtlHours": hours}}, tenant.bearer
        )
        assert error_codes(body) == ["BAD_USER_INPUT"], (hours, body)
    policy = await gql(client, POLICY, None, tenant.bearer)
    assert policy["data"]["promotionPolicy"]["isDefault"] is True


@pytest.mark.parametrize(
    ("why", "stage"),
    [
        ("", "PRODUCTION"),
        ("   \n ", "PRODUCTION"),
        ("x" * 2001, "PRODUCTION"),
        ("ok\x00then", "PRODUCTION"),
        ("because", "NONE"),
        ("because", "ARCHIVED"),
    ],
)
async def test_malformed_requests_are_refused(
    client: httpx.AsyncClient, world: World, why: str, stage: str
) -> None:
    body = await gql(client, REQUEST, ask(world.versions[1], stage, why), world.promoter)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert not body.get("data")


async def test_malformed_ids_and_comments(client: httpx.AsyncClient, world: World) -> None:
    for bad in ("not-an-id", str(uuid.uuid4()), "' OR 1=1 --", "x" * 5000):
        body = await gql(client, REQUEST, ask(bad), world.promoter)
        assert error_codes(body) == ["NOT_FOUND"], body
        for mutation, variables in (
            (DECIDE, {"id": bad, "approve": True}),
            (WITHDRAW, {"id": bad}),
        ):
            body = await gql(
                client,
                mutation,
                variables,
                world.approver if mutation == DECIDE else world.promoter,
            )
            assert error_codes(body) == ["NOT_FOUND"], body
    asked = await request(client, world.promoter, world.versions[1])
    try:
        for comment in ("x" * 1001, "bad\x07bell"):
            body = await gql(
                client,
                DECIDE,
                {"id": asked["id"], "approve": False, "comment": comment},
                world.approver,
            )
            assert error_codes(body) == ["BAD_USER_INPUT"], body
    finally:
        await gql(client, WITHDRAW, {"id": asked["id"]}, world.promoter)


async def test_another_tenant_reaches_none_of_it(client: httpx.AsyncClient, world: World) -> None:
    tenant, other = world.tenant, world.other
    asked = await request(client, world.promoter, world.versions[1])
    try:
        # the other tenant's owner holds every permission in their own tenant
        body = await gql(client, REQUEST, ask(world.versions[1]), other.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
        for approve in (True, False):
            body = await gql(
                client,
                DECIDE,
                {"id": asked["id"], "approve": approve, "comment": "x"},
                other.bearer,
            )
            assert error_codes(body) == ["NOT_FOUND"], body
        body = await gql(client, WITHDRAW, {"id": asked["id"]}, other.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
        listed = await gql(client, LISTING, {"status": None}, other.bearer)
        ids = [e["node"]["id"] for e in listed["data"]["promotionRequests"]["edges"]]
        assert asked["id"] not in ids
        version = await gql(client, VERSION, {"id": world.versions[1]}, other.bearer)
        assert not (version.get("data") or {}).get("modelVersion"), version
        # our pending count is ours: theirs does not include this request
        theirs_before = await pending_count(client, other.bearer)
        ours = await pending_count(client, tenant.bearer)
        assert ours >= 1
        assert theirs_before == 0
        # and the request is untouched
        listed = await gql(client, LISTING, {"status": "PENDING"}, tenant.bearer)
        assert asked["id"] in [
            e["node"]["id"] for e in listed["data"]["promotionRequests"]["edges"]
        ]
        # and we cannot request a promotion of theirs
        body = await gql(client, REQUEST, ask(world.theirs), tenant.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
    finally:
        await gql(client, WITHDRAW, {"id": asked["id"]}, world.promoter)


async def test_a_read_only_member_and_a_revoked_token_can_neither_request_nor_decide(
    client: httpx.AsyncClient, world: World
) -> None:
    from phantom.authz.permissions import P
    from tests.graphql.test_schema_permissions import member_with, principal_of

    tenant = world.tenant
    asked = await request(client, world.promoter, world.versions[1])
    try:
        body = await gql(client, REQUEST, ask(world.versions[1], "STAGING"), world.viewer)
        assert error_codes(body) == ["FORBIDDEN"], body
        body = await gql(client, DECIDE, {"id": asked["id"], "approve": True}, world.viewer)
        assert error_codes(body) == ["FORBIDDEN"], body
        # a member who may do both, whose token is then revoked
        secret = await member_with(tenant, {P.MODELS_READ, P.MODELS_PROMOTE, P.MODELS_APPROVE})
        token_id = (await principal_of(secret)).credential_id
        revoked = await gql(
            client,
            "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
            {"id": str(token_id)},
            tenant.bearer,
        )
        assert revoked["data"]["revokeApiToken"]["revokedAt"], revoked
        gone = {"Authorization": f"Bearer {secret}"}
        body = await gql(client, REQUEST, ask(world.versions[1], "STAGING"), gone)
        assert error_codes(body) == ["UNAUTHENTICATED"], body
        body = await gql(client, DECIDE, {"id": asked["id"], "approve": True}, gone)
        assert error_codes(body) == ["UNAUTHENTICATED"], body
        listed = await gql(client, LISTING, {"status": "PENDING"}, tenant.bearer)
        assert asked["id"] in [
            e["node"]["id"] for e in listed["data"]["promotionRequests"]["edges"]
        ]
    finally:
        await gql(client, WITHDRAW, {"id": asked["id"]}, world.promoter)


SUBSCRIBE = """subscription { promotionRequests { type pendingCount
  request { id status modelName version canDecide requestedBy } } }"""


async def test_the_subscription_delivers_each_change_with_the_pending_count(
    client: httpx.AsyncClient, world: World
) -> None:
    from starlette.requests import Request

    from phantom.graphql.context import Context
    from phantom.graphql.schema import schema
    from tests.graphql.test_schema_permissions import principal_of

    tenant, other = world.tenant, world.other

    async def open_stream(who: TenantFixture) -> Any:
        context = Context(connection=Request({"type": "http", "headers": [], "method": "POST"}))
        context.set_principal(await principal_of(who.token), None)
        context.ws_authorization = f"Bearer {who.token}"
        stream = await schema.subscribe(SUBSCRIBE, context_value=context)
        assert not hasattr(stream, "errors"), stream
        return stream

    before = await pending_count(client, tenant.bearer)
    mine, theirs = await open_stream(tenant), await open_stream(other)
    try:
        first = asyncio.ensure_future(anext(mine))
        leaked = asyncio.ensure_future(anext(theirs))
        await asyncio.sleep(0.3)  # the subscription is live once its generator runs
        asked = await request(client, world.promoter, world.versions[1])
        event = (await asyncio.wait_for(first, 5)).data["promotionRequests"]
        assert (event["type"], event["pendingCount"]) == ("promotion.requested", before + 1)
        assert (event["request"]["id"], event["request"]["modelName"]) == (asked["id"], "Fraud")
        assert event["request"]["canDecide"] is True  # the owner did not ask
        await gql(client, WITHDRAW, {"id": asked["id"]}, world.promoter)
        event = (await asyncio.wait_for(anext(mine), 5)).data["promotionRequests"]
        assert (event["type"], event["pendingCount"]) == ("promotion.withdrawn", before)
        assert event["request"]["status"] == "WITHDRAWN"
        # the other tenant's stream saw nothing
        await asyncio.sleep(0.5)
        assert not leaked.done()
    finally:
        leaked.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await leaked
        await mine.aclose()
        await theirs.aclose()
