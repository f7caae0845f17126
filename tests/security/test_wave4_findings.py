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
import unicodedata
import uuid
from typing import Any

import httpx
import pytest

from phantom.authz.permissions import P
from phantom.automl import runs
from phantom.automl.supervisor import supervise
from tests.audit.support import Member, add_member
from tests.automl.support import breast_cancer, job, start, upload_frame
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
EVENTS = "{ auditEvents(first: 100) { edges { node { action details } } } }"

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
    assert "C-10002" in shown, "the profile names values"
    assert "zed@example.com" in shown
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


# --- DSR report downloads and the request's paths: who may reach what ---------------------

FORMULAS = (
    b"customer_id,=cmd|' /C calc'!A0,note\n"
    b'C-90001,=1+1,"\t=2+2"\n'
    b'C-90001,@SUM(A1),"\r=3+3"\n'
    b"C-90001,+1,-1\n"
)


@pytest.fixture(scope="module")
async def executed(app: Any) -> dict[str, Any]:
    """A tenant with a dataset whose cells and a column name are spreadsheet formulas, an
    executed ACCESS request naming the customer in them, and another tenant."""
    tenant = await create_tenant("Gamma Bank")
    other = await create_tenant("Delta Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await _dataset(client, tenant, FORMULAS, '=HYPERLINK("http://evil")')
        requester, approver = await _officers(tenant)
        done = await _executed(client, requester, approver, "ACCESS", "customer_id", "C-90001")
    return {
        "tenant": tenant,
        "other": other,
        "dataset": dataset,
        "requester": requester,
        "approver": approver,
        "request": done,
    }


async def test_report_downloads_check_the_permission_before_looking_the_request_up(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    tenant: TenantFixture = executed["tenant"]
    real = executed["request"]["id"]
    # custom roles holding one neighbouring permission each: refused alike for a real id
    # and an unknown one (no oracle for which ids exist)
    for permission in (P.AUDIT_READ, P.INSIGHTS_READ, P.PRIVACY_APPROVE, P.DATASETS_READ):
        token = bearer(await member_with(tenant, {permission}))
        for request_id in (real, str(uuid.uuid4())):
            for kind in ("json", "csv"):
                url = f"/api/v1/data-subject-requests/{request_id}/report.{kind}"
                response = await client.get(url, headers=token)
                assert response.status_code == 403, (permission, response.text)
                assert "C-90001" not in response.text
    # privacy:request alone: the real one is served, an unknown one is 404
    reader = bearer(await member_with(tenant, {P.PRIVACY_REQUEST}))
    ok = await client.get(executed["request"]["reportJsonUrl"], headers=reader)
    assert ok.status_code == 200, ok.text
    missing = await client.get(
        f"/api/v1/data-subject-requests/{uuid.uuid4()}/report.csv", headers=reader
    )
    assert missing.status_code == 404


async def test_report_paths_with_tricks_are_not_found(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    headers = executed["approver"].bearer
    real = executed["request"]["id"]
    for path in (
        f"/api/v1/data-subject-requests/{real}/report.xlsx",
        f"/api/v1/data-subject-requests/{real}/report.json/..",
        f"/api/v1/data-subject-requests/{real}%2F..%2F/report.json",
        f"/api/v1/data-subject-requests/..%2F{real}/report.json",
        "/api/v1/data-subject-requests/00000000-0000-0000-0000-000000000000/report.json",
        f"/api/v1/data-subject-requests/{real}x/report.json",
        f"/api/v1/data-subject-requests/{'9' * 5000}/report.csv",
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code in (404, 405), (path, response.status_code)
        assert "C-90001" not in response.text
    # the same id in capitals or without dashes is the same request (uuid parsing)
    upper = await client.get(
        f"/api/v1/data-subject-requests/{real.upper()}/report.json", headers=headers
    )
    assert upper.status_code == 200


async def test_another_organizations_admin_cannot_reach_the_request_by_any_path(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    other: TenantFixture = executed["other"]
    real = executed["request"]["id"]
    for kind in ("json", "csv"):
        response = await client.get(
            f"/api/v1/data-subject-requests/{real}/report.{kind}", headers=other.bearer
        )
        assert response.status_code == 404, response.text
    read = await gql(
        client, "query($id: ID!) { dataSubjectRequest(id: $id) { id } }", {"id": real}, other.bearer
    )
    assert error_codes(read) == ["NOT_FOUND"], read
    for mutation in (APPROVE, EXECUTE):
        body = await gql(client, mutation, {"id": real}, other.bearer)
        assert error_codes(body) == ["NOT_FOUND"], body
    listed = await gql(client, "{ dataSubjectRequests { totalCount } }", {}, other.bearer)
    assert listed["data"]["dataSubjectRequests"]["totalCount"] == 0


async def test_revoked_deactivated_and_anonymous_callers_get_no_report(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    tenant: TenantFixture = executed["tenant"]
    url = executed["request"]["reportCsvUrl"]
    holder = await add_member(tenant, ["compliance_officer"])
    assert (await client.get(url, headers=holder.bearer)).status_code == 200
    created = await gql(
        client,
        """mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) {
          token apiToken { id } } }""",
        {"i": {"name": "second"}},
        holder.bearer,
    )
    second = created["data"]["createApiToken"]
    assert (await client.get(url, headers=bearer(second["token"]))).status_code == 200
    revoked = await gql(
        client,
        "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
        {"id": second["apiToken"]["id"]},
        holder.bearer,
    )
    assert revoked["data"]["revokeApiToken"]["revokedAt"], revoked
    assert (await client.get(url, headers=bearer(second["token"]))).status_code == 401
    off = await gql(
        client,
        "mutation($u: ID!) { deactivateMember(userId: $u) { id } }",
        {"u": str(holder.user_id)},
        tenant.bearer,
    )
    assert "errors" not in off, off
    assert (await client.get(url, headers=holder.bearer)).status_code == 401
    assert (await client.get(url)).status_code == 401
    forged = await client.get(url, headers={"Authorization": "Bearer phm_" + "A" * 40})
    assert forged.status_code == 401


async def test_report_csv_neutralises_formulas_in_cells_column_names_and_dataset_names(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    response = await client.get(
        executed["request"]["reportCsvUrl"], headers=executed["approver"].bearer
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="data-')
    assert "nosniff" in response.headers["x-content-type-options"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for line in lines[1:] for cell in line]
    assert cells, lines
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "'=cmd|' /C calc'!A0" in cells, "the column name is kept, as text"
    assert '\'=HYPERLINK("http://evil")' in cells, "the dataset's name, as text"
    assert "'\t=2+2" in cells
    # the JSON report keeps the values as they are (JSON is not run by a spreadsheet)
    as_json = await client.get(
        executed["request"]["reportJsonUrl"], headers=executed["approver"].bearer
    )
    rows = as_json.json()["report"]["datasets"][0]["rows"]
    assert {r["note"] for r in rows} == {"\t=2+2", "\r=3+3", "-1"}


async def test_four_eyes_holds_for_a_second_token_and_for_the_owner(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    tenant: TenantFixture = executed["tenant"]
    requester: Member = executed["requester"]
    created = await gql(
        client, CREATE, _input("ERASURE", "customer_id", "C-90001"), requester.bearer
    )
    request_id = created["data"]["createDataSubjectRequest"]["id"]
    minted = await gql(
        client,
        "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
        {"i": {"name": "approver?"}},
        requester.bearer,
    )
    second = bearer(minted["data"]["createApiToken"]["token"])
    assert error_codes(await gql(client, APPROVE, {"id": request_id}, second)) == ["FORBIDDEN"]
    # the owner's own erasure request: they cannot approve it either
    own = await gql(client, CREATE, _input("ERASURE", "customer_id", "C-90001"), tenant.bearer)
    own_id = own["data"]["createDataSubjectRequest"]["id"]
    assert error_codes(await gql(client, APPROVE, {"id": own_id}, tenant.bearer)) == ["FORBIDDEN"]
    # and nobody executes a request nobody approved
    for request in (request_id, own_id):
        body = await gql(client, EXECUTE, {"id": request}, tenant.bearer)
        assert error_codes(body) == ["CONFLICT"] or error_codes(body) == ["BAD_USER_INPUT"], body


async def test_the_identifier_value_is_never_in_clear_in_audit_details_or_errors(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    tenant: TenantFixture = executed["tenant"]
    events = await gql(client, EVENTS, {}, tenant.bearer)
    details = json.dumps([e["node"]["details"] for e in events["data"]["auditEvents"]["edges"]])
    assert "customer_id" in details, "the column is named"
    assert "C-90001" not in details, "the value only under the subject's key"
    secret = "S3CRET-" + "x" * 1000
    body = await gql(client, CREATE, _input("ACCESS", "customer_id", secret), tenant.bearer)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "S3CRET" not in json.dumps(body)


@pytest.mark.parametrize(
    "value", ["%", "C-%", ".*", "C-9000?", "C-9000[0-9]", "' OR '1'='1", "C-90001' --", "*"]
)
async def test_values_that_look_like_sql_regex_or_globs_match_only_themselves(
    client: httpx.AsyncClient, executed: dict[str, Any], value: str
) -> None:
    body = await gql(
        client, CREATE, _input("ACCESS", "customer_id", value), executed["requester"].bearer
    )
    assert "errors" not in body, body
    matches = body["data"]["createDataSubjectRequest"]["matches"]
    assert matches["datasets"] == [], (value, matches)


async def test_a_column_that_no_dataset_has_matches_nothing(
    client: httpx.AsyncClient, executed: dict[str, Any]
) -> None:
    for column in ("*", "%", "customer_id OR 1=1", "note\u00a0", "customer\u2010id"):
        body = await gql(
            client, CREATE, _input("ACCESS", column, "C-90001"), executed["requester"].bearer
        )
        assert "errors" not in body, (column, body)
        assert body["data"]["createDataSubjectRequest"]["matches"]["datasets"] == [], column


# --- DSR search: the same text in another Unicode normal form ----------------------------


async def test_a_customer_stored_in_another_unicode_normal_form_is_still_found_and_erased(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    composed = unicodedata.normalize("NFC", "José Núñez")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    content = f"name,segment\n{decomposed},retail\nAnn Lee,private\n".encode()
    await _dataset(client, tenant, content, "Names as exported")
    requester, approver = await _officers(tenant)
    body = await gql(client, CREATE, _input("ACCESS", "name", composed), requester.bearer)
    assert "errors" not in body, body
    assert [d["rows"] for d in body["data"]["createDataSubjectRequest"]["matches"]["datasets"]] == [
        1
    ]
    done = await _executed(client, requester, approver, "ERASURE", "Name", composed)
    assert done["report"]["rows_removed"] == 1, done["report"]


# --- dataset preview --------------------------------------------------------------------


async def test_the_preview_of_a_superseded_version_is_a_clear_error_not_a_crash(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    dataset = await _dataset(client, tenant, CUSTOMERS, "Customers")
    requester, approver = await _officers(tenant)
    done = await _executed(client, requester, approver, "ERASURE", "customer_id", "C-10002")
    [erased] = done["report"]["datasets"]
    old = await gql(client, PREVIEW, {"id": dataset, "first": 5}, tenant.bearer)
    assert error_codes(old) == ["CONFLICT"], old
    assert erased["new_dataset_id"] in old["errors"][0]["message"], "it names the new version"
    assert "C-10002" not in json.dumps(old)
    new = await gql(client, PREVIEW, {"id": erased["new_dataset_id"], "first": 5}, tenant.bearer)
    assert "errors" not in new, new
    assert [r[0] for r in new["data"]["datasetPreview"]["rows"]] == ["C-10001", "C-10003"]


# --- value: the serving threshold of a model an approver put in production ----------------

PROMOTION_REQUEST = (
    """mutation($i: RequestPromotionInput!) { requestPromotion(input: $i) { id } }"""
)
DECIDE = """mutation($id: ID!) { decidePromotion(id: $id, approve: true) { status } }"""
THRESHOLD = """mutation($id: ID!, $threshold: Float!) {
  setServingThreshold(modelVersionId: $id, threshold: $threshold) { id servingThreshold } }"""


async def _binary_version(client: httpx.AsyncClient, tenant: TenantFixture) -> str:
    """A real binary classifier (breast cancer biopsies), trained for 10 s."""
    dataset = await upload_frame(client, tenant.bearer, breast_cancer(), "Biopsies")
    body = await start(
        client,
        tenant.bearer,
        datasetId=dataset,
        target="diagnosis",
        timeBudgetSeconds=10,
        modelName="Biopsy triage",
    )
    assert "errors" not in body, body
    job_id = body["data"]["startTraining"]["id"]
    claimed = await runs.claim(tenant.id, uuid.UUID(job_id))
    assert claimed is not None
    await supervise(claimed)
    found = await job(client, tenant.bearer, job_id)
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    return str(found["modelVersion"]["id"])


THRESHOLD_REQUEST = """mutation($i: RequestPromotionInput!) {
  requestPromotion(input: $i) { id stage servingThreshold status } }"""
SERVED = "query($id: ID!) { modelVersion(id: $id) { stage servingThreshold } }"


@pytest.mark.slow
async def test_one_person_cannot_change_what_an_approved_production_model_decides(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Finding W4-4 (fixed): under the default policy PRODUCTION needs a second person's
    approval, yet one holder of models:promote could set the production version's serving
    threshold to 1.0 (every case negative): the approved model's decisions changed with no
    approval. Now the change is a promotion request someone else approves."""
    # given: a binary classifier put in production through an approved request
    version = await _binary_version(client, tenant)
    asked = await gql(
        client,
        PROMOTION_REQUEST,
        {"i": {"modelVersionId": version, "stage": "PRODUCTION", "justification": "AUC 0.99"}},
        tenant.bearer,
    )
    assert "errors" not in asked, asked
    approver = bearer(await member_with(tenant, {P.MODELS_READ, P.MODELS_APPROVE}))
    decided = await gql(client, DECIDE, {"id": asked["data"]["requestPromotion"]["id"]}, approver)
    assert decided["data"]["decidePromotion"]["status"] == "APPROVED", decided
    before = (await gql(client, SERVED, {"id": version}, tenant.bearer))["data"]["modelVersion"]
    # when: a data scientist (models:promote, who may not promote to production alone)
    # moves its threshold to 1.0, so production answers "benign" for every biopsy
    scientist = bearer(await member_with(tenant, {P.MODELS_READ, P.MODELS_PROMOTE}))
    moved = await gql(client, THRESHOLD, {"id": version, "threshold": 1.0}, scientist)
    # then: refused like a promotion to production would be, and nothing changed
    assert error_codes(moved) == ["CONFLICT"], moved
    assert "requestPromotion" in moved["errors"][0]["message"]
    after = (await gql(client, SERVED, {"id": version}, tenant.bearer))["data"]["modelVersion"]
    assert after == before
    # the owner of the organization cannot either: it is the policy, not a role
    owned = await gql(client, THRESHOLD, {"id": version, "threshold": 1.0}, tenant.bearer)
    assert error_codes(owned) == ["CONFLICT"], owned
    # the way to change it: a request for the stage it is in, which someone else decides
    change = {"modelVersionId": version, "stage": "PRODUCTION", "justification": "Recall"}
    for bad in (1.5, -0.1):
        refused = await gql(
            client, THRESHOLD_REQUEST, {"i": {**change, "servingThreshold": bad}}, scientist
        )
        assert error_codes(refused) == ["BAD_USER_INPUT"], refused
    same_stage = await gql(client, THRESHOLD_REQUEST, {"i": change}, scientist)
    assert error_codes(same_stage) == ["CONFLICT"], same_stage
    requested = await gql(
        client, THRESHOLD_REQUEST, {"i": {**change, "servingThreshold": 0.3}}, scientist
    )
    request = requested["data"]["requestPromotion"]
    assert (request["status"], request["servingThreshold"]) == ("PENDING", 0.3)
    own = await gql(client, DECIDE, {"id": request["id"]}, scientist)
    assert error_codes(own) == ["FORBIDDEN"], own
    pending = (await gql(client, SERVED, {"id": version}, tenant.bearer))["data"]["modelVersion"]
    assert pending == before  # nothing serves 0.3 until someone else approves
    approved = await gql(client, DECIDE, {"id": request["id"]}, approver)
    assert approved["data"]["decidePromotion"]["status"] == "APPROVED", approved
    served = (await gql(client, SERVED, {"id": version}, tenant.bearer))["data"]["modelVersion"]
    assert served == {"stage": "PRODUCTION", "servingThreshold": 0.3}


# --- readable names: a person this organization erased ----------------------------------

MEMBER_REQUEST = """mutation($input: CreateDataSubjectRequestInput!) {
  createDataSubjectRequest(input: $input) { id } }"""
CREATED_BY = "query($id: ID!) { trainingJob(id: $id) { createdBy } }"


async def test_a_person_erased_here_is_not_named_here_though_another_organization_keeps_them(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: a data scientist who started a training job here and is also invited elsewhere
    person = await add_member(tenant, ["data_scientist"])
    dataset = await upload_frame(client, tenant.bearer, breast_cancer(), "Biopsies")
    started = await start(
        client, person.bearer, datasetId=dataset, target="diagnosis", timeBudgetSeconds=10
    )
    assert "errors" not in started, started
    job_id = started["data"]["startTraining"]["id"]
    named = await gql(client, CREATED_BY, {"id": job_id}, tenant.bearer)
    name = named["data"]["trainingJob"]["createdBy"]
    assert name, named
    invited = await gql(
        client,
        "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { member { id } } }",
        {"i": {"email": person.email, "roles": ["viewer"]}},
        other_tenant.bearer,
    )
    assert "errors" not in invited, invited
    # when: this organization erases them (four eyes)
    requester, approver = await _officers(tenant)
    created = await gql(
        client,
        MEMBER_REQUEST,
        {"input": {"kind": "ERASURE", "subjectEmail": person.email, "reason": "Art. 17"}},
        requester.bearer,
    )
    request_id = created["data"]["createDataSubjectRequest"]["id"]
    assert "errors" not in await gql(client, APPROVE, {"id": request_id}, approver.bearer)
    executed = await gql(client, EXECUTE, {"id": request_id}, requester.bearer)
    assert executed["data"]["executeDataSubjectRequest"]["status"] == "EXECUTED", executed
    # then: this organization's pages no longer name them
    after = await gql(client, CREATED_BY, {"id": job_id}, tenant.bearer)
    assert "errors" not in after, after
    assert after["data"]["trainingJob"]["createdBy"] in (None, "Erased person"), after


# --- the readable audit log: names only for who may read them; other tenants' ids ------

READABLE = """query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) {
  totalCount edges { node { action actor { userId displayName }
  resource { type id name path } } } } }"""


async def test_audit_names_follow_the_viewers_permissions_and_other_tenants_ids_find_nothing(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    # given: a dataset here (an event naming the owner and the dataset) and one there
    ours = await _dataset(client, tenant, CUSTOMERS, "Secret merger targets")
    theirs = await _dataset(client, other_tenant, CUSTOMERS, "Their customers")
    owner = await gql(client, "{ viewer { id } }", {}, tenant.bearer)
    their_owner = await gql(client, "{ viewer { id } }", {}, other_tenant.bearer)
    their_id = their_owner["data"]["viewer"]["id"]
    # an auditor holding audit:read alone sees what happened, not names
    auditor = bearer(await member_with(tenant, {P.AUDIT_READ}))
    seen = await gql(client, READABLE, {"f": None}, auditor)
    assert "errors" not in seen, seen
    nodes = [e["node"] for e in seen["data"]["auditEvents"]["edges"]]
    assert any(n["resource"] and n["resource"]["id"] == ours for n in nodes), nodes
    text = json.dumps(nodes)
    assert "Secret merger targets" not in text
    people = [n["actor"]["displayName"] for n in nodes if n["actor"]["userId"]]
    assert people, nodes
    assert set(people) == {None}, people
    # the owner sees the names
    named = await gql(client, READABLE, {"f": {"resourceId": ours}}, tenant.bearer)
    assert "Secret merger targets" in json.dumps(named)
    assert owner["data"]["viewer"]["id"]
    # filters naming the other organization's owner or dataset find nothing here
    for f in (
        {"actorId": their_id},
        {"subjectId": their_id},
        {"resourceId": their_id},
        {"resourceId": theirs},
        {"resourceType": "dataset", "resourceId": theirs},
    ):
        found = await gql(client, READABLE, {"f": f}, tenant.bearer)
        assert "errors" not in found, (f, found)
        assert found["data"]["auditEvents"]["totalCount"] == 0, (f, found)
        assert "Their customers" not in json.dumps(found)


async def test_the_preview_checks_permission_before_lookup_tenant_and_bounds(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    long_cell = "x" * 100_000
    content = f"customer_id,note\nC-1,{long_cell}\n".encode()
    dataset = await _dataset(client, tenant, content, "Notes")
    for permission in (P.INSIGHTS_READ, P.AUDIT_READ, P.PRIVACY_REQUEST):
        token = bearer(await member_with(tenant, {permission}))
        for target in (dataset, str(uuid.uuid4())):
            body = await gql(client, PREVIEW, {"id": target, "first": 5}, token)
            assert error_codes(body) == ["FORBIDDEN"], (permission, body)
    theirs = await gql(client, PREVIEW, {"id": dataset, "first": 5}, other_tenant.bearer)
    assert error_codes(theirs) == ["NOT_FOUND"], theirs
    assert "C-1" not in json.dumps(theirs)
    for first in (0, -1, 101, 2**31 - 1):
        body = await gql(client, PREVIEW, {"id": dataset, "first": first}, tenant.bearer)
        assert error_codes(body) == ["BAD_USER_INPUT"], (first, body)
    shown = await gql(client, PREVIEW, {"id": dataset, "first": 100}, tenant.bearer)
    [[customer, note]] = shown["data"]["datasetPreview"]["rows"]
    assert customer == "C-1"
    assert len(note) == 200
    assert note.endswith("…")


async def test_privacy_request_alone_does_not_reveal_dataset_names_or_value_counts(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Finding W4-6: privacy:request alone ran an identifier search over every dataset and
    the prediction log, and its matches named the datasets and counted rows for any column
    and value (an oracle over the data). Now naming a customer also needs datasets:read and
    models:read; a member's email still needs only privacy:request."""
    await _dataset(client, tenant, CUSTOMERS, "Secret merger targets")
    privacy_only = bearer(await member_with(tenant, {P.PRIVACY_REQUEST}))
    body = await gql(client, CREATE, _input("ACCESS", "segment", "private"), privacy_only)
    assert error_codes(body) == ["FORBIDDEN"], body
    assert "datasets:read and models:read" in body["errors"][0]["message"]
    assert "Secret merger targets" not in json.dumps(body)
    with_data = bearer(await member_with(tenant, {P.PRIVACY_REQUEST, P.DATASETS_READ}))
    body = await gql(client, CREATE, _input("ACCESS", "segment", "private"), with_data)
    assert error_codes(body) == ["FORBIDDEN"], body
    assert body["errors"][0]["message"].endswith("needs models:read.")


# --- DSR erasure: what earlier requests about the same customer kept ---------------------

REQUEST_READ = """query($id: ID!) { dataSubjectRequest(id: $id) {
  identifierValue report reportJsonUrl } }"""
PERSONAL = """{ auditEvents(first: 100) { edges { node { action
  personalData { subjectId data erased } } } } }"""


async def test_an_erasure_also_erases_earlier_requests_about_the_same_customer(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    await _dataset(client, tenant, CUSTOMERS, "Customers")
    requester, approver = await _officers(tenant)
    # given: the customer first asked what we hold (access report with their rows)
    access = await _executed(client, requester, approver, "ACCESS", "customer_id", "C-10002")
    assert "zed@example.com" in json.dumps(access["report"])
    neighbour = await _executed(client, requester, approver, "ACCESS", "customer_id", "C-10001")
    # when: they then ask to be erased (named with another case and spaces)
    erased = await _executed(client, requester, approver, "ERASURE", "CUSTOMER_ID", " C-10002 ")
    assert erased["report"]["rows_removed"] == 1
    assert erased["report"]["earlier_requests_erased"] == [access["id"]]
    # then: nothing readable about them remains in the earlier request either
    read = await gql(client, REQUEST_READ, {"id": access["id"]}, tenant.bearer)
    assert "errors" not in read, read
    text = json.dumps(read["data"]["dataSubjectRequest"])
    assert "C-10002" not in text, text
    assert "zed@example.com" not in text, text
    for kind in ("json", "csv"):
        url = f"/api/v1/data-subject-requests/{access['id']}/report.{kind}"
        response = await client.get(url, headers=tenant.bearer)
        assert "zed@example.com" not in response.text, (kind, response.text[:300])
        assert "C-10002" not in response.text, kind
    events = await gql(client, PERSONAL, {}, tenant.bearer)
    assert "C-10002" not in json.dumps(events), "no request event still reads the value"
    assert "C-10001" in json.dumps(events), "another customer's request is untouched"
    kept = await gql(client, REQUEST_READ, {"id": neighbour["id"]}, tenant.bearer)
    assert kept["data"]["dataSubjectRequest"]["identifierValue"] == "C-10001"
    assert "ann@example.com" in json.dumps(kept["data"]["dataSubjectRequest"]["report"])


MEMBER_FIELDS = "id status subjectEmail report"


async def _member_request(
    client: httpx.AsyncClient, requester: Member, approver: Member, kind: str, email: str
) -> dict[str, Any]:
    created = await gql(
        client,
        MEMBER_REQUEST,
        {"input": {"kind": kind, "subjectEmail": email, "reason": "Ticket 4711"}},
        requester.bearer,
    )
    assert "errors" not in created, created
    request_id = created["data"]["createDataSubjectRequest"]["id"]
    approved = await gql(client, APPROVE, {"id": request_id}, approver.bearer)
    assert "errors" not in approved, approved
    done = await gql(
        client,
        f"mutation($id: ID!) {{ executeDataSubjectRequest(id: $id) {{ {MEMBER_FIELDS} }} }}",
        {"id": request_id},
        requester.bearer,
    )
    assert "errors" not in done, done
    executed: dict[str, Any] = done["data"]["executeDataSubjectRequest"]
    return executed


async def test_a_member_erasure_also_erases_earlier_access_reports_about_them(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    person = await add_member(tenant, ["viewer"])
    requester, approver = await _officers(tenant)
    access = await _member_request(client, requester, approver, "ACCESS", person.email)
    assert person.email in json.dumps(access["report"]), access
    erased = await _member_request(client, requester, approver, "ERASURE", person.email)
    assert erased["status"] == "EXECUTED", erased
    assert erased["report"]["earlier_requests_erased"] == [access["id"]], erased
    read = await gql(
        client,
        f"query($id: ID!) {{ dataSubjectRequest(id: $id) {{ {MEMBER_FIELDS} }} }}",
        {"id": access["id"]},
        tenant.bearer,
    )
    assert "errors" not in read, read
    assert person.email not in json.dumps(read), read
    for kind in ("json", "csv"):
        url = f"/api/v1/data-subject-requests/{access['id']}/report.{kind}"
        response = await client.get(url, headers=tenant.bearer)
        assert person.email not in response.text, (kind, response.text[:300])
