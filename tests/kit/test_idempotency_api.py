"""Idempotency keys through the API (docs/api.md#idempotency), for every creating
operation: the five GraphQL mutations and the two creating REST routes. Each operation
says how to send it and how to count the work it did (rows, or audit events where a
second run writes no new row), so every test checks the database, not only the answer."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from phantom.authz.permissions import P
from phantom.db import transaction
from phantom.identity.jobs import housekeeping
from phantom.monitoring.predictionlog import prediction_log
from tests.automl.support import START, to_csv
from tests.datasets.support import UPLOAD as UPLOAD_DOCUMENT
from tests.graphql.test_schema_permissions import member_with
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql
from tests.support.models import payments, train_version, upload_payments

pytestmark = pytest.mark.slow  # two real fits (scikit-learn, seconds) for the module

UPLOAD = UPLOAD_DOCUMENT.replace(
    "mutation Upload($name: String!, $file: Upload!) {\n  uploadDataset(name: $name, file: $file)",
    "mutation Upload($name: String!, $file: Upload!, $key: String) {\n"
    "  uploadDataset(name: $name, file: $file, idempotencyKey: $key)",
)
TRAIN = START.replace(
    "($input: StartTrainingInput!)", "($input: StartTrainingInput!, $key: String)"
)
TRAIN = TRAIN.replace(
    "startTraining(input: $input)", "startTraining(input: $input, idempotencyKey: $key)"
)
BATCH = """mutation($input: StartBatchPredictionInput!, $key: String) {
  startBatchPrediction(input: $input, idempotencyKey: $key) { id status datasetId } }"""
PROMOTE = """mutation($input: RequestPromotionInput!, $key: String) {
  requestPromotion(input: $input, idempotencyKey: $key) { id status stage justification } }"""
WITHDRAW = "mutation($id: ID!) { withdrawPromotionRequest(id: $id) { id status } }"
OUTCOMES = """mutation($id: ID!, $outcomes: [OutcomeInput!]!, $key: String) {
  recordOutcomes(modelVersionId: $id, outcomes: $outcomes, idempotencyKey: $key) {
    recorded replaced unknown unknownCount errors { row predictionId message } errorCount } }"""
EVERYTHING = {
    P.DATASETS_READ,
    P.DATASETS_WRITE,
    P.TRAINING_READ,
    P.TRAINING_RUN,
    P.PREDICTIONS_RUN,
    P.MODELS_READ,
    P.MODELS_PROMOTE,
}


@dataclass
class Side:
    """One tenant's caller and what its requests name."""

    tenant: TenantFixture
    headers: dict[str, str]
    version: str
    datasets: list[str]
    predictions: list[str]


@dataclass
class World:
    alpha: Side
    alpha_colleague: Side  # another user of the same tenant
    beta: Side  # another tenant


async def _side(client: httpx.AsyncClient, tenant: TenantFixture) -> Side:
    version = str(
        (await train_version(client, tenant, await upload_payments(client, tenant), "Fraud"))["id"]
    )
    datasets = [await upload_payments(client, tenant, f"Scoring {i}") for i in range(2)]
    response = await client.post(
        f"/api/v1/models/{version}/predict",
        json={"rows": payments(rows=6, seed=3).to_dict("records")},
        headers=tenant.bearer,
    )
    assert response.status_code == 200, response.text
    await prediction_log.flush()
    return Side(tenant, tenant.bearer, version, datasets, response.json()["predictionIds"])


@pytest.fixture(scope="module")
async def world(app: Any) -> World:
    alpha, beta = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        mine, theirs = await _side(client, alpha), await _side(client, beta)
    colleague = {"Authorization": f"Bearer {await member_with(alpha, EVERYTHING)}"}
    return World(
        mine, Side(alpha, colleague, mine.version, mine.datasets, mine.predictions), theirs
    )


@dataclass
class Sent:
    status: int  # HTTP status (GraphQL: 200 with data, or the error's code mapped)
    code: str | None  # the error code, if any
    ident: Any  # what identifies the result: an id, or the whole summary
    body: Any


