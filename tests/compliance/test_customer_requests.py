"""Data subject requests naming a CUSTOMER (a column and a value): found in the tenant's
datasets and prediction log (never another tenant's), reported as downloadable JSON and
CSV, erased into new dataset versions and rewritten log batches under four eyes, with
the models trained on the old versions listed for retraining."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import httpx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from phantom.audit.models import AuditEvent
from phantom.datasets.models import Dataset
from phantom.db import transaction
from phantom.kit.storage import get_store
from phantom.monitoring.models import PredictionBatch
from phantom.monitoring.predictionlog import prediction_log
from phantom.monitoring.predictionlog import verify as verify_log
from tests.audit.support import Member, add_member, verify
from tests.automl.support import upload_frame
from tests.datasets.support import upload
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql
from tests.support.models import payments, train_version

pytestmark = pytest.mark.slow  # a real fit in a child process

FIELDS = """id kind status subjectId subjectKind subjectEmail identifierColumn identifierValue
  report reportJsonUrl reportCsvUrl
  matches { searchedAt predictionRows predictionBatches
            datasets { datasetId name versionNumber rows }
            modelVersions { modelVersionId model version rows } }
  modelsToRetrain { modelVersionId model version stage datasetId datasetName }"""
CREATE = f"""mutation($input: CreateDataSubjectRequestInput!) {{
  createDataSubjectRequest(input: $input) {{ {FIELDS} }} }}"""
APPROVE = f"mutation($id: ID!) {{ approveDataSubjectRequest(id: $id) {{ {FIELDS} }} }}"
EXECUTE = f"mutation($id: ID!) {{ executeDataSubjectRequest(id: $id) {{ {FIELDS} }} }}"
EVENTS = """{ auditEvents(first: 100) {
  edges { node { action details personalData { subjectId data erased } } } } }"""


def customers(rows: int = 200) -> pd.DataFrame:
    """Payments with the customer who made each (C-10023 twice, C-20046 three times)."""
    frame = payments(rows)
    ids = [f"C-{30000 + i}" for i in range(rows)]
    ids[5] = ids[17] = "C-10023"
    ids[8] = ids[9] = ids[60] = "C-20046"
    frame.insert(0, "customer_id", ids)
    return frame


CRM = (
    b"Customer_ID,email,segment\n"
    b" C-10023 ,ann@example.com,retail\n"
    b'C-20046,bob@example.com,=HYPERLINK("http://evil.example")\n'
    b"C-77777,carl@example.com,private\n"
)


async def _upload(
    client: httpx.AsyncClient, tenant: TenantFixture, content: bytes, name: str
) -> str:
    body = await upload(client, tenant.bearer, content, name=name)
    assert "errors" not in body, body
    return str(body["data"]["uploadDataset"]["id"])


async def _predict(
    client: httpx.AsyncClient, tenant: TenantFixture, version_id: str, rows: list[dict[str, Any]]
) -> None:
    response = await client.post(
        f"/api/v1/models/{version_id}/predict", json={"rows": rows}, headers=tenant.bearer
    )
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
async def bank(app: Any) -> dict[str, Any]:
    """A tenant with a model trained on a dataset holding customer ids, a CRM extract,
    and predictions logged for two of the customers; another tenant holding the same
    values."""
    tenant = await create_tenant("Alpha Bank")
    other = await create_tenant("Beta Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        training = await upload_frame(client, tenant.bearer, customers(), "Payments by customer")
        crm = await _upload(client, tenant, CRM, "CRM extract")
        unrelated = await _upload(client, tenant, b"city,code\nParis,C-10023x\n", "Cities")
        version = await train_version(client, tenant, training, "Payments")
        rows = payments(20, seed=3).to_dict("records")
        logged = [
            {**rows[0], "customer_id": "C-10023"},
            {**rows[1], "customer_id": "C-55555"},
            {**rows[2], "customer_id": "C-20046"},
        ]
        await _predict(client, tenant, str(version["id"]), logged)
        await _predict(client, tenant, str(version["id"]), [{**rows[3], "customer_id": "C-20046"}])
        await prediction_log.flush()
        foreign = await _upload(client, other, CRM, "Their CRM")
    return {
        "tenant": tenant,
        "other": other,
        "training": training,
        "crm": crm,
        "unrelated": unrelated,
        "version": version,
        "foreign": foreign,
    }


async def _officers(tenant: TenantFixture) -> tuple[Member, Member]:
    return (
        await add_member(tenant, ["compliance_officer"]),
        await add_member(tenant, ["compliance_officer"]),
    )


def _input(kind: str, column: str, value: str) -> dict[str, Any]:
    return {
        "input": {
            "kind": kind,
            "identifier": {"column": column, "value": value},
            "reason": "Customer letter 2026-118",
        }
    }


async def _create(
    client: httpx.AsyncClient, by: Member, kind: str, column: str, value: str
) -> dict[str, Any]:
    body = await gql(client, CREATE, _input(kind, column, value), by.bearer)
    assert "errors" not in body, body
    created: dict[str, Any] = body["data"]["createDataSubjectRequest"]
    return created


async def _approve_and_execute(
    client: httpx.AsyncClient, requester: Member, approver: Member, request_id: str
) -> dict[str, Any]:
    approved = await gql(client, APPROVE, {"id": request_id}, approver.bearer)
    assert "errors" not in approved, approved
    executed = await gql(client, EXECUTE, {"id": request_id}, requester.bearer)
    assert "errors" not in executed, executed
    done: dict[str, Any] = executed["data"]["executeDataSubjectRequest"]
    return done


async def test_access_finds_the_customer_in_two_datasets_and_the_prediction_log(
    client: httpx.AsyncClient, bank: dict[str, Any]
) -> None:
    tenant: TenantFixture = bank["tenant"]
    requester, approver = await _officers(tenant)
    # when: a request names the customer (column name in another case than the CRM's)
    created = await _create(client, requester, "ACCESS", "customer_id", "C-10023")
    # then: the matches are known at once, without values
    assert created["subjectKind"] == "IDENTIFIER"
    assert (created["identifierColumn"], created["identifierValue"]) == ("customer_id", "C-10023")
    assert created["subjectEmail"] is None
    matches = created["matches"]
    found = {d["name"]: d["rows"] for d in matches["datasets"]}
    assert found == {"Payments by customer": 2, "CRM extract": 1}, "not 'Cities' (C-10023x)"
    assert str(bank["foreign"]) not in json.dumps(matches), "never another tenant's dataset"
    assert matches["predictionRows"] == 1
    assert matches["modelVersions"][0]["model"] == "Payments"
    assert created["reportJsonUrl"] is None, "no report before execution"
    done = await _approve_and_execute(client, requester, approver, created["id"])
    assert done["status"] == "EXECUTED"
    # the report: every row with its values
    report = done["report"]
    datasets = {d["name"]: d for d in report["datasets"]}
    assert {r["customer_id"] for r in datasets["Payments by customer"]["rows"]} == {"C-10023"}
    assert [r["_row"] for r in datasets["Payments by customer"]["rows"]] == [5, 17]
    assert datasets["CRM extract"]["rows"][0]["email"] == "ann@example.com"
    [logged] = report["prediction_log"]
    assert (logged["model"], logged["version"]) == ("Payments", bank["version"]["version"])
    [row] = logged["rows"]
    assert row["inputs"]["customer_id"] == "C-10023"
    assert row["prediction"] is not None
    assert row["scored_at"]
    # downloads: JSON and CSV, attachments, audited
    assert done["reportJsonUrl"] == f"/api/v1/data-subject-requests/{created['id']}/report.json"
    as_json = await client.get(done["reportJsonUrl"], headers=approver.bearer)
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-disposition"].startswith("attachment; filename=")
    assert as_json.json()["report"] == report
    as_csv = await client.get(done["reportCsvUrl"], headers=approver.bearer)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    values = {(r["section"], r["field"], r["value"]) for r in lines}
    assert ("dataset", "email", "ann@example.com") in values
    assert ("prediction_log", "input.customer_id", "C-10023") in values
    assert ("identifier", "value", "C-10023") in values
    async with transaction(tenant.id) as session:
        downloads = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "compliance.report.downloaded")
            )
        ).all()
    assert len(downloads) == 2
    # the chain holds the identifier only as the customer's sealed personal data
    events = await gql(client, EVENTS, {}, tenant.bearer)
    assert "errors" not in events, events
    nodes = [e["node"] for e in events["data"]["auditEvents"]["edges"]]
    assert any(n["action"] == "compliance.request.executed" for n in nodes)
    for node in nodes:
        assert "C-10023" not in json.dumps(node["details"]), node["action"]
    created_event = next(n for n in nodes if n["action"] == "compliance.request.created")
    customer = [p for p in created_event["personalData"] if p["subjectId"] == created["subjectId"]]
    assert [p["data"] for p in customer] == [{"column": "customer_id", "value": "C-10023"}]
    assert (await verify(tenant.id)).ok


async def test_an_unknown_identifier_gives_an_empty_report_not_an_error(
    client: httpx.AsyncClient, bank: dict[str, Any]
) -> None:
    requester, approver = await _officers(bank["tenant"])
    created = await _create(client, requester, "ACCESS", "customer_id", "C-00000")
    assert created["matches"]["datasets"] == []
    assert created["matches"]["predictionRows"] == 0
    done = await _approve_and_execute(client, requester, approver, created["id"])
    assert (done["report"]["datasets"], done["report"]["prediction_log"]) == ([], [])
    response = await client.get(done["reportCsvUrl"], headers=approver.bearer)
    assert response.status_code == 200


async def test_another_tenant_never_sees_the_request_its_report_or_our_rows(
    client: httpx.AsyncClient, bank: dict[str, Any]
) -> None:
    requester, approver = await _officers(bank["tenant"])
    created = await _create(client, requester, "ACCESS", "email", "bob@example.com")
    done = await _approve_and_execute(client, requester, approver, created["id"])
    assert [d["name"] for d in done["report"]["datasets"]] == ["CRM extract"]
    outsider = await add_member(bank["other"], ["compliance_officer"])
    for url in (done["reportJsonUrl"], done["reportCsvUrl"]):
        response = await client.get(url, headers=outsider.bearer)
        assert response.status_code == 404, response.text
        assert "bob@example.com" not in response.text
    unknown = await client.get(
        f"/api/v1/data-subject-requests/{uuid.uuid4()}/report.json", headers=approver.bearer
    )
    assert unknown.status_code == 404
    junk = await client.get("/api/v1/data-subject-requests/x/report.json", headers=approver.bearer)
    assert junk.status_code == 404
    anonymous = await client.get(done["reportJsonUrl"])
    assert anonymous.status_code == 401
    viewer = await add_member(bank["tenant"], ["viewer"])
    assert (await client.get(done["reportJsonUrl"], headers=viewer.bearer)).status_code == 403
    # their own request finds only their own dataset
    theirs = await add_member(bank["other"], ["compliance_officer"])
    mine = await _create(client, theirs, "ACCESS", "customer_id", "C-10023")
    assert [d["datasetId"] for d in mine["matches"]["datasets"]] == [bank["foreign"]]
    assert mine["matches"]["predictionRows"] == 0


async def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
    client: httpx.AsyncClient, bank: dict[str, Any]
) -> None:
    requester, approver = await _officers(bank["tenant"])
    created = await _create(client, requester, "ACCESS", "CUSTOMER_ID", "C-20046")
    done = await _approve_and_execute(client, requester, approver, created["id"])
    response = await client.get(done["reportCsvUrl"], headers=approver.bearer)
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    segments = [r["value"] for r in lines if r["field"] == "segment"]
    assert segments == ['\'=HYPERLINK("http://evil.example")']
    assert all(not r[k].startswith(("=", "+", "-", "@")) for r in lines for k in r)


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ({"column": "customer_id", "value": "   "}, "cannot be empty"),
        ({"column": "", "value": "C-1"}, "column"),
        ({"column": "c" * 201, "value": "C-1"}, "at most 200"),
        ({"column": "customer_id", "value": "v" * 1001}, "at most 1,000"),
        ({"column": "customer_id", "value": "C-1\u202e"}, "control characters"),
    ],
)
async def test_malformed_identifiers_are_refused_clearly(
    client: httpx.AsyncClient, identifier: dict[str, str], message: str
) -> None:
    tenant = await create_tenant()
    requester = await add_member(tenant, ["compliance_officer"])
    variables = {"input": {"kind": "ACCESS", "identifier": identifier, "reason": "x"}}
    body = await gql(client, CREATE, variables, requester.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert message in body["errors"][0]["message"]


async def test_naming_both_or_neither_is_refused_and_unicode_values_work(
    client: httpx.AsyncClient,
) -> None:
    tenant = await create_tenant()
    requester = await add_member(tenant, ["compliance_officer"])
    both = {
        "kind": "ACCESS",
        "subjectEmail": tenant.admin_email,
        "identifier": {"column": "email", "value": "a@b.c"},
        "reason": "x",
    }
    body = await gql(client, CREATE, {"input": both}, requester.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "not both" in body["errors"][0]["message"]
    neither = {"kind": "ACCESS", "reason": "x"}
    body = await gql(client, CREATE, {"input": neither}, requester.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    await _upload(client, tenant, "name,note\nZoë Ångström,日本\n".encode(), "Unicode")
    created = await _create(client, requester, "ACCESS", "NAME", " Zoë Ångström ")
    assert [d["rows"] for d in created["matches"]["datasets"]] == [1]
    # a customer who is not a member: the member path says what to do instead
    member = {"kind": "ACCESS", "subjectEmail": "ann@example.com", "reason": "x"}
    body = await gql(client, CREATE, {"input": member}, requester.bearer)
    assert error_codes(body) == ["NOT_FOUND"]
    assert "customer identifier" in body["errors"][0]["message"]


async def _file(key: str) -> bytes:
    with get_store().open(key) as source:
        data: bytes = source.read()
    return data


async def test_erasure_is_four_eyes_and_removes_the_rows_everywhere(
    client: httpx.AsyncClient, bank: dict[str, Any]
) -> None:
    tenant: TenantFixture = bank["tenant"]
    requester, approver = await _officers(tenant)
    async with transaction(tenant.id) as session:
        old = {
            d.id: d.storage_path
            for d in (await session.scalars(select(Dataset))).all()
            if str(d.id) in (bank["training"], bank["crm"])
        }
        before = {b.id: b.storage_key for b in (await session.scalars(select(PredictionBatch)))}
    created = await _create(client, requester, "ERASURE", "customer_id", "C-20046")
    assert {d["name"]: d["rows"] for d in created["matches"]["datasets"]} == {
        "Payments by customer": 3,
        "CRM extract": 1,
    }
    assert created["matches"]["predictionRows"] == 2
    assert [m["model"] for m in created["modelsToRetrain"]] == ["Payments"]
    # four eyes: the requester cannot approve, nothing runs before approval
    refused = await gql(client, APPROVE, {"id": created["id"]}, requester.bearer)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert "four-eyes" in refused["errors"][0]["message"]
    early = await gql(client, EXECUTE, {"id": created["id"]}, approver.bearer)
    assert error_codes(early) == ["CONFLICT"]
    done = await _approve_and_execute(client, requester, approver, created["id"])
    # the report: where rows went, never the value; models to retrain
    report = done["report"]
    assert "C-20046" not in json.dumps(report)
    assert done["identifierValue"] is None
    assert report["rows_removed"] == 3 + 1 + 2
    assert [m["model_version_id"] for m in report["models_to_retrain"]] == [
        str(bank["version"]["id"])
    ]
    assert report["audit_subject_key_destroyed"] is True
    by_name = {d["name"]: d for d in report["datasets"]}
    assert by_name["Payments by customer"]["rows_removed"] == 3
    # the new dataset versions lack the rows; the old versions' files are gone
    async with transaction(tenant.id) as session:
        rows = {d.id: d for d in (await session.scalars(select(Dataset))).all()}
    for old_id, old_key in old.items():
        assert rows[old_id].status == "SUPERSEDED"
        assert not get_store().exists(old_key), "the old version's file is deleted"
        successor = next(d for d in rows.values() if d.parent_id == old_id)
        assert successor.version_number == 2
        assert successor.status == "READY"
        table = pq.read_table(io.BytesIO(await _file(successor.storage_path)))
        assert "C-20046" not in str(table.to_pydict())
        assert b"C-20046" not in await _file(successor.storage_path)
    training = next(d for d in rows.values() if d.parent_id == uuid.UUID(bank["training"]))
    assert training.row_count == 200 - 3
    # the prediction log: rewritten batches without the rows, digests updated
    async with transaction(tenant.id) as session:
        after = list((await session.scalars(select(PredictionBatch))).all())
    for batch in after:
        data = await _file(batch.storage_key)
        assert b"C-20046" not in data
        assert pq.read_table(io.BytesIO(data)).num_rows == batch.rows
        assert batch.bytes == len(data)
    assert any(b.storage_key != before[b.id] for b in after if b.id in before)
    assert all(
        not get_store().exists(k)
        for b, k in before.items()
        if k not in {a.storage_key for a in after}
    )
    # the value filed with the request is unreadable in the chain now (its key destroyed)
    # (other requests naming the same customer keep their own subject keys)
    events = await gql(client, EVENTS, {}, tenant.bearer)
    named = [
        p
        for e in events["data"]["auditEvents"]["edges"]
        for p in e["node"]["personalData"]
        if p["subjectId"] == created["subjectId"]
    ]
    assert named
    assert all(p == {**p, "data": None, "erased": True} for p in named), named
    # the log still verifies against the chain, and so does the chain
    async with transaction(tenant.id) as session:
        checked = await verify_log(session)
    assert checked.problems == []
    assert (await verify(tenant.id)).ok
    # a new search finds nothing left; other customers are untouched
    again = await _create(client, requester, "ACCESS", "customer_id", "C-20046")
    assert again["matches"]["datasets"] == []
    assert again["matches"]["predictionRows"] == 0
    kept = await _create(client, requester, "ACCESS", "customer_id", "C-10023")
    assert kept["matches"]["predictionRows"] == 1
    assert {d["versionNumber"] for d in kept["matches"]["datasets"]} == {2}
