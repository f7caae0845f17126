"""Attacks on wave 6 (idempotency keys, rate-limit headers, the W4-4 threshold gate, the
OpenAPI route, forecasting's predict with history). Each test performs the attack on the
real code path and asserts the safe behaviour, so a test marked ``xfail(strict=True)`` is
a finding still open, and an unmarked one either pins a fixed finding or an attack found
to fail."""

from __future__ import annotations

import asyncio
import http.server
import io
import json
import threading
import time
import uuid
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import text

from phantom.approvals.service import approvals
from phantom.authz.permissions import P
from phantom.config import settings
from phantom.db import transaction
from phantom.kit import idempotency
from phantom.kit.errors import Conflict
from phantom.registry.models import ModelStage
from phantom.registry.service import registry
from phantom.serving import service as serving_service
from phantom.serving.cache import models
from phantom.serving.versions import servable_versions
from phantom.value.service import values
from phantom_client import Client, PhantomError
from tests.automl.forecast_support import seasonal
from tests.automl.support import start
from tests.automl.test_forecasting_api import train
from tests.datasets.support import upload
from tests.graphql.test_rate_limits import VIEWER, limits
from tests.graphql.test_schema_permissions import member_with, principal_of
from tests.security.test_wave4_findings import DECIDE, SERVED, THRESHOLD, _binary_version, bearer
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql

CLINIC = b"age,hiv\n" + b"".join(
    b"%d,%s\n" % (20 + i % 50, b"positive" if i % 3 == 0 else b"negative") for i in range(60)
)
REQUEST = """mutation($i: RequestPromotionInput!) {
  requestPromotion(input: $i) { id stage servingThreshold status } }"""


# --- W6-1: the threshold changed while a promotion request waits ------------------------