Send = Callable[[httpx.AsyncClient, Side, "str | None", int], Awaitable[Sent]]


def _graphql(body: dict[str, Any], field: str, ident: Callable[[dict[str, Any]], Any]) -> Sent:
    codes = error_codes(body)
    if codes:
        return Sent(200, codes[0], None, body)
    return Sent(200, None, ident(body["data"][field]), body)


def _rest(response: httpx.Response, ident: Callable[[httpx.Response], Any]) -> Sent:
    if response.status_code >= 400:
        return Sent(response.status_code, response.json()["error"]["code"], None, response.json())
    return Sent(response.status_code, None, ident(response), None)


async def send_upload(client: httpx.AsyncClient, side: Side, key: str | None, variant: int) -> Sent:
    content = to_csv(payments(rows=40, seed=variant))
    operations = {"query": UPLOAD, "variables": {"name": "Customers", "file": None, "key": key}}
    response = await client.post(
        "/graphql",
        headers=side.headers,
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("data.csv", io.BytesIO(content), "text/csv")},
    )
    return _graphql(response.json(), "uploadDataset", lambda d: d["id"])


async def send_training(
    client: httpx.AsyncClient, side: Side, key: str | None, variant: int
) -> Sent:
    fields = {
        "datasetId": side.datasets[0],
        "taskType": "ANOMALY_DETECTION",
        "timeBudgetSeconds": 5 + variant,
        "modelName": "Fraud",
    }
    body = await gql(client, TRAIN, {"input": fields, "key": key}, side.headers)
    return _graphql(body, "startTraining", lambda d: d["id"])


async def send_batch(client: httpx.AsyncClient, side: Side, key: str | None, variant: int) -> Sent:
    fields = {"modelVersionId": side.version, "datasetId": side.datasets[variant % 2]}
    body = await gql(client, BATCH, {"input": fields, "key": key}, side.headers)
    return _graphql(body, "startBatchPrediction", lambda d: d["id"])


async def send_promotion(
    client: httpx.AsyncClient, side: Side, key: str | None, variant: int
) -> Sent:
    fields = {
        "modelVersionId": side.version,
        "stage": "STAGING",
        "justification": f"tests {variant}",
    }
    body = await gql(client, PROMOTE, {"input": fields, "key": key}, side.headers)
    sent = _graphql(body, "requestPromotion", lambda d: d["id"])
    if sent.ident is not None:  # the next request may ask again: none stays pending
        await gql(client, WITHDRAW, {"id": sent.ident}, side.headers)  # a replay's: refused
    return sent


def _outcomes(side: Side, variant: int) -> list[dict[str, str]]:
    actual = "true" if variant % 2 else "false"
    return [{"predictionId": p, "actual": actual} for p in side.predictions]


async def send_outcomes(
    client: httpx.AsyncClient, side: Side, key: str | None, variant: int
) -> Sent:
    variables = {"id": side.version, "outcomes": _outcomes(side, variant), "key": key}
    body = await gql(client, OUTCOMES, variables, side.headers)
    return _graphql(body, "recordOutcomes", lambda d: d)


async def send_rest_outcomes(
    client: httpx.AsyncClient, side: Side, key: str | None, variant: int
) -> Sent:
    headers = {**side.headers, **({"Idempotency-Key": key} if key is not None else {})}
    response = await client.post(
        f"/api/v1/models/{side.version}/outcomes",
        json={"outcomes": _outcomes(side, variant)},
        headers=headers,
    )
    return _rest(response, lambda r: r.json())


async def send_report(client: httpx.AsyncClient, side: Side, key: str | None, variant: int) -> Sent:
    headers = {**side.headers, **({"Idempotency-Key": key} if key is not None else {})}
    kind = "pdf" if variant % 2 == 0 else "html"
    response = await client.post(
        f"/api/v1/model-versions/{side.version}/report.{kind}", headers=headers
    )
    return _rest(response, lambda r: r.headers["X-Report-Id"])


