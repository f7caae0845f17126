"""Attacks on the issue-12 refactor (repository base, cross-domain service functions with
no permission check of their own, the identity display-name loader).

Each test performs the attack through the real API (GraphQL and REST, real PostgreSQL
with row-level security) as another organization's admin, a custom-role member, a dead
credential or nobody. The first two tests are findings: they assert the pre-refactor
behaviour and fail while the refactor's change stands. The others pin the properties
that held when probed, so a later change that breaks them fails here."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from phantom.db import transaction
from phantom.identity.sso.provisioning import provision_member
from phantom.identity.tokens import tokens
from tests.audit.support import superuser_sql
from tests.automl.support import start
from tests.security.model_support import ROWS
from tests.support.fixtures import TenantFixture, error_codes, gql
from tests.support.models import train_version, upload_payments

CREATE_ROLE = """mutation($input: CreateRoleInput!) { createRole(input: $input) { name } }"""
JOB = """query($id: ID!) { trainingJob(id: $id) {
  id createdBy dataset { id createdBy } modelVersion { id createdBy } } }"""
JOBS = """query { trainingJobs { edges { node { id createdBy } } } }"""
VERSION = """query($id: ID!) { modelVersion(id: $id) {
  id createdBy dataset { id createdBy } trainingJob { id createdBy } } }"""
VERSIONS = """query { modelVersions { edges { node { id createdBy } } } }"""
CANCEL = """mutation($id: ID!) { cancelTraining(id: $id) { id status createdBy } }"""
PROMOTE = """mutation($id: ID!, $stage: ModelStage!) {
  promoteModelVersion(id: $id, stage: $stage) { id stage createdBy } }"""
PREDICT = """mutation($id: ID!, $rows: JSON!) {
  predict(modelVersionId: $id, rows: $rows) { predictions } }"""
START = """mutation($input: StartTrainingInput!) { startTraining(input: $input) { id } }"""
MY_TOKENS = """query { viewer { apiTokens { edges { node { id name } } } } }"""
REVOKE = """mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }"""


@dataclass(frozen=True, slots=True)
class Bank:
    """An organization with a dataset, a succeeded job, its model version (all created by
    the owner) and a job still queued."""

    tenant: TenantFixture
    owner_name: str
    dataset_id: str
    job_id: str
    version_id: str
    queued_job_id: str


async def bank_with_work(client: httpx.AsyncClient, bank: TenantFixture) -> Bank:
    dataset_id = await upload_payments(client, bank, name="Payroll of Alpha Bank")
    trained = await train_version(client, bank, dataset_id, "alpha-fraud-model")
    queued = await start(
        client,
        bank.bearer,
        datasetId=dataset_id,
        taskType="ANOMALY_DETECTION",
        timeBudgetSeconds=5,
        modelName="alpha-fraud-model",
    )
    assert "errors" not in queued, queued
    return Bank(
        tenant=bank,
        owner_name=bank.admin_email.split("@")[0],
        dataset_id=dataset_id,
        job_id=str(trained["job"]),
        version_id=str(trained["id"]),
        queued_job_id=queued["data"]["startTraining"]["id"],
    )


async def member_with(
    client: httpx.AsyncClient, t: TenantFixture, permissions: list[str]
) -> dict[str, str]:
    """A member whose only role is a custom one (made by the owner through the API) with
    exactly ``permissions``; their API token's headers."""
    role = "r_" + secrets.token_hex(6)
    made = await gql(
        client, CREATE_ROLE, {"input": {"name": role, "permissions": permissions}}, t.bearer
    )
    assert "errors" not in made, made
    email = f"{role}@{t.slug}.example.com"
    async with transaction(t.id) as session:
        await provision_member(
            session,
            tenant_id=t.id,
            email=email,
            display_name=role,
            roles=[role],
            sso_subject=f"test|{role}",
        )
        secret, _ = await tokens.create(session, tenant_id=t.id, email=email, name="t")
    return {"Authorization": f"Bearer {secret}"}


def messages(body: dict[str, Any]) -> str:
    return " ".join(str(e.get("message")) for e in body.get("errors") or [])