@pytest.mark.slow
async def test_a_threshold_changed_after_the_request_is_not_promoted_with_it(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Finding W6-1 (medium, integrity; fixed): the W4-4 gate refused setServingThreshold
    only for a version already in a gated stage. A requester asked for PRODUCTION while the
    version was in NONE (or an ungated STAGING), then alone set its threshold to 1.0 while
    the request waited; the approval promoted the version with a threshold nobody approved
    (promote_approved checks a stage change since the request, not a threshold change).
    Now a threshold change is refused while a request for the version is pending."""
    # given: a binary classifier in no stage, and a request to put it in production
    version = await _binary_version(client, tenant)
    scientist = bearer(await member_with(tenant, {P.MODELS_READ, P.MODELS_PROMOTE}))
    approver = bearer(await member_with(tenant, {P.MODELS_READ, P.MODELS_APPROVE}))
    asked = await gql(
        client,
        REQUEST,
        {"i": {"modelVersionId": version, "stage": "PRODUCTION", "justification": "AUC 0.99"}},
        scientist,
    )
    request = asked["data"]["requestPromotion"]
    assert request["status"] == "PENDING", asked
    # when: the requester alone moves its threshold to 1.0 (every case negative) while the
    # request waits, and someone else approves the request as it was shown
    moved = await gql(client, THRESHOLD, {"id": version, "threshold": 1.0}, scientist)
    decided = await gql(client, DECIDE, {"id": request["id"]}, approver)
    # then: either the change or the approval was refused: production never serves 1.0
    served = (await gql(client, SERVED, {"id": version}, tenant.bearer))["data"]["modelVersion"]
    assert served != {"stage": "PRODUCTION", "servingThreshold": 1.0}, (moved, decided)
    assert error_codes(moved) == ["CONFLICT"], moved
    assert request["id"] in moved["errors"][0]["message"]
    assert decided["data"]["decidePromotion"]["status"] == "APPROVED", decided


async def _until_waiting(waiters: int, *tasks: asyncio.Task[Any]) -> None:
    """Until ``waiters`` connections of this test's database wait for a lock, or one of
    ``tasks`` has ended (20 s at most)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(task.done() for task in tasks):
        async with transaction(None) as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting >= waiters:
            return
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_a_threshold_change_racing_a_new_request_waits_for_it_and_is_refused(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """The race W6-1's fix left (fixed): a threshold change is refused once a request is
    pending, but opening a request did not lock the version. A change that looked for
    pending requests while one was being opened found none and went through, so the
    approver was shown a request (and its report) about a threshold no longer served.
    Opening a request now locks the version's row: the change waits, then sees it."""
    version = uuid.UUID(await _binary_version(client, tenant))
    scientist = await principal_of(await member_with(tenant, {P.MODELS_READ, P.MODELS_PROMOTE}))

    async def change_threshold() -> None:
        async with transaction(tenant.id) as session:
            await values.set_serving_threshold(session, scientist, version, 1.0)

    # given: a request to move the version to production, being opened (not committed)
    async with transaction(tenant.id) as session:
        await approvals.request(session, scientist, version, "PRODUCTION", "AUC 0.99")
        # when: the requester changes the threshold meanwhile, in another transaction
        changing = asyncio.create_task(change_threshold())
        await _until_waiting(1, changing)
    # then: the change waited for the request and was refused once it was committed
    with pytest.raises(Conflict, match="is pending"):
        await changing
    served = (await gql(client, SERVED, {"id": str(version)}, tenant.bearer))["data"]
    assert served["modelVersion"]["servingThreshold"] != 1.0

    # and: two requests for the same move at once: the second is a CONFLICT naming the
    # first (before: a unique-index violation, an INTERNAL error)
    async def second_request() -> None:
        async with transaction(tenant.id) as session:
            await approvals.request(session, scientist, version, "STAGING", "Try it")

    async with transaction(tenant.id) as session:
        first = await approvals.request(session, scientist, version, "STAGING", "Try it")
        second = asyncio.create_task(second_request())
        await _until_waiting(1, second)
    with pytest.raises(Conflict, match=str(first.id)):
        await second


@pytest.mark.slow
async def test_promotions_and_approvals_at_once_neither_deadlock_nor_double_production(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Found by the attack review of the version lock above. (1) Approving a request
    with a threshold audited the threshold (the tenant's audit chain lock) before locking
    the production version it archives, while a new request held that version and waited
    for the chain: a deadlock, a 500. (2) Two versions promoted to PRODUCTION at once each
    archived the production versions it saw, none of the other's: both stayed in
    PRODUCTION. (3) Approving a threshold request changed the threshold another pending
    request's approver was deciding on. Now a move locks its rows before anything is
    audited, promotions to PRODUCTION of one model take turns, and a threshold request is
    refused while another request for the version waits."""
    gql_policy = (
        "mutation { setPromotionPolicy(input: {productionRequiresApproval: false, "
        "stagingRequiresApproval: false}) { isDefault } }"
    )
    assert "errors" not in await gql(client, gql_policy, {}, tenant.bearer)
    one = uuid.UUID(await _binary_version(client, tenant))
    two = uuid.UUID(await _binary_version(client, tenant))
    scientist = await principal_of(await member_with(tenant, {P.MODELS_READ, P.MODELS_PROMOTE}))
    approver = await principal_of(await member_with(tenant, {P.MODELS_READ, P.MODELS_APPROVE}))
    async with transaction(tenant.id) as session:
        await registry.promote(session, scientist, one, ModelStage.PRODUCTION)
    async with transaction(tenant.id) as session:
        asked = await approvals.request(
            session, scientist, two, "PRODUCTION", "Better recall", serving_threshold=0.4
        )

    async def request_threshold() -> uuid.UUID:
        async with transaction(tenant.id) as session:
            opened = await approvals.request(
                session, scientist, one, "PRODUCTION", "Fewer alerts", serving_threshold=0.6
            )
            return opened.id

    async def approve() -> None:
        async with transaction(tenant.id) as session:
            await approvals.decide(session, approver, asked.id, approve=True, comment=None)

    # (1) given: the production version held a moment (a third transaction), a new request
    # for it waiting, then the approval of the other version's request waiting too
    async with transaction(tenant.id) as holder:
        await holder.execute(
            text("SELECT id FROM model_versions WHERE id = :id FOR NO KEY UPDATE"), {"id": one}
        )
        requesting = asyncio.create_task(request_threshold())
        await _until_waiting(1, requesting)
        approving = asyncio.create_task(approve())
        await _until_waiting(2, requesting, approving)
    # then: once the holder lets go, both go through (before: PostgreSQL broke a deadlock)
    await asyncio.gather(requesting, approving)
    async with transaction(tenant.id) as session:  # that request is not needed below
        await approvals.withdraw(session, scientist, requesting.result())

    # (2) given: neither version in production, then both promoted to it at once
    async with transaction(tenant.id) as session:
        await registry.promote(session, scientist, two, ModelStage.STAGING)

    async def promote_two() -> None:
        async with transaction(tenant.id) as session:
            await registry.promote(session, scientist, two, ModelStage.PRODUCTION)

    async with transaction(tenant.id) as session:
        await registry.promote(session, scientist, one, ModelStage.PRODUCTION)
        promoting = asyncio.create_task(promote_two())
        await _until_waiting(1, promoting)
    await promoting
    # then: one version in production, the one promoted last; the other archived
    stages = {
        version: (await gql(client, SERVED, {"id": str(version)}, tenant.bearer))["data"][
            "modelVersion"
        ]["stage"]
        for version in (one, two)
    }
    assert stages == {one: "ARCHIVED", two: "PRODUCTION"}, stages

    # (3) given: a version in STAGING, a request to put it in production as it serves now,
    # and a second request changing only its STAGING threshold
    async with transaction(tenant.id) as session:
        await registry.promote(session, scientist, one, ModelStage.STAGING)
        before = (await registry.servable(session, one)).threshold
    async with transaction(tenant.id) as session:
        production = await approvals.request(session, scientist, one, "PRODUCTION", "As is")
    async with transaction(tenant.id) as session:
        threshold = await approvals.request(
            session, scientist, one, "STAGING", "More alerts", serving_threshold=0.05
        )
    # when: the threshold request is approved first; then: refused, naming the other
    # (before: applied, and the production approval then promoted a threshold its
    # requester never asked for)
    with pytest.raises(Conflict, match=str(production.id)):
        async with transaction(tenant.id) as session:
            await approvals.decide(session, approver, threshold.id, approve=True, comment=None)
    async with transaction(tenant.id) as session:
        await approvals.decide(session, approver, production.id, approve=True, comment=None)
    served = (await gql(client, SERVED, {"id": str(one)}, tenant.bearer))["data"]
    assert served["modelVersion"] == {"stage": "PRODUCTION", "servingThreshold": before}


@pytest.mark.slow
async def test_a_threshold_request_approved_after_the_version_moved_is_refused(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Held: a threshold request for STAGING (the version's stage then), approved only
    after the version moved to PRODUCTION, neither moves it back nor sets the threshold;
    the requester cannot approve it through a second token of theirs either."""
    version = await _binary_version(client, tenant)
    scientist_token = await member_with(tenant, {P.MODELS_READ, P.MODELS_PROMOTE})
    scientist = bearer(scientist_token)
    approver = bearer(await member_with(tenant, {P.MODELS_READ, P.MODELS_APPROVE}))
    staged = await gql(
        client,
        REQUEST,
        {"i": {"modelVersionId": version, "stage": "STAGING", "justification": "Try it"}},
        scientist,
    )
    if staged["data"]["requestPromotion"]["status"] == "PENDING":
        await gql(client, DECIDE, {"id": staged["data"]["requestPromotion"]["id"]}, approver)
    change = {"modelVersionId": version, "stage": "STAGING", "justification": "Recall"}
    threshold = await gql(client, REQUEST, {"i": {**change, "servingThreshold": 0.2}}, scientist)
    threshold_id = threshold["data"]["requestPromotion"]["id"]
    production = await gql(
        client,
        REQUEST,
        {"i": {"modelVersionId": version, "stage": "PRODUCTION", "justification": "Go"}},
        scientist,
    )
    promoted = await gql(
        client, DECIDE, {"id": production["data"]["requestPromotion"]["id"]}, approver
    )
    assert promoted["data"]["decidePromotion"]["status"] == "APPROVED", promoted
    before = (await gql(client, SERVED, {"id": version}, tenant.bearer))["data"]["modelVersion"]
    late = await gql(client, DECIDE, {"id": threshold_id}, approver)
    assert error_codes(late) == ["CONFLICT"], late
    after = (await gql(client, SERVED, {"id": version}, tenant.bearer))["data"]["modelVersion"]
    assert after == before
    assert after["stage"] == "PRODUCTION"
    # NaN, infinities and non-numbers never reach the gate (GraphQL Float, JSON)
    for bad in ("NaN", "Infinity", "1e400"):
        mutation = (
            f'mutation {{ requestPromotion(input: {{modelVersionId: "{version}", '
            f'stage: PRODUCTION, justification: "x", servingThreshold: {bad}}}) {{ id }} }}'
        )
        answer = await client.post("/graphql", json={"query": mutation}, headers=scientist)
        assert "errors" in answer.json(), answer.text
        assert answer.json().get("data") in (None, {}), answer.text


# --- W6-2: forecasting's refit outlives its request ---------------------------------------


@pytest.fixture(scope="module")
async def forecaster(app: Any) -> tuple[TenantFixture, str, str]:
    tenant = await create_tenant("Wave6 Forecasts")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        found = await train(client, tenant, seasonal())
    assert found["status"] == "SUCCEEDED", (found["errorCode"], found["error"])
    return tenant, str(found["modelVersion"]["id"]), str(found["modelVersion"]["modelName"])


@pytest.mark.slow
async def test_a_timed_out_forecast_stops_its_work(
    client: httpx.AsyncClient,
    forecaster: tuple[TenantFixture, str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finding W6-2 (medium, availability across tenants; fixed): the refit ran in
    asyncio.to_thread under the model's lock, and PREDICT_TIMEOUT_SECONDS answered 503
    without stopping it, so one tenant's history forecasts held the shared API process's
    CPU after their answers. The refit now runs in a forked child killed at the deadline."""
    tenant, version_id, _ = forecaster
    # a series the fit chose AutoARIMA for (300 points: what a refit sees) and 29 new ones
    # (the most chosen candidate), 996 rows: under the per-call row limit
    known = seasonal(2, 300, seed=5, noise=5.0)
    fresh = seasonal(29, 24, seed=6, noise=5.0).assign(store=lambda f: "new-" + f["store"])
    rows = known[known["store"] == "store-1"].to_dict("records") + fresh.to_dict("records")
    quick = settings.model_copy(update={"PREDICT_TIMEOUT_SECONDS": 0.2})
    monkeypatch.setattr(serving_service, "settings", quick)
    url = f"/api/v1/models/{version_id}/predict"
    answer = await client.post(url, json={"rows": rows}, headers=tenant.bearer)
    assert answer.status_code == 503, answer.text
    version = await servable_versions.by_id(tenant.id, uuid.UUID(version_id))
    served = await models.get(version)
    deadline = time.monotonic() + 0.2
    while served.lock.locked() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    busy = served.lock.locked()
    while served.lock.locked():  # leave no refit running for the next test
        await asyncio.sleep(0.2)
    assert not busy, "the refit went on after its caller was answered 503"


@pytest.mark.slow
async def test_forecasts_queued_behind_a_refit_give_up_at_their_deadline(
    client: httpx.AsyncClient,
    forecaster: tuple[TenantFixture, str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """W6-2's part fixed: requests queued on the model's lock behind a refit used to wait
    in executor threads and refit one after another long after their 503s; now each gives
    up at its caller's deadline, so only the refit already running outlives its answer."""
    tenant, version_id, _ = forecaster
    history = seasonal(2, 1000, seed=5, noise=5.0)
    rows = history[history["store"] == "store-1"].to_dict("records")
    quick = settings.model_copy(update={"PREDICT_TIMEOUT_SECONDS": 0.5})
    monkeypatch.setattr(serving_service, "settings", quick)
    url = f"/api/v1/models/{version_id}/predict"
    answers = await asyncio.gather(
        *(client.post(url, json={"rows": rows}, headers=tenant.bearer) for _ in range(4))
    )
    assert [a.status_code for a in answers] == [503] * 4, [a.text for a in answers]
    version = await servable_versions.by_id(tenant.id, uuid.UUID(version_id))
    served = await models.get(version)
    while served.lock.locked():  # the one refit that started
        await asyncio.sleep(0.05)
    for _ in range(20):  # nobody queued behind it starts another
        await asyncio.sleep(0.05)
        assert not served.lock.locked(), "a timed-out forecast refit after its 503"


@pytest.mark.slow
async def test_another_tenant_cannot_forecast_with_the_version_by_id_or_name(
    client: httpx.AsyncClient, forecaster: tuple[TenantFixture, str, str]
) -> None:
    """Held: another organization's admin gets 404 by id and by model name, where the
    owner gets the forecast (by name: 409, no version in production), so the answer does
    not even tell that the name exists elsewhere."""
    tenant, version_id, name = forecaster
    other = await create_tenant("Wave6 Other")
    for model, status in ((version_id, 200), (quote(name, safe=""), 409)):
        url = f"/api/v1/models/{model}/predict"
        owned = await client.post(url, json={"rows": []}, headers=tenant.bearer)
        assert owned.status_code == status, owned.text
        refused = await client.post(url, json={"rows": []}, headers=other.bearer)
        assert refused.status_code == 404, refused.text


# --- held: the OpenAPI route ---------------------------------------------------------------


async def test_the_openapi_document_is_the_same_for_everyone_and_read_only(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Held: public and cacheable, so it must not vary with the caller (no cache poisoning
    through Host or credentials), carries no cookie, and refuses other methods."""
    anonymous = await client.get("/api/v1/openapi.json")
    signed = await client.get(
        "/api/v1/openapi.json", headers={**tenant.bearer, "Host": "evil.example.com"}
    )
    assert anonymous.status_code == signed.status_code == 200
    assert anonymous.content == signed.content
    assert "set-cookie" not in anonymous.headers
    assert b"evil.example.com" not in signed.content
    assert tenant.slug.encode() not in signed.content
    for method in ("POST", "PUT", "DELETE"):
        refused = await client.request(method, "/api/v1/openapi.json")
        assert refused.status_code == 405, (method, refused.status_code)


# --- held: rate-limit figures are the caller's own ------------------------------------------


async def test_rate_limit_headers_never_reflect_another_tenants_usage(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Held: a tenant that spent its whole burst (and is refused) moves nothing in another
    tenant's RateLimit-Remaining or extensions.rateLimit; the 429 says 0 remaining."""
    limits(monkeypatch, per_credential=10_000, per_tenant=30)  # a burst of 3
    asked = {**VIEWER, "extensions": {"rateLimit": True}}
    spent = [await client.post("/graphql", json=asked, headers=tenant.bearer) for _ in range(4)]
    assert [a.status_code for a in spent] == [200, 200, 200, 429]
    assert spent[-1].headers["ratelimit-remaining"] == "0"
    fresh = await client.post("/graphql", json=asked, headers=other_tenant.bearer)
    assert fresh.status_code == 200, fresh.text
    assert fresh.headers["ratelimit-remaining"] == "2", fresh.headers
    assert fresh.json()["extensions"]["rateLimit"]["remaining"] == 2


async def test_positive_class_probes_of_another_tenants_dataset_find_nothing(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    """positiveClass: another tenant's dataset is NOT_FOUND whatever the class guessed,
    and a hostile value is refused without being echoed in full."""
    body = await upload(client, tenant.bearer, CLINIC, name="Clinic")
    dataset = body["data"]["uploadDataset"]["id"]
    for guess in ("positive", "negative"):
        probed = await start(
            client,
            other_tenant.bearer,
            datasetId=dataset,
            timeBudgetSeconds=10,
            target="hiv",
            positiveClass=guess,
        )
        assert error_codes(probed) == ["NOT_FOUND"], probed
    hostile = "x\x00" + "A" * 20_000
    refused = await start(
        client,
        tenant.bearer,
        datasetId=dataset,
        timeBudgetSeconds=10,
        target="hiv",
        positiveClass=hostile,
    )
    assert error_codes(refused) == ["BAD_USER_INPUT"], refused
    assert len(refused["errors"][0]["message"]) < 1000


async def test_a_training_runner_without_datasets_read_does_not_learn_column_values(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Finding W6-3 (low, permission leak inside a tenant; fixed): startTraining checks
    positiveClass against the target's values and its error listed them, so a member
    holding training:run but not datasets:read learned the two values of any two-valued
    column of any dataset (datasets:read is what shows a profile's values). The error now
    lists them only to a caller who may read datasets."""
    body = await upload(client, tenant.bearer, CLINIC, name="Clinic")
    dataset = body["data"]["uploadDataset"]["id"]
    runner = bearer(await member_with(tenant, {P.TRAINING_RUN, P.TRAINING_READ}))
    probed = await start(
        client, runner, datasetId=dataset, timeBudgetSeconds=10, target="hiv", positiveClass="?"
    )
    assert error_codes(probed) == ["BAD_USER_INPUT"], probed
    assert "negative" not in probed["errors"][0]["message"], probed
    assert "shown to members who may read datasets" in probed["errors"][0]["message"]
    reader = bearer(await member_with(tenant, {P.TRAINING_RUN, P.DATASETS_READ}))
    told = await start(
        client, reader, datasetId=dataset, timeBudgetSeconds=10, target="hiv", positiveClass="?"
    )
    assert "'negative', 'positive'" in told["errors"][0]["message"], told


# --- held: idempotency keys stay with their credential ---------------------------------------

UPLOAD_KEYED = """mutation($name: String!, $file: Upload!, $key: String) {
  uploadDataset(name: $name, file: $file, idempotencyKey: $key) { id } }"""
CREATE_TOKEN = """mutation($name: String!) {
  createApiToken(input: {name: $name}) { token apiToken { id } } }"""
REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }"


async def _keyed_upload(
    client: httpx.AsyncClient, headers: dict[str, str], key: str
) -> dict[str, Any]:
    operations = {"query": UPLOAD_KEYED, "variables": {"name": "Clinic", "file": None, "key": key}}
    response = await client.post(
        "/graphql",
        headers=headers,
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("clinic.csv", io.BytesIO(CLINIC), "text/csv")},
    )
    body: dict[str, Any] = response.json()
    return body


async def test_an_idempotency_key_replays_for_its_own_live_credential_only(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    """Held: the same key and request from a read-only member of the same organization is
    refused for its permission (not answered with the first dataset), from another
    organization's owner does its own work, and a revoked token's key replays nothing."""
    created = await gql(client, CREATE_TOKEN, {"name": "integration"}, tenant.bearer)
    integration = bearer(created["data"]["createApiToken"]["token"])
    token_id = created["data"]["createApiToken"]["apiToken"]["id"]
    key = f"wave6-{uuid.uuid4()}"
    first = await _keyed_upload(client, integration, key)
    dataset = first["data"]["uploadDataset"]["id"]
    again = await _keyed_upload(client, integration, key)
    assert again["data"]["uploadDataset"]["id"] == dataset  # the mechanism works
    viewer = bearer(await member_with(tenant, {P.MODELS_READ}))
    refused = await _keyed_upload(client, viewer, key)
    assert error_codes(refused) == ["FORBIDDEN"], refused
    assert dataset not in json.dumps(refused)
    theirs = await _keyed_upload(client, other_tenant.bearer, key)
    assert theirs["data"]["uploadDataset"]["id"] != dataset, theirs
    revoked = await gql(client, REVOKE, {"id": token_id}, tenant.bearer)
    assert revoked["data"]["revokeApiToken"]["revokedAt"], revoked
    deadline = time.monotonic() + 8  # the authentication cache's lifetime, and slack
    while True:
        late = await _keyed_upload(client, integration, key)
        if error_codes(late) == ["UNAUTHENTICATED"] or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    assert error_codes(late) == ["UNAUTHENTICATED"], late


# --- held: the typed client keeps its token on the server it was given ---------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []
    location: ClassVar[str] = ""

    def _answer(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        if type(self).location:
            self.send_response(307)
            self.send_header("Location", type(self).location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"data": {"dataset": null}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_: object) -> None:
        pass


def _serve(location: str) -> tuple[http.server.HTTPServer, str]:
    handler = type("Handler", (_Recorder,), {"seen": [], "location": location})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_the_client_never_follows_a_redirect_with_its_token_to_another_host() -> None:
    """Held: a Phantom URL that answers 307 to another host (a compromised proxy, a
    hostile mirror) gets an error, and the other host never sees the bearer token."""
    elsewhere, elsewhere_url = _serve("")
    redirecting, url = _serve(elsewhere_url + "/graphql")
    try:
        with Client(url, "phm_secret-token") as phantom, pytest.raises(PhantomError) as failed:
            phantom.dataset(str(uuid.uuid4()))
        assert "phm_secret-token" not in str(failed.value)
        assert redirecting.RequestHandlerClass.seen == ["Bearer phm_secret-token"]  # type: ignore[attr-defined]
        assert elsewhere.RequestHandlerClass.seen == []  # type: ignore[attr-defined]
    finally:
        for server in (redirecting, elsewhere):
            server.shutdown()
            server.server_close()


# --- W6-4: requests waiting on an idempotency key hold the pool's connections -------------


async def test_requests_waiting_on_a_key_do_not_starve_other_tenants(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    """Finding W6-4 (medium, availability across tenants; fixed): a request whose key's
    first request is still running waits on the row lock for IDEMPOTENCY_WAIT_SECONDS
    (10 s) holding a pooled connection. One credential sending a burst with the key of its
    own slow request (any arguments: the wait comes before the fingerprint check) took
    every connection of the API process (pool 10 + 5 overflow by default), and other
    organizations' requests waited 9.4 s here. Now at most two requests per key claim it at
    once in a process; the others are CONFLICT "in progress" at once."""
    # given: tenant's first request with the key is still running (its transaction holds
    # the key's row, as a long upload's does)
    owner = await principal_of(tenant.token)
    key = f"wave6-{uuid.uuid4()}"
    rows = {"outcomes": [{"predictionId": str(uuid.uuid4()), "actual": 1}]}
    holding = asyncio.Event()
    release = asyncio.Event()

    async def first_request() -> None:
        async with transaction(tenant.id) as session:
            await idempotency.claim(session, owner, key, "recordOutcomes", {"n": 0})
            holding.set()
            await release.wait()

    first = asyncio.create_task(first_request())
    await holding.wait()
    try:
        # when: the same credential sends twenty retries with the key
        url = f"/api/v1/models/{uuid.uuid4()}/outcomes"
        headers = {**tenant.bearer, "Idempotency-Key": key}
        retries = [
            asyncio.create_task(client.post(url, json=rows, headers=headers)) for _ in range(20)
        ]
        await asyncio.sleep(1.0)  # they reach the row lock
        # then: another organization's request is answered as fast as ever
        started = time.monotonic()
        theirs = await client.post(
            f"/api/v1/models/{uuid.uuid4()}/outcomes", json=rows, headers=other_tenant.bearer
        )
        waited = time.monotonic() - started
        assert theirs.status_code == 404, theirs.text
    finally:
        release.set()
        await first
        answers = await asyncio.gather(*retries, return_exceptions=True)
    assert waited < 3, f"another organization waited {waited:.1f} s for a connection"
    codes = [a.status_code for a in answers if isinstance(a, httpx.Response)]
    assert len(codes) == 20, answers
    assert codes.count(409) >= 18, codes  # at most two waited for the first