@dataclass(frozen=True)
class Operation:
    name: str
    send: Send
    counted: str  # SQL counting the tenant's work of this kind (:t is the tenant)
    field: str  # the audit safety net's ``graphql.<field>``

    async def count(self, side: Side) -> int:
        async with transaction(side.tenant.id) as session:
            found = await session.execute(text(self.counted), {"t": side.tenant.id})
            return int(found.scalar_one())


def rows(table: str) -> str:
    return f"SELECT count(*) FROM {table} WHERE tenant_id = :t"


def audited(action: str) -> str:
    return f"SELECT count(*) FROM audit_events WHERE tenant_id = :t AND action = '{action}'"


RECORDED = audited("monitoring.outcomes.recorded")
OPERATIONS = [
    Operation("uploadDataset", send_upload, rows("datasets"), "upload_dataset"),
    Operation("startTraining", send_training, rows("training_jobs"), "start_training"),
    Operation(
        "startBatchPrediction",
        send_batch,
        rows("batch_prediction_jobs"),
        "start_batch_prediction",
    ),
    Operation("requestPromotion", send_promotion, rows("promotion_requests"), "request_promotion"),
    # a second real recording replaces the outcomes (no new row): its audit event counts
    Operation("recordOutcomes", send_outcomes, RECORDED, "record_outcomes"),
    Operation("POST outcomes", send_rest_outcomes, RECORDED, "record_outcomes"),
    Operation("POST report", send_report, rows("model_reports"), "generate_model_report"),
]


@pytest.fixture(params=OPERATIONS, ids=[o.name for o in OPERATIONS])
def operation(request: pytest.FixtureRequest) -> Operation:
    op: Operation = request.param
    return op


def new_key() -> str:
    return f"retry-{uuid.uuid4()}"


async def expire_keys(tenant: TenantFixture) -> None:
    """As if the tenant's keys were sent 25 hours ago."""
    async with transaction(tenant.id) as session:
        await session.execute(
            text(
                "UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' "
                "WHERE tenant_id = :t"
            ),
            {"t": tenant.id},
        )


