"""The audit log as a compliance officer reads it: people by name (erased people as
erased, names only for those the naming rule lets see them), resources by name with
their page, actions in plain English, filters that never reach another tenant, and the
retention screen's purge history and schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from phantom import audit
from phantom.audit import chain, service
from phantom.audit.service import audit_service, subject_data
from phantom.config import settings
from phantom.db import transaction
from phantom.kit.jobs import HOUSEKEEPING_SCHEDULE, PeriodicScheduler, Schedule, broker
from tests.audit.support import (
    Member,
    add_member,
    head_seq,
    record_events,
    set_retention,
    superuser_sql,
)
from tests.automl.support import upload_frame
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql
from tests.support.models import payments
from tests.support.queries import count_queries, selects

EVENTS = """
query($filter: AuditEventFilter) {
  auditEvents(first: 50, filter: $filter) {
    totalCount
    edges { node { seq action actionLabel outcome
      actor { type userId label displayName erased }
      resource { type id name path } } }
  }
}
"""
CREATE_ROLE = "mutation($input: CreateRoleInput!) { createRole(input: $input) { name } }"
DELETE_DATASET = "mutation($id: ID!) { deleteDataset(id: $id) }"
PURGES = "{ auditPurgeHistory(first: 10) { at throughSeq purged cutoff detailsDays } }"
SCHEDULE = "{ auditRetentionSchedule { intervalSeconds lastRunAt nextRunAt } }"
LABELS = "{ auditActionLabels { code label } }"


def _local_part(member: Member) -> str:
    """An invitation without a display name names the person by their email's local part."""
    return member.email.split("@", 1)[0]


async def _events(
    client: httpx.AsyncClient, who: dict[str, str], **filter: str
) -> tuple[int, list[dict[str, Any]]]:
    body = await gql(client, EVENTS, {"filter": filter}, who)
    assert "errors" not in body, body
    found = body["data"]["auditEvents"]
    return found["totalCount"], [e["node"] for e in found["edges"]]


async def _upload(client: httpx.AsyncClient, who: Member, name: str) -> str:
    return await upload_frame(client, who.bearer, payments(), name)


async def test_events_name_the_person_the_resource_and_the_action(
    client: httpx.AsyncClient,
) -> None:
    # given: a data scientist uploads a dataset
    tenant = await create_tenant()
    officer = await add_member(tenant, ["compliance_officer"])
    scientist = await add_member(tenant, ["data_scientist"])
    dataset_id = await _upload(client, scientist, "Card payments")
    # when: the officer looks the dataset up in the log
    total, events = await _events(
        client, officer.bearer, resourceType="dataset", resourceId=dataset_id
    )
    # then: who, what and which, in words, with the dataset's page
    assert total == 1
    (uploaded,) = events
    assert uploaded["action"] == "datasets.dataset.uploaded"
    assert uploaded["actionLabel"] == "Uploaded a dataset"
    assert uploaded["actor"]["displayName"] == _local_part(scientist)
    assert uploaded["actor"]["erased"] is False
    assert uploaded["resource"] == {
        "type": "dataset",
        "id": dataset_id,
        "name": "Card payments",
        "path": f"/data/{dataset_id}",
    }
    # filtering by the person (the member picker's user id) finds their events only
    total, mine = await _events(client, officer.bearer, actorId=str(scientist.user_id))
    assert total >= 2  # signing in through the token flow, the upload
    assert {e["actor"]["displayName"] for e in mine} == {_local_part(scientist)}
    # a deleted dataset has no name any more: the SPA shows its kind and a short id
    assert "errors" not in await gql(client, DELETE_DATASET, {"id": dataset_id}, scientist.bearer)
    _, after = await _events(client, officer.bearer, resourceType="dataset", resourceId=dataset_id)
    assert [(e["action"], e["resource"]["name"], e["resource"]["path"]) for e in after] == [
        ("datasets.dataset.deleted", None, None),
        ("datasets.dataset.uploaded", None, None),
    ]


async def test_system_actors_show_their_label_and_unknown_codes_no_label(
    client: httpx.AsyncClient,
) -> None:
    tenant = await create_tenant()
    await record_events(tenant.id, 1)  # actor: system "tests", action "tests.event.recorded"
    _, events = await _events(client, tenant.bearer, action="tests.event.recorded")
    (event,) = events
    assert event["actor"] == {
        "type": "SYSTEM",
        "userId": None,
        "label": "tests",
        "displayName": "tests",
        "erased": False,
    }
    assert event["actionLabel"] is None  # the SPA shows the code itself
    assert event["resource"] == {"type": "test", "id": "0", "name": None, "path": None}


