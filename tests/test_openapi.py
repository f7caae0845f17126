"""The REST contract (``openapi.json``, built by ``phantom/openapi.py``): served as checked
in, valid OpenAPI 3.1, naming every route mounted under ``/api/``, and kept by the live
routes: schemathesis drives a real server, as a tenant with a trained model, and every
answer must be a documented status with a documented body; never a 5xx, never another
tenant's data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_spec_validator import OpenAPIV31SpecValidator
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.routing import BaseRoute, Route

from phantom.config import REPO_ROOT
from phantom.openapi import OPENAPI_PATH, document, rendered
from phantom.ops.bodies import PREDICT_PATH
from tests.audit.support import add_member
from tests.batch.support import job, score, started
from tests.support.fixtures import TenantFixture, create_tenant, gql
from tests.support.models import train_version, upload_payments
from tests.support.servers import api_server

CHECKED_IN = REPO_ROOT / "openapi.json"
TEMPLATE = re.compile(r"\{[^}]+\}")
IGNORED_METHODS = {"HEAD"}  # Starlette adds HEAD to every GET route
PER_OPERATION = 12  # examples per operation and mode: the whole run stays under a minute
# operations whose 200 a positive run must reach: the real objects were met, not just 404s
WITH_200 = (
    "POST /api/v1/models/{model}/predict",
    "GET /api/v1/batch-predictions/{jobId}/download",
    "GET /api/v1/data-subject-requests/{dataSubjectRequestId}/report.json",
    "GET /api/v1/data-subject-requests/{dataSubjectRequestId}/report.csv",
)
# a body the model surely scores (a row of missing values), sent besides the generated
# ones: generated bodies meet the model's columns only by chance (an empty list or an
# unknown column is rightly 400), and the 200 below must not depend on chance
KNOWN_GOOD = {"POST /api/v1/models/{model}/predict": {"rows": [{}]}}
CREATE_DSR = """mutation($input: CreateDataSubjectRequestInput!) {
  createDataSubjectRequest(input: $input) { id } }"""
APPROVE_DSR = "mutation($id: ID!) { approveDataSubjectRequest(id: $id) { id } }"
EXECUTE_DSR = "mutation($id: ID!) { executeDataSubjectRequest(id: $id) { status } }"


def _shape(path: str) -> str:
    """A path template with its parameter names erased: ``{version_id}`` == ``{modelVersionId}``."""
    return TEMPLATE.sub("{}", path)


def mounted(routes: Iterable[BaseRoute]) -> dict[str, set[str]]:
    """Every route the router serves under ``/api/``, with its methods."""
    found: dict[str, set[str]] = {}
    for route in routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            methods = set(route.methods or ()) - IGNORED_METHODS
            found.setdefault(_shape(route.path), set()).update(methods)
    return found


def documented(doc: dict[str, Any]) -> dict[str, set[str]]:
    return {_shape(path): {m.upper() for m in item} for path, item in doc["paths"].items()}


def contract_gaps(routes: Iterable[BaseRoute], doc: dict[str, Any]) -> list[str]:
    """What the router and the document disagree on; REST predict is served beside the
    router (app.PhantomApp), so it is matched by its own pattern."""
    served, described = mounted(routes), documented(doc)
    gaps = [
        f"{path} {sorted(methods)} is mounted but documented as {sorted(described.get(path, ()))}"
        for path, methods in sorted(served.items())
        if described.get(path) != methods
    ]
    predict = [p for p in doc["paths"] if PREDICT_PATH.fullmatch(p)]
    if [set(doc["paths"][p]) for p in predict] != [{"post"}]:
        gaps.append(f"REST predict must be documented once, as POST only: {predict}")
    gaps += [
        f"{path} is documented but no route serves it"
        for path in sorted(set(described) - set(served))
        if not PREDICT_PATH.fullmatch(path)
    ]
    return gaps


# --- the document, without a server -----------------------------------------------------


def test_the_checked_in_document_is_current() -> None:
    assert CHECKED_IN.read_bytes() == rendered(), (
        "openapi.json is stale: run `phantom openapi export --output openapi.json`"
    )


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = json.loads(CHECKED_IN.read_text())
    assert doc["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(doc).validate()  # raises, saying where, if not


def test_every_route_under_api_is_documented(app: Any) -> None:
    assert contract_gaps(app.rest.routes, document()) == []


def test_a_new_route_without_a_contract_fails_the_check(app: Any) -> None:
    """The check above can fail: a route added without its contract, or a method more."""

    async def endpoint(request: Any) -> Any:  # never called
        raise AssertionError

    extra = [
        Route("/api/v1/models/{version_id}/retire", endpoint, methods=["POST"]),
        Route("/api/v1/batch-predictions/{job_id}/download", endpoint, methods=["DELETE"]),
    ]
    gaps = contract_gaps([*app.rest.routes, *extra], document())
    assert any("/retire" in gap for gap in gaps), gaps
    assert any("download ['DELETE', 'GET']" in gap for gap in gaps), gaps


def test_every_operation_documents_its_refusals() -> None:
    """401, 429 and 500 everywhere but the document itself; bodies refused with 413/415."""
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            if path == OPENAPI_PATH:
                assert operation["security"] == []
                continue
            assert {"401", "403", "404", "429", "500"} <= statuses, (path, method)
            if method == "post":
                assert {"413", "415"} <= statuses, (path, method)
                assert {"sessionCookie": [], "csrfHeader": []} in operation["security"]


# --- the document, served ------------------------------------------------------------------


async def test_served_without_a_credential_as_checked_in(client: httpx.AsyncClient) -> None:
    answer = await client.get(OPENAPI_PATH)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.content == CHECKED_IN.read_bytes()
    assert answer.headers["cache-control"] == "public, max-age=300"
    etag = answer.headers["etag"]
    again = await client.get(OPENAPI_PATH, headers={"If-None-Match": f'"x", {etag}'})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "headers",
    [
        {"If-None-Match": '"' + "a" * 6000 + '"'},  # oversized
        {"If-None-Match": "\x01\x7f,,,;;\"'"},  # malformed
        {"Authorization": "Bearer phm_not-a-token"},  # a bad credential is not looked at
        {"Cookie": "phantom_session=forged"},
    ],
)
async def test_hostile_headers_still_get_the_document(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    answer = await client.get(OPENAPI_PATH, headers=headers)
    assert answer.status_code == 200
    assert answer.content == CHECKED_IN.read_bytes()


async def test_other_methods_and_bodies_are_refused_in_the_error_shape(
    client: httpx.AsyncClient,
) -> None:
    post = await client.post(OPENAPI_PATH)  # a body would be refused first (415)
    assert post.status_code == 405
    assert set(post.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert post.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    with_body = await client.request(
        "GET", OPENAPI_PATH, content=b"x" * 100_000, headers={"Content-Type": "text/plain"}
    )
    assert with_body.status_code == 415
    assert with_body.json()["error"]["code"] == "BAD_USER_INPUT"


# --- the live routes against the document (schemathesis) -----------------------------------

# Which rows and outcomes a call may carry depends on the model (its columns, its
# classes), which no static document can say: a schema-valid row with a column the model
# lacks is rightly 400, as documented. Every other check of schemathesis runs.
MODEL_DEPENDENT = [positive_data_acceptance]
LIVE = hypothesis_settings(
    max_examples=PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    limits = {
        "PHANTOM_RATE_LIMIT_PER_CREDENTIAL": "100000",
        "PHANTOM_RATE_LIMIT_PER_TENANT": "100000",
    }
    with api_server(tmp_path_factory.mktemp("openapi"), limits) as url:
        yield url


@dataclass
class Owned:
    """A tenant with real objects for the generated calls to meet, and the canary."""

    tenant: TenantFixture
    version_id: str  # a trained model version
    job_id: str  # a SUCCEEDED batch prediction of it
    request_id: str  # an executed data subject (access) request
    other: TenantFixture


@pytest.fixture(scope="module")
async def owned(app: Any) -> Owned:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await upload_payments(client, tenant)
        version = str((await train_version(client, tenant, dataset, "Payments"))["id"])
        job_id = await started(client, tenant.bearer, version, dataset)
        await score(tenant, job_id)
        assert (await job(client, tenant.bearer, job_id))["status"] == "SUCCEEDED"
        request_id = await executed_access_request(client, tenant)
    other = await create_tenant("Canary Insurance 7f3a")
    return Owned(tenant, version, job_id, request_id, other)


async def executed_access_request(client: httpx.AsyncClient, tenant: TenantFixture) -> str:
    """The owner asks, a compliance officer approves and executes (four eyes)."""
    officer = await add_member(tenant, ["compliance_officer"])
    subject = await add_member(tenant, ["viewer"])
    wanted = {"kind": "ACCESS", "subjectEmail": subject.email, "reason": "Ticket 4711"}
    created = await gql(client, CREATE_DSR, {"input": wanted}, tenant.bearer)
    assert "errors" not in created, created
    request_id = str(created["data"]["createDataSubjectRequest"]["id"])
    for mutation in (APPROVE_DSR, EXECUTE_DSR):
        done = await gql(client, mutation, {"id": request_id}, officer.bearer)
        assert "errors" not in done, done
    return request_id


def pinned(operation: Any, owned: Owned) -> dict[str, str]:
    """The operation's path parameters that name a real object, set to it: generated
    UUIDs alone would only ever meet 404."""
    real = {
        "model": owned.version_id,
        "modelVersionId": owned.version_id,
        "jobId": owned.job_id,
        "dataSubjectRequestId": owned.request_id,
    }
    return {p.name: real[p.name] for p in operation.path_parameters if p.name in real}


def canaries(other: TenantFixture) -> list[str]:
    return [other.name, other.slug, str(other.id), other.admin_email]


def fuzz(
    strategy: st.SearchStrategy[Any],
    call: Any,
    headers: dict[str, str],
    other: TenantFixture,
    statuses: set[int] | None = None,
) -> set[int]:
    """Every generated case, sent with ``headers``: answered below 500 (or with one of
    ``statuses``), as documented (schemathesis' checks), with nothing of ``other``'s."""
    seen: set[int] = set()

    @LIVE
    @given(case=strategy)
    def run(case: Any) -> None:
        response = call(case, headers)
        curl = case.as_curl_command(headers=headers)
        assert response.status_code < 500, (curl, response.text)
        if statuses is not None:
            assert response.status_code in statuses, (curl, response.text)
        case.validate_response(response, headers=headers, excluded_checks=MODEL_DEPENDENT)
        for canary in canaries(other):
            assert canary.encode() not in response.content, (curl, canary)
        seen.add(response.status_code)

    run()
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_live_routes_keep_the_contract(server: str, owned: Owned, mode: GenerationMode) -> None:
    tenant, other = owned.tenant, owned.other
    schema = schemathesis.openapi.from_url(f"{server}{OPENAPI_PATH}")  # the served one
    seen: dict[str, set[int]] = {}
    with requests.Session() as session:

        def call(case: Any, headers: dict[str, str]) -> Any:
            return case.call(base_url=server, session=session, headers=headers)

        for result in schema.get_all_operations():
            operation = result.ok()
            strategy = st.one_of(
                operation.as_strategy(mode),
                operation.as_strategy(mode, path_parameters=pinned(operation, owned)),
            )
            seen[operation.label] = fuzz(strategy, call, tenant.bearer, other)
            good = KNOWN_GOOD.get(operation.label)
            if good is not None and mode is GenerationMode.POSITIVE:
                valid = operation.as_strategy(
                    mode,
                    path_parameters=pinned(operation, owned),
                    body=good,
                    media_type="application/json",
                )
                seen[operation.label] |= fuzz(valid, call, tenant.bearer, other)
    if mode is GenerationMode.POSITIVE:
        for label in WITH_200:
            assert 200 in seen[label], (label, seen)
    every = {f"{m.upper()} {path}" for path, item in document()["paths"].items() for m in item}
    # schemathesis leaves out the operation it loaded the document from (tested above)
    assert set(seen) == every - {f"GET {OPENAPI_PATH}"}, seen


@pytest.mark.slow
def test_another_tenants_model_answers_404_as_documented(server: str, owned: Owned) -> None:
    """The canary tenant's token, aimed at the first tenant's real objects: every
    route answers as if it did not exist (404; 400 for a body refused before the lookup),
    in the documented shape, with nothing of the first tenant's."""
    owner, other = owned.tenant, owned.other
    schema = schemathesis.openapi.from_url(f"{server}{OPENAPI_PATH}")
    with requests.Session() as session:

        def call(case: Any, headers: dict[str, str]) -> Any:
            return case.call(base_url=server, session=session, headers=headers)

        for result in schema.get_all_operations():
            operation = result.ok()
            pins = pinned(operation, owned)
            if pins:
                strategy = operation.as_strategy(path_parameters=pins)
                assert 404 in fuzz(strategy, call, other.bearer, owner, {400, 404}), operation.label


@pytest.mark.slow
def test_without_a_credential_every_route_is_401_as_documented(server: str, owned: Owned) -> None:
    """No token (schemathesis may send a forged session cookie): 401 on every route, aimed
    at real objects, before anything about them is read."""
    schema = schemathesis.openapi.from_url(f"{server}{OPENAPI_PATH}")
    with requests.Session() as session:

        def call(case: Any, headers: dict[str, str]) -> Any:
            return case.call(base_url=server, session=session, headers=headers)

        for result in schema.get_all_operations():
            operation = result.ok()
            strategy = operation.as_strategy(path_parameters=pinned(operation, owned))
            fuzz(strategy, call, {}, owned.tenant, {401})