async def test_a_retry_answers_the_first_result_without_doing_the_work_again(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    # given
    key, before = new_key(), await operation.count(world.alpha)
    # when
    first = await operation.send(client, world.alpha, key, 0)
    again = await operation.send(client, world.alpha, key, 0)
    # then
    assert first.code is None, first.body
    assert again.code is None, again.body
    assert again.status == first.status
    assert again.ident == first.ident
    assert await operation.count(world.alpha) == before + 1


async def test_without_a_key_each_request_does_the_work(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    """The control: what the keys prevent does happen without them."""
    if operation.name == "requestPromotion":
        return  # not applicable: asking twice is the domain's own CONFLICT (already pending)
    before = await operation.count(world.alpha)
    first = await operation.send(client, world.alpha, None, 0)
    again = await operation.send(client, world.alpha, None, 0)
    assert first.code is None, first.body
    assert again.code is None, again.body
    assert await operation.count(world.alpha) == before + 2


async def test_the_same_key_with_another_request_is_a_conflict(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    key = new_key()
    first = await operation.send(client, world.alpha, key, 0)
    assert first.code is None, first.body
    before = await operation.count(world.alpha)
    # when
    other = await operation.send(client, world.alpha, key, 1)
    # then
    assert other.code == "CONFLICT", other.body
    assert await operation.count(world.alpha) == before
    if operation.name.startswith("POST"):
        assert other.status == 409
        error = other.body["error"]
        assert set(error) == {"code", "message", "requestId"}, error
        assert "idempotency key" in error["message"]
    else:
        assert "idempotency key" in other.body["errors"][0]["message"]
    # and the first request, sent again, still answers its result
    assert (await operation.send(client, world.alpha, key, 0)).ident == first.ident


async def test_another_tenant_and_another_user_have_keys_of_their_own(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    key = new_key()
    mine = await operation.send(client, world.alpha, key, 0)
    assert mine.code is None, mine.body
    if operation.name != "uploadDataset":  # an upload names nothing of alpha's
        # another tenant sending alpha's exact request with alpha's key: no replay of it
        stolen = Side(
            world.beta.tenant,
            world.beta.headers,
            world.alpha.version,
            world.alpha.datasets,
            world.alpha.predictions,
        )
        hostile = await operation.send(client, stolen, key, 0)
        assert hostile.code == "NOT_FOUND", hostile.body
    alpha_before, beta_before = (
        await operation.count(world.alpha),
        await operation.count(world.beta),
    )
    # when: another tenant and another user of the tenant send the same key
    theirs = await operation.send(client, world.beta, key, 0)
    colleague = await operation.send(client, world.alpha_colleague, key, 0)
    # then: each did its own work, and nobody got another's result
    assert theirs.code is None, theirs.body
    assert colleague.code is None, colleague.body
    assert await operation.count(world.beta) == beta_before + 1
    assert await operation.count(world.alpha) == alpha_before + 1
    if not isinstance(mine.ident, dict):  # ids; summaries may coincide by content
        assert len({mine.ident, theirs.ident, colleague.ident}) == 3


@pytest.mark.parametrize(
    "key",
    ["", " leading", "trailing ", "x" * 256, "tab\there", "line\nbreak", "café", "nul\x00"],
    ids=[
        "empty",
        "leading-space",
        "trailing-space",
        "too-long",
        "tab",
        "newline",
        "non-ascii",
        "nul",
    ],
)
async def test_malformed_keys_are_refused_and_do_nothing(
    client: httpx.AsyncClient, world: World, operation: Operation, key: str
) -> None:
    rest = operation.name.startswith("POST")
    if rest and any(c in key for c in "\n\x00"):
        return  # not applicable: HTTP itself cannot carry these in a header (CI refuses skips)
    before = await operation.count(world.alpha)
    if rest and not key.isascii():
        sent = await _raw_header(client, world.alpha, operation, key.encode())
    else:
        sent = await operation.send(client, world.alpha, key, 0)
    assert sent.code == "BAD_USER_INPUT", sent.body
    assert sent.status == (400 if rest else 200)
    assert await operation.count(world.alpha) == before


async def _raw_header(
    client: httpx.AsyncClient, side: Side, operation: Operation, key: bytes
) -> Sent:
    path = (
        f"/api/v1/models/{side.version}/outcomes"
        if operation.name == "POST outcomes"
        else f"/api/v1/model-versions/{side.version}/report.pdf"
    )
    headers = [
        (b"authorization", side.headers["Authorization"].encode()),
        (b"idempotency-key", key),
    ]
    body = {"outcomes": _outcomes(side, 0)} if operation.name == "POST outcomes" else None
    response = await client.post(path, json=body, headers=headers)
    return _rest(response, lambda r: None)


async def test_the_longest_key_and_a_hostile_looking_one_are_plain_keys(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    for key in ("k" * 255, f"'; DROP TABLE idempotency_keys; -- {uuid.uuid4()}"):
        before = await operation.count(world.alpha)
        first = await operation.send(client, world.alpha, key, 0)
        again = await operation.send(client, world.alpha, key, 0)
        assert first.code is None, first.body
        assert again.ident == first.ident, again.body
        assert await operation.count(world.alpha) == before + 1
        await expire_keys(world.alpha.tenant)  # "k" * 255 is used by every operation


async def test_two_rest_headers_are_refused(client: httpx.AsyncClient, world: World) -> None:
    side = world.alpha
    headers = [
        ("authorization", side.headers["Authorization"]),
        ("idempotency-key", "a"),
        ("idempotency-key", "b"),
    ]
    response = await client.post(
        f"/api/v1/models/{side.version}/outcomes",
        json={"outcomes": _outcomes(side, 0)},
        headers=headers,
    )
    assert response.status_code == 400, response.text
    assert "one Idempotency-Key" in response.json()["error"]["message"]


async def test_an_expired_key_does_the_work_again(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    key = new_key()
    first = await operation.send(client, world.alpha, key, 0)
    assert first.code is None, first.body
    before = await operation.count(world.alpha)
    # when: 25 hours later, the same key (even with another request)
    await expire_keys(world.alpha.tenant)
    later = await operation.send(client, world.alpha, key, 1)
    # then
    assert later.code is None, later.body
    assert await operation.count(world.alpha) == before + 1
    if not isinstance(first.ident, dict):
        assert later.ident != first.ident
    # and the key now answers the new request's result
    assert (await operation.send(client, world.alpha, key, 1)).ident == later.ident


async def test_two_simultaneous_requests_do_the_work_once(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    key, before = new_key(), await operation.count(world.alpha)
    both = await asyncio.gather(
        operation.send(client, world.alpha, key, 0), operation.send(client, world.alpha, key, 0)
    )
    assert [s.code for s in both] == [None, None], [s.body for s in both]
    assert both[0].ident == both[1].ident
    assert await operation.count(world.alpha) == before + 1


async def test_a_failed_request_leaves_the_key_free(
    client: httpx.AsyncClient, world: World
) -> None:
    """An error rolls the key back with the work: the corrected retry does the work."""
    key, before = new_key(), await operation_count(world.alpha, "training_jobs")
    wrong = {
        "datasetId": world.alpha.datasets[0],
        "taskType": "ANOMALY_DETECTION",
        "timeBudgetSeconds": 1,
    }
    refused = await gql(client, TRAIN, {"input": wrong, "key": key}, world.alpha.headers)
    assert error_codes(refused) == ["BAD_USER_INPUT"], refused
    fixed = await send_training(client, world.alpha, key, 0)
    assert fixed.code is None, fixed.body
    assert await operation_count(world.alpha, "training_jobs") == before + 1


async def operation_count(side: Side, table: str) -> int:
    return await Operation(table, send_training, rows(table), "").count(side)


async def test_housekeeping_purges_expired_keys_only(
    client: httpx.AsyncClient, world: World
) -> None:
    """The tenant's housekeeping job (identity.housekeeping, on the periodic schedule)."""
    tenant = await create_tenant("Gamma Credit")
    async with transaction(world.beta.tenant.id) as session:
        theirs = (await session.execute(text("SELECT count(*) FROM idempotency_keys"))).scalar_one()
    side = Side(tenant, tenant.bearer, "", [await upload_payments(client, tenant)], [])
    assert (await send_training(client, side, new_key(), 0)).code is None
    await expire_keys(tenant)
    assert (await send_training(client, side, new_key(), 1)).code is None  # fresh
    async with transaction(tenant.id) as session:
        before = (await session.execute(text("SELECT count(*) FROM idempotency_keys"))).scalar_one()
    await housekeeping.fn.__wrapped__(str(tenant.id))  # type: ignore[attr-defined]  # the job's body
    async with transaction(tenant.id) as session:
        left = (await session.execute(text("SELECT count(*) FROM idempotency_keys"))).scalar_one()
    assert (before, left) == (2, 1)
    async with transaction(world.beta.tenant.id) as session:
        assert (
            await session.execute(text("SELECT count(*) FROM idempotency_keys"))
        ).scalar_one() == theirs


async def test_a_replay_is_audited_as_a_replay(
    client: httpx.AsyncClient, world: World, operation: Operation
) -> None:
    """The first request records its own event; each replay one ``graphql.<field>``
    success (the safety net's, with ``replay: true``), whichever the channel."""
    replays = audited(f"graphql.{operation.field}") + " AND outcome = 'success'"
    events = Operation(operation.name, operation.send, replays, operation.field)
    key = new_key()
    first = await operation.send(client, world.alpha, key, 0)
    assert first.code is None, first.body
    before = await events.count(world.alpha)
    for _ in range(2):
        assert (await operation.send(client, world.alpha, key, 0)).ident == first.ident
    assert await events.count(world.alpha) == before + 2
