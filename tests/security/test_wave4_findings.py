"""Attacks on issue 15's changes: data subject requests naming a customer identifier and
their report downloads, the executive/compliance overviews and value, the readable
audit log, the dataset preview and the demo seeding. Each test performs the attack
through the real API (real PostgreSQL/SQLite stack, real files) and asserts the safe
behaviour, so a test marked ``xfail(strict=True)`` is a finding still open, and an
unmarked one either pins a fixed finding or an attack found to fail."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import httpx
import pytest

from phantom.authz.permissions import P
from tests.audit.support import Member, add_member
from tests.datasets.support import upload
from tests.graphql.test_schema_permissions import member_with
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql

FIELDS = """id status identifierColumn identifierValue reportJsonUrl reportCsvUrl report
  matches { datasets { datasetId name rows } predictionRows }"""
CREATE = f"""mutation($input: CreateDataSubjectRequestInput!) {{
  createDataSubjectRequest(input: $input) {{ {FIELDS} }} }}"""
APPROVE = f"mutation($id: ID!) {{ approveDataSubjectRequest(id: $id) {{ {FIELDS} }} }}"
EXECUTE = f"mutation($id: ID!) {{ executeDataSubjectRequest(id: $id) {{ {FIELDS} }} }}"
DATASET = """query($id: ID!) { dataset(id: $id) { id status
  profile { columns { name minText maxText min max topValues { value } } } } }"""
PREVIEW = """query($id: ID!, $first: Int!) {
  datasetPreview(id: $id, first: $first) { columns rows rowCount } }"""
EVENTS = "{ auditEvents(first: 200) { edges { node { action details } } } }"

CUSTOMERS = (
    b"customer_id,email,segment\n"
    b"C-10001,ann@example.com,retail\n"
    b"C-10002,zed@example.com,private\n"
    b"C-10003,bob@example.com,retail\n"
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _dataset(
    client: httpx.AsyncClient, tenant: TenantFixture, content: bytes, name: str
) -> str:
    body = await upload(client, tenant.bearer, content, name=name)
    assert "errors" not in body, body
    assert body["data"]["uploadDataset"]["status"] == "READY", body
    return str(body["data"]["uploadDataset"]["id"])


def _input(kind: str, column: str, value: str) -> dict[str, Any]:
    return {
        "input": {
            "kind": kind,
            "identifier": {"column": column, "value": value},
            "reason": "Customer letter 2026-118",
        }
    }


async def _executed(
    client: httpx.AsyncClient,
    requester: Member,
    approver: Member,
    kind: str,
    column: str,
    value: str,
) -> dict[str, Any]:
    created = await gql(client, CREATE, _input(kind, column, value), requester.bearer)
    assert "errors" not in created, created
    request_id = created["data"]["createDataSubjectRequest"]["id"]
    approved = await gql(client, APPROVE, {"id": request_id}, approver.bearer)
    assert "errors" not in approved, approved
    executed = await gql(client, EXECUTE, {"id": request_id}, requester.bearer)
    assert "errors" not in executed, executed
    done: dict[str, Any] = executed["data"]["executeDataSubjectRequest"]
    return done


async def _officers(tenant: TenantFixture) -> tuple[Member, Member]:
    return (
        await add_member(tenant, ["compliance_officer"]),
        await add_member(tenant, ["compliance_officer"]),
    )


# --- DSR erasure: the superseded version still names the customer ------------------------


async def test_an_erased_customer_is_not_left_in_the_old_versions_profile(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a small customer file; its profile lists the text columns' top values
    dataset = await _dataset(client, tenant, CUSTOMERS, "Customers")
    before = await gql(client, DATASET, {"id": dataset}, tenant.bearer)
    shown = json.dumps(before["data"]["dataset"]["profile"])
    assert "C-10002" in shown and "zed@example.com" in shown, "the profile names values"
    requester, approver = await _officers(tenant)
    # when: the customer C-10002 is erased (four eyes)
    done = await _executed(client, requester, approver, "ERASURE", "customer_id", "C-10002")
    assert done["status"] == "EXECUTED", done
    [erased] = done["report"]["datasets"]
    assert erased["rows_removed"] == 1
    # then: neither the new version nor the superseded one still shows the customer's
    # identifier or their other values (their email) to anyone reading datasets
    for version in (erased["new_dataset_id"], dataset):
        after = await gql(client, DATASET, {"id": version}, tenant.bearer)
        assert "errors" not in after, after
        text = json.dumps(after["data"]["dataset"])
        assert "C-10002" not in text, (version, text)
        assert "zed@example.com" not in text, (version, text)