async def test_an_erased_person_shows_as_erased(client: httpx.AsyncClient) -> None:
    # given: something a viewer did, and a change to them, both in the log
    tenant = await create_tenant()
    viewer = await add_member(tenant, ["viewer"])
    async with transaction(tenant.id) as session:
        await audit.record(
            session,
            actor=audit.Actor(audit.ActorType.USER, user_id=viewer.user_id),
            action="identity.token.created",
            resource=("user", viewer.user_id),
        )
    _, before = await _events(client, tenant.bearer, actorId=str(viewer.user_id))
    assert before[0]["actor"]["displayName"] == _local_part(viewer)
    assert before[0]["resource"]["name"] == _local_part(viewer)
    # when: an erasure destroys their key (here: none existed, so it leaves a tombstone)
    async with transaction(tenant.id) as session:
        await subject_data.shred(session, viewer.user_id)
    # then
    _, after = await _events(client, tenant.bearer, actorId=str(viewer.user_id))
    assert after
    for event in after:
        assert (event["actor"]["displayName"], event["actor"]["erased"]) == (
            "Erased person",
            True,
        )
    assert after[0]["resource"] == {
        "type": "user",
        "id": str(viewer.user_id),
        "name": "Erased person",
        "path": None,
    }


async def test_names_follow_the_naming_rule_for_a_member_without_datasets_read(
    client: httpx.AsyncClient,
) -> None:
    # given: an auditor role that may search the log but not read datasets
    tenant = await create_tenant()
    role = {"input": {"name": "log_reader", "permissions": ["audit:read"]}}
    assert "errors" not in await gql(client, CREATE_ROLE, role, tenant.bearer)
    reader = await add_member(tenant, ["log_reader"])
    scientist = await add_member(tenant, ["data_scientist"])
    dataset_id = await _upload(client, scientist, "Card payments")
    # when
    _, events = await _events(client, reader.bearer, resourceType="dataset", resourceId=dataset_id)
    # then: the event, its label and ids, but no person's or dataset's name (members'
    # names need datasets:read everywhere they are shown)
    (uploaded,) = events
    assert uploaded["actionLabel"] == "Uploaded a dataset"
    assert uploaded["actor"]["userId"] == str(scientist.user_id)
    assert uploaded["actor"]["displayName"] is None
    assert (uploaded["resource"]["name"], uploaded["resource"]["path"]) == (None, None)


async def test_filters_by_another_tenants_person_or_resource_find_nothing(
    client: httpx.AsyncClient,
) -> None:
    alpha, beta = await create_tenant(), await create_tenant()
    scientist = await add_member(alpha, ["data_scientist"])
    dataset_id = await _upload(client, scientist, "Alpha payments")
    beta_officer = await add_member(beta, ["compliance_officer"])
    by_person = await _events(client, beta_officer.bearer, actorId=str(scientist.user_id))
    by_resource = await _events(
        client, beta_officer.bearer, resourceType="dataset", resourceId=dataset_id
    )
    assert (by_person, by_resource) == ((0, []), (0, []))
    # the same filters in the dataset's own tenant do find it
    alpha_total, _ = await _events(
        client, alpha.bearer, resourceType="dataset", resourceId=dataset_id
    )
    assert alpha_total == 1


async def test_action_labels_are_listed_for_the_filter(client: httpx.AsyncClient) -> None:
    tenant = await create_tenant()
    body = await gql(client, LABELS, headers=tenant.bearer)
    labels = {row["code"]: row["label"] for row in body["data"]["auditActionLabels"]}
    assert labels["datasets.dataset.uploaded"] == "Uploaded a dataset"
    assert labels["graphql.upload_dataset"] == "Upload a dataset"
    viewer = await add_member(tenant, ["viewer"])
    assert error_codes(await gql(client, LABELS, headers=viewer.bearer)) == ["FORBIDDEN"]


def _clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(service, "utcnow", lambda: moment)
    monkeypatch.setattr(chain, "utcnow", lambda: moment)