def has_data(body: dict[str, Any]) -> bool:
    return any(value is not None for value in (body.get("data") or {}).values())


# --- findings ------------------------------------------------------------------------------


async def test_a_job_s_creator_is_not_shown_to_roles_that_could_not_see_it_before(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Before the refactor ``TrainingJob.createdBy`` went through ``uploader_names``
    (``@requires(datasets:read)``): a credential without datasets:read got FORBIDDEN on
    the field, no name. ``display_name_loader`` checks nothing, so a custom role with only
    training:read (or only training:cancel) now reads who started every job."""
    bank = await bank_with_work(client, tenant)
    # given: custom roles without datasets:read (and without users:read)
    reader = await member_with(client, tenant, ["training:read"])
    canceller = await member_with(client, tenant, ["training:cancel"])
    leaks = []
    # when: the training:read member reads a job, and the list of jobs
    one = await gql(client, JOB, {"id": bank.job_id}, reader)
    if (one.get("data") or {}).get("trainingJob", {}).get("createdBy") is not None:
        leaks.append(f"trainingJob.createdBy={one['data']['trainingJob']['createdBy']!r}")
    listed = await gql(client, JOBS, {}, reader)
    names = {e["node"]["createdBy"] for e in listed["data"]["trainingJobs"]["edges"]} - {None}
    if names:
        leaks.append(f"trainingJobs.createdBy={sorted(names)!r}")
    # when: the training:cancel member cancels the queued job and reads the answer
    cancelled = await gql(client, CANCEL, {"id": bank.queued_job_id}, canceller)
    assert "errors" not in cancelled or error_codes(cancelled) == ["FORBIDDEN"], cancelled
    if (cancelled.get("data") or {}).get("cancelTraining", {}).get("createdBy") is not None:
        leaks.append(
            f"cancelTraining.createdBy={cancelled['data']['cancelTraining']['createdBy']!r}"
        )
    # then: no path names the owner (pre-refactor: FORBIDDEN on createdBy, null)
    assert leaks == [], f"creator's display name {bank.owner_name!r} shown via {leaks}"


async def test_a_version_s_creator_is_not_shown_to_roles_that_could_not_see_it_before(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """The same for ``ModelVersion.createdBy`` ("who started the training"): before, a
    role without datasets:read got FORBIDDEN on it. Now models:read alone reads it, and a
    role *without* models:read (models:promote only) reads it from the promotion's answer."""
    bank = await bank_with_work(client, tenant)
    reader = await member_with(client, tenant, ["models:read"])
    promoter = await member_with(client, tenant, ["models:promote"])
    leaks = []
    one = await gql(client, VERSION, {"id": bank.version_id}, reader)
    if (one.get("data") or {}).get("modelVersion", {}).get("createdBy") is not None:
        leaks.append(f"modelVersion.createdBy={one['data']['modelVersion']['createdBy']!r}")
    listed = await gql(client, VERSIONS, {}, reader)
    names = {e["node"]["createdBy"] for e in listed["data"]["modelVersions"]["edges"]} - {None}
    if names:
        leaks.append(f"modelVersions.createdBy={sorted(names)!r}")
    # a role without models:read: promote, then read the answer
    promoted = await gql(client, PROMOTE, {"id": bank.version_id, "stage": "STAGING"}, promoter)
    answer = (promoted.get("data") or {}).get("promoteModelVersion") or {}
    assert answer.get("stage") == "STAGING", promoted
    if answer.get("createdBy") is not None:
        leaks.append(f"promoteModelVersion.createdBy={answer['createdBy']!r} (no models:read)")
    assert leaks == [], f"creator's display name {bank.owner_name!r} shown via {leaks}"


# --- properties that held when probed ----------------------------------------------------


async def test_another_organization_s_admin_reaches_nothing_through_the_refactored_paths(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    """``Repository.get`` (job, version, dataset, token), the ``for_update`` gets of cancel
    and promote, and the unchecked ``training_data``/``servable`` all run in the caller's
    tenant: another organization's ids answer exactly as unknown ids, name nothing of
    theirs, lock and change nothing."""
    bank = await bank_with_work(client, tenant)
    evil = other_tenant.bearer
    unknown = str(uuid.uuid4())
    bank_token = await gql(client, MY_TOKENS, {}, tenant.bearer)
    bank_token_id = bank_token["data"]["viewer"]["apiTokens"]["edges"][0]["node"]["id"]
    probes: list[tuple[str, str, dict[str, Any], str]] = [
        ("trainingJob", JOB, {"id": bank.job_id}, "id"),
        ("cancelTraining", CANCEL, {"id": bank.queued_job_id}, "id"),
        ("modelVersion", VERSION, {"id": bank.version_id}, "id"),
        ("promoteModelVersion", PROMOTE, {"id": bank.version_id, "stage": "PRODUCTION"}, "id"),
        ("predict", PREDICT, {"id": bank.version_id, "rows": ROWS}, "id"),
        ("revokeApiToken", REVOKE, {"id": bank_token_id}, "id"),
    ]
    secrets_of_bank = [
        tenant.slug,
        tenant.name,
        "Payroll",
        "alpha-fraud-model",
        bank.owner_name + "@",
        bank.job_id,
        bank.version_id,
        bank.dataset_id,
    ]
    for field, query, variables, id_key in probes:
        real = await gql(client, query, variables, evil)
        fake = await gql(client, query, {**variables, id_key: unknown}, evil)
        assert error_codes(real) == ["NOT_FOUND"], (field, real)
        assert not has_data(real), (field, real)
        assert messages(real) == messages(fake), (field, real, fake)
        for secret in secrets_of_bank:
            assert secret not in str(real), (field, secret, real)
    # training on the bank's dataset: NOT_FOUND, as for an unknown id, before any check
    # of the data (training_data runs in the caller's tenant)
    for dataset_id in (bank.dataset_id, unknown):
        started = await gql(
            client,
            START,
            {
                "input": {
                    "datasetId": dataset_id,
                    "taskType": "ANOMALY_DETECTION",
                    "timeBudgetSeconds": 5,
                    "modelName": "alpha-fraud-model",
                }
            },
            evil,
        )
        assert error_codes(started) == ["NOT_FOUND"], started
        assert messages(started) == "Dataset not found.", started
    # REST predict with the bank's version id: the same 404 as an unknown id
    rest = await client.post(
        f"/api/v1/models/{bank.version_id}/predict", json={"rows": ROWS}, headers=evil
    )
    rest_unknown = await client.post(
        f"/api/v1/models/{unknown}/predict", json={"rows": ROWS}, headers=evil
    )
    assert rest.status_code == rest_unknown.status_code == 404, rest.text
    assert without_request_id(rest.json()) == without_request_id(rest_unknown.json())
    # and nothing of the bank's changed: job queued, version unpromoted, token alive
    rows = await superuser_sql(
        "SELECT status, cancel_requested_at FROM training_jobs WHERE id = $1",
        uuid.UUID(bank.queued_job_id),
    )
    assert rows[0]["status"] == "QUEUED"
    assert rows[0]["cancel_requested_at"] is None
    rows = await superuser_sql(
        "SELECT stage FROM model_versions WHERE id = $1", uuid.UUID(bank.version_id)
    )
    assert rows[0]["stage"] == "NONE"
    still = await gql(client, MY_TOKENS, {}, tenant.bearer)
    assert "errors" not in still, still


async def test_without_models_read_no_version_is_reachable_through_a_job(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """A training:read-only role follows ``TrainingJob.modelVersion`` and ``.dataset``:
    both null, so no version field (createdBy included) and no dataset; the registry's
    roots refuse it with no data. A models:read-only role following
    ``ModelVersion.trainingJob`` and ``.dataset`` gets nulls too."""
    bank = await bank_with_work(client, tenant)
    trainer = await member_with(client, tenant, ["training:read"])
    job = await gql(client, JOB, {"id": bank.job_id}, trainer)
    found = job["data"]["trainingJob"]
    assert found["id"] == bank.job_id
    assert found["modelVersion"] is None, job
    assert found["dataset"] is None, job
    for query, variables in ((VERSION, {"id": bank.version_id}), (VERSIONS, {})):
        refused = await gql(client, query, variables, trainer)
        assert error_codes(refused) == ["FORBIDDEN"], refused
        assert not has_data(refused), refused
        assert bank.owner_name not in str(refused)
    modeller = await member_with(client, tenant, ["models:read"])
    version = await gql(client, VERSION, {"id": bank.version_id}, modeller)
    seen = version["data"]["modelVersion"]
    assert seen["trainingJob"] is None, version
    assert seen["dataset"] is None, version


async def test_the_permission_is_checked_before_the_id_is_looked_up(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    """``Repository.get`` raises NotFound; the service's ``@requires`` still runs first, so
    a member without the permission gets the same FORBIDDEN for a real id, an unknown id
    and another organization's id: no existence oracle."""
    bank = await bank_with_work(client, tenant)
    viewer = await member_with(client, tenant, ["training:read", "models:read"])
    other = await bank_with_work(client, other_tenant)
    unknown = str(uuid.uuid4())
    cases: list[tuple[str, str, dict[str, Any], tuple[str, str, str]]] = [
        (CANCEL, "id", {}, (bank.queued_job_id, unknown, other.queued_job_id)),
        (PROMOTE, "id", {"stage": "STAGING"}, (bank.version_id, unknown, other.version_id)),
        (PREDICT, "id", {"rows": ROWS}, (bank.version_id, unknown, other.version_id)),
    ]
    for query, key, extra, ids in cases:
        answers = [await gql(client, query, {key: i, **extra}, viewer) for i in ids]
        for answer in answers:
            assert error_codes(answer) == ["FORBIDDEN"], answer
            assert not has_data(answer), answer
        assert len({messages(a) for a in answers}) == 1, answers
    starts = [
        await gql(
            client,
            START,
            {
                "input": {
                    "datasetId": dataset_id,
                    "taskType": "ANOMALY_DETECTION",
                    "timeBudgetSeconds": 5,
                    "modelName": "x",
                }
            },
            viewer,
        )
        for dataset_id in (bank.dataset_id, unknown, other.dataset_id)
    ]
    for answer in starts:
        assert error_codes(answer) == ["FORBIDDEN"], answer
        assert not has_data(answer), answer
    assert len({messages(a) for a in starts}) == 1, starts


async def test_dead_credentials_and_nobody_read_no_creator(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """A revoked API token, a signed-out session and no credential at all: every path to
    ``createdBy`` answers UNAUTHENTICATED with no data."""
    bank = await bank_with_work(client, tenant)
    member = await member_with(client, tenant, ["training:read", "models:read", "tokens:create"])
    mine = await gql(client, MY_TOKENS, {}, member)
    token_id = mine["data"]["viewer"]["apiTokens"]["edges"][0]["node"]["id"]
    revoked = await gql(client, REVOKE, {"id": token_id}, tenant.bearer)
    assert "errors" not in revoked, revoked
    login = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
    )
    assert login.status_code == 200, login.text
    cookie, csrf = login.cookies["phantom_session"], login.json()["csrfToken"]
    client.cookies.clear()
    session_headers = {"Cookie": f"phantom_session={cookie}", "X-CSRF-Token": csrf}
    out = await client.post("/auth/logout", json={}, headers=session_headers)
    assert out.status_code == 204, out.text
    client.cookies.clear()
    for who, headers in (
        ("revoked token", member),
        ("ended session", session_headers),
        ("nobody", {}),
    ):
        for query, variables in (
            (JOB, {"id": bank.job_id}),
            (JOBS, {}),
            (VERSION, {"id": bank.version_id}),
            (VERSIONS, {}),
        ):
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            client.cookies.clear()
            assert bank.owner_name not in response.text, (who, response.text)
            if response.status_code == 200:
                body = response.json()
                assert error_codes(body) == ["UNAUTHENTICATED"], (who, body)
                assert not has_data(body), (who, body)
            else:
                assert response.status_code == 401, (who, response.text)


def without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    """An error body less its request id (every request has its own)."""
    return {"error": {k: v for k, v in body["error"].items() if k != "requestId"}}