async def test_purge_history_shows_what_was_purged_when(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a 30-day policy, events, and a clock 30 days on
    tenant, other = await create_tenant(), await create_tenant()
    base = await head_seq(tenant.id)
    await set_retention(tenant, 30)
    await record_events(tenant.id, 3)
    last = base + 4
    newest = await superuser_sql(
        "SELECT occurred_at FROM audit_events WHERE tenant_id = $1 AND seq = $2", tenant.id, last
    )
    later = newest[0]["occurred_at"] + timedelta(days=30, microseconds=1)
    assert (await gql(client, PURGES, headers=tenant.bearer))["data"] == {"auditPurgeHistory": []}
    _clock(monkeypatch, later)
    async with transaction(tenant.id) as session:
        purged = await audit_service.apply_retention(session)
    # when
    body = await gql(client, PURGES, headers=tenant.bearer)
    # then: one purge, with what the purge event says
    (run,) = body["data"]["auditPurgeHistory"]
    assert (run["throughSeq"], run["purged"], run["detailsDays"]) == (last, purged, 30)
    assert purged == last - 1
    assert datetime.fromisoformat(run["at"]) == later
    assert run["cutoff"].startswith((later - timedelta(days=30)).date().isoformat())
    # another tenant's history is its own; a member without audit:read is refused
    assert (await gql(client, PURGES, headers=other.bearer))["data"] == {"auditPurgeHistory": []}
    viewer = await add_member(tenant, ["viewer"])
    assert error_codes(await gql(client, PURGES, headers=viewer.bearer)) == ["FORBIDDEN"]
    bad = await gql(client, "{ auditPurgeHistory(first: 0) { at } }", headers=tenant.bearer)
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_the_schedule_shows_the_last_and_next_housekeeping_run(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: no record of a run (as on a fresh Redis)
    lease = f"phantom:scheduler:{HOUSEKEEPING_SCHEDULE}"
    broker.client.delete(lease, f"{lease}:fired")
    never = (await gql(client, SCHEDULE, headers=tenant.bearer))["data"]["auditRetentionSchedule"]
    interval = settings.HOUSEKEEPING_INTERVAL_SECONDS
    assert never == {"intervalSeconds": interval, "lastRunAt": None, "nextRunAt": None}
    # when: the scheduler fires housekeeping (its jobs left out: no worker runs here)
    before = datetime.now(UTC)
    assert PeriodicScheduler([]).tick(Schedule(HOUSEKEEPING_SCHEDULE, interval, ()))
    # then: when it ran, and when it runs next
    found = (await gql(client, SCHEDULE, headers=tenant.bearer))["data"]["auditRetentionSchedule"]
    last, upcoming = (datetime.fromisoformat(found[k]) for k in ("lastRunAt", "nextRunAt"))
    assert before - timedelta(seconds=1) <= last <= datetime.now(UTC)
    assert upcoming - last == timedelta(seconds=interval)
    viewer = await add_member(tenant, ["viewer"])
    assert error_codes(await gql(client, SCHEDULE, headers=viewer.bearer)) == ["FORBIDDEN"]


async def test_names_cost_one_lookup_per_kind_of_resource_not_per_row(
    client: httpx.AsyncClient,
) -> None:
    # given: a log with several kinds of resources (datasets, members, tokens, ...)
    tenant = await create_tenant()
    scientist = await add_member(tenant, ["data_scientist"])
    for name in ("A", "B", "C"):
        await _upload(client, scientist, name)
    query = """query($first: Int!) { auditEvents(first: $first) { edges { node {
      actionLabel actor { displayName erased } resource { name path } } } } }"""

    async def cost(first: int) -> tuple[int, set[str]]:
        variables = {"query": query, "variables": {"first": first}}
        await client.post("/graphql", json=variables, headers=tenant.bearer)  # warm
        with count_queries() as statements:
            response = await client.post("/graphql", json=variables, headers=tenant.bearer)
        kinds = {
            e["node"]["resource"]["path"].split("/")[1]
            for e in response.json()["data"]["auditEvents"]["edges"]
            if e["node"]["resource"] and e["node"]["resource"]["path"]
        }
        return len(selects(statements)), kinds

    one, _ = await cost(1)
    many, kinds = await cost(50)
    # then: a page of every event costs at most one more lookup per kind named on it
    assert kinds, "the page names resources"
    assert many <= one + len(kinds), (one, many, kinds)
