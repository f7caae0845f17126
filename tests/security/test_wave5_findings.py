"""Attacks on serving's second pass (bare ASGI predict, the rows fast path, inline
scoring, refresh-ahead caches, pooled prediction ids) and the key/infra merges. Each test
performs the attack on the real code path and asserts the safe behaviour, so a test
marked ``xfail(strict=True)`` is a finding still open, and an unmarked one either pins a
fixed finding or an attack found to fail."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson
import pandas as pd
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.automl.engines.base import Predictions
from phantom.config import settings
from phantom.identity.authn import Authenticator, _load_token
from phantom.identity.credentials import secret_hash
from phantom.identity.principal import Principal
from phantom.kit import crypto, keys
from phantom.kit.errors import BadUserInput, Unauthenticated
from phantom.kit.ids import uuid7_block
from phantom.kit.keys import KmsKeyProvider
from phantom.serving.batching import MicroBatcher
from phantom.serving.rows import frame, rows_to_columns
from phantom.serving.versions import ServableVersions
from tests.kit.conftest import (  # noqa: F401  (fixtures: moto's KMS, AWS test credentials)
    aws_credentials,
    kms,
    kms_key,
    kms_settings,
    kms_url,
    ring_db,
)
from tests.security.model_support import ROWS, fit_model, register
from tests.support.fixtures import TenantFixture

MIXED = [{"name": "amount", "dtype": "float64"}, {"name": "channel", "dtype": "object"}]


@pytest.mark.parametrize(
    "rows",
    [
        [{"amount": 1.0, "chanel": "web"}],  # one misspelt column, as many as the model has
        [{"amount": 1.0, "channel": "web", "chanel": "app"}, {"amount": 2.0}],
    ],
)
def test_a_misspelt_feature_is_refused_not_silently_ignored(rows: list[dict[str, Any]]) -> None:
    """W5-1 (medium, integrity): the rows fast path counted a row "complete" when it had
    the numeric features and as many keys as the model has features, so a misspelt
    non-numeric feature (``chanel`` for ``channel``) was dropped without a word and the row
    scored as if the value were missing, the very case the unknown-column check exists to
    refuse (``rows_to_columns``). Before this pass it was a 400 naming the column."""
    with pytest.raises(BadUserInput, match="unknown column 'chanel'"):
        rows_to_columns(rows, MIXED)


NUMBERS = [{"name": "amount", "dtype": "float64"}]
PER_ROW_SECONDS = 0.0001  # 1 row: 0.1 ms (fast); 4,000 rows: 0.4 s


def _proportional(table: pd.DataFrame) -> Predictions:
    """A model whose time grows with its rows, as every engine's does."""
    time.sleep(len(table) * PER_ROW_SECONDS)
    return Predictions(labels=np.zeros(len(table)))


async def test_a_batch_far_larger_than_those_measured_never_runs_on_the_event_loop() -> None:
    """W5-2 (medium, availability across tenants): inline scoring was decided on the
    moving average of past *batches*, whatever their size. A caller warms a model up with
    one-row calls (0.1 ms each: "fast"), then sends four 1,000-row calls at once: they
    form one 4,000-row batch that ran on the event loop, freezing every other request of
    every tenant on that process for the whole engine call (and the timeout watchdog with
    it). Repeatable after ~15 small calls each time. A batch must only run inline when its
    own expected time is under PHANTOM_PREDICT_INLINE_MS."""
    batcher = MicroBatcher(
        build=lambda parts: frame(parts, NUMBERS),
        score=_proportional,
        lock=threading.Lock(),
        max_rows=4096,
        wait_seconds=0.0,
        timeout_seconds=30.0,
        inline_seconds=0.005,
    )
    one = rows_to_columns([{"amount": 1.0}], NUMBERS)
    for _ in range(20):
        await batcher.submit(*one)
    assert batcher.inline_batches >= 10  # the small calls do run inline
    big = rows_to_columns([{"amount": float(i)} for i in range(1000)], NUMBERS)
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticking() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(ticking())
    await asyncio.sleep(0.02)
    before = batcher.inline_batches
    answers = await asyncio.gather(*(batcher.submit(*big) for _ in range(4)))
    done.set()
    await ticker
    assert [len(a.labels) for a in answers] == [1000] * 4
    assert batcher.inline_batches == before, "the 4,000-row batch ran on the event loop"
    assert max(gaps) < 0.2, f"the event loop stalled {max(gaps):.3f} s"


# --- the bare ASGI predict endpoint, attacked through the real app ------------------------


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fit_model(tmp_path_factory.mktemp("anomaly"))


def _predict_url(target: str) -> str:
    return f"/api/v1/models/{target}/predict"


JSON_HEADERS = {"content-type": "application/json"}
HOSTILE_BODIES = {
    "rows not objects": b'{"rows": [1, "two", null, [3]]}',
    "rows an object of 100,000 keys": orjson.dumps({"rows": {f"k{i}": 0 for i in range(100_000)}}),
    "a row of 100,000 keys": orjson.dumps({"rows": [{f"k{i}": 0 for i in range(100_000)}]}),
    "a huge integer": b'{"rows": [{"amount": 1' + b"0" * 400 + b', "hour": 1}]}',
    "a bool": b'{"rows": [{"amount": true, "hour": 1}]}',
    "a NaN literal": b'{"rows": [{"amount": NaN, "hour": 1}]}',
    "an Infinity literal": b'{"rows": [{"amount": Infinity, "hour": 1}]}',
    "1e999": b'{"rows": [{"amount": 1e999, "hour": 1}]}',
    "a nested value": b'{"rows": [{"amount": {"$gt": 1}, "hour": [1]}]}',
    "deep nesting": b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "not UTF-8": b'{"rows": [{"amount": "\xff\xfe", "hour": 1}]}',
    "a lone surrogate": b'{"rows": [{"amount": "\\ud800", "hour": 1}]}',
    "rows missing": b'{"row": []}',
    "rows empty": b'{"rows": []}',
    "a top-level list": b"[]",
    "empty": b"",
    "two documents": b'{"rows": []}{"rows": []}',
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
async def test_hostile_bodies_get_a_clear_400_never_a_500(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path, name: str
) -> None:
    """Attack (pinned, no finding): a hostile integrator's malformed bodies on the bare
    predict endpoint are each refused 400 BAD_USER_INPUT in the REST error shape, without
    internals (no traceback, exception class or file path)."""
    version = str(await register(tenant.id, model_dir))
    response = await client.post(
        _predict_url(version),
        content=HOSTILE_BODIES[name],
        headers={**tenant.bearer, **JSON_HEADERS},
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "BAD_USER_INPUT"
    assert len(error["message"]) < 2500
    for internal in ("Traceback", "Error(", ".py", "orjson", "numpy"):
        assert internal not in response.text


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
async def test_other_methods_on_the_predict_path_are_405_and_never_score(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path, method: str
) -> None:
    """Attack (pinned): HEAD/OPTIONS/GET and the rest on the predict path answer 405 with
    ``Allow: POST`` and the security headers, as the router did before the bare endpoint."""
    version = str(await register(tenant.id, model_dir))
    body = orjson.dumps({"rows": ROWS}) if method in ("PUT", "DELETE", "PATCH") else None
    response = await client.request(
        method, _predict_url(version), content=body, headers={**tenant.bearer, **JSON_HEADERS}
    )
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert response.headers["x-content-type-options"] == "nosniff"
    if method != "HEAD":
        assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


async def test_a_cookie_session_from_another_site_cannot_predict(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    """Attack (pinned): CSRF. A signed-in browser's cookie alone (no X-CSRF-Token echo, or
    a wrong one) is refused 403 on the bare endpoint; a simple-request media type never
    gets that far (415)."""
    version = str(await register(tenant.id, model_dir))
    signed_in = await client.post(
        "/auth/login",
        content=orjson.dumps(
            {"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password}
        ),
        headers=JSON_HEADERS,
    )
    assert signed_in.status_code == 200, signed_in.text
    body = orjson.dumps({"rows": ROWS})
    evil = {"origin": "https://evil.example.org", "sec-fetch-site": "cross-site"}
    for headers, status in [
        ({**evil, **JSON_HEADERS}, 403),
        ({**evil, **JSON_HEADERS, "x-csrf-token": "guess"}, 403),
        ({**evil, "content-type": "text/plain"}, 415),
        ({**evil, "content-type": "application/x-www-form-urlencoded"}, 415),
    ]:
        response = await client.post(_predict_url(version), content=body, headers=headers)
        assert response.status_code == status, (headers, response.text)
    ok = await client.post(
        _predict_url(version),
        content=body,
        headers={**JSON_HEADERS, "x-csrf-token": signed_in.json()["csrfToken"]},
    )
    assert ok.status_code == 200, ok.text


async def test_another_tenants_version_and_odd_names_are_not_found(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture, model_dir: Path
) -> None:
    """Attack (pinned): another organization's admin names this tenant's version by id,
    or its model by name, through the stable endpoint; odd model names ('/', '%2F', '..',
    very long, a UUID with a suffix) are a clear 4xx, never a 500 nor another tenant's
    model."""
    version = str(await register(tenant.id, model_dir, name="fraud/eu"))
    body = orjson.dumps({"rows": ROWS})
    headers = {**other_tenant.bearer, **JSON_HEADERS}
    for target in [version, "fraud/eu", "fraud%2Feu", "../fraud/eu", "fraud/eu/..", "x" * 5000]:
        response = await client.post(_predict_url(target), content=body, headers=headers)
        assert 400 <= response.status_code < 500, (target[:50], response.text)
        assert response.status_code != 405
        assert version not in response.text
    own = await client.post(
        _predict_url(version), content=body, headers={**tenant.bearer, **JSON_HEADERS}
    )
    assert own.status_code == 200, own.text


async def test_a_call_after_a_promotion_notice_never_gets_the_lookup_from_before_it(
    tenant: TenantFixture,
) -> None:
    """W5-3 (low, integrity of the stable endpoint): version lookups became single-flight.
    A lookup that started before a promotion/demotion notice (``forget``) was not kept in
    the cache, but every call arriving *after* the notice joined it while it was still in
    flight, so it was scored with the version that had just been demoted (before this
    pass, each call after the notice read the database itself)."""
    versions = ServableVersions()
    key = (tenant.id, "name:fraud")
    gate = asyncio.Event()

    async def before_the_promotion(session: AsyncSession) -> Any:
        await gate.wait()
        return "demoted version"

    async def after_the_promotion(session: AsyncSession) -> Any:
        return "promoted version"

    first = asyncio.create_task(versions._get(key, before_the_promotion))
    await asyncio.sleep(0.05)  # its lookup is in flight
    versions.forget({"tenant_id": str(tenant.id), "kind": "stage"})  # the promotion notice
    second = asyncio.create_task(versions._get(key, after_the_promotion))
    await asyncio.sleep(0.05)
    gate.set()
    assert str(await first) == "demoted version"  # it asked before the notice: either is fine
    assert str(await second) == "promoted version"
    third = await versions._get(key, before_the_promotion)  # now cached: no lookup
    assert str(third) == "promoted version"


async def test_a_request_after_the_revocation_notice_never_joins_a_refresh_from_before(
    tenant: TenantFixture,
) -> None:
    """W5-4 (low, revocation "at once", docs/api.md): a token's cache entry is now re-read
    in the background in the last quarter of its life, so for a busy token a lookup is
    nearly always in flight then. A request arriving just after the revocation notice
    found the entry dropped (right) but joined that in-flight lookup, which had read the
    token as valid before the revocation: the revoked token was let in once more (for
    as long as the lookup took). The single-flight was there before, but rarely in
    flight; refresh-ahead made it routine."""
    principal = await _load_token(tenant.token)
    authenticator = Authenticator(ttl=5.0)
    key = "t:" + secret_hash(tenant.token)
    gate = asyncio.Event()

    async def read_before_the_revocation(secret: str) -> Principal:
        await gate.wait()
        return principal

    async def read_after_the_revocation(secret: str) -> Principal:
        raise Unauthenticated("This API token was revoked.")

    first = asyncio.create_task(
        authenticator._resolve(key, tenant.token, read_before_the_revocation)
    )
    await asyncio.sleep(0.05)  # its lookup is in flight
    authenticator.on_forget({"credential_id": str(principal.credential_id)})  # the notice
    second = asyncio.create_task(
        authenticator._resolve(key, tenant.token, read_after_the_revocation)
    )
    await asyncio.sleep(0.05)
    gate.set()
    assert await first is principal  # it asked before the notice
    with pytest.raises(Unauthenticated):
        await second


def test_a_forked_process_never_repeats_its_parents_prediction_ids() -> None:
    """Attack (pinned): prediction ids now come from a 4 KiB ``os.urandom`` pool. A worker
    forked with a half-used pool must not hand out the bytes its parent hands out next
    (two processes, the same ids in the same millisecond: one row's outcome joined to
    another's prediction)."""
    at = datetime.now(UTC)
    uuid7_block(at, 1)  # the parent's pool is filled, and partly used
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its next ids, then out without any clean-up
        try:
            os.write(writer, orjson.dumps(uuid7_block(at, 50) + uuid7_block(at, 50)))
        finally:
            os._exit(0)
    os.close(writer)
    mine = uuid7_block(at, 50) + uuid7_block(at, 50)
    with os.fdopen(reader, "rb") as stream:
        theirs = orjson.loads(stream.read())
    os.waitpid(child, 0)
    assert len(theirs) == 100
    assert not set(mine) & set(theirs)


async def test_ambiguous_or_oversized_bodies_are_refused_before_the_endpoint_reads_them(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    """Attack (pinned): the bare endpoint sits behind BodyLimit like the router did. Two
    Content-Type headers (the endpoint could read either) are 415; a declared length over
    the cap is 413 before a byte is read; a chunked body over the cap is 413 too."""
    version = str(await register(tenant.id, model_dir))
    url = _predict_url(version)
    body = orjson.dumps({"rows": ROWS})
    two = [
        *tenant.bearer.items(),
        ("content-type", "application/json"),
        ("content-type", "text/plain"),
    ]
    response = await client.post(url, content=body, headers=two)
    assert response.status_code == 415, response.text
    huge = b" " * (settings.PREDICT_MAX_BODY_BYTES + 1)
    headers = {**tenant.bearer, **JSON_HEADERS}
    response = await client.post(url, content=body + huge, headers=headers)
    assert response.status_code == 413, response.text

    async def chunked() -> Any:
        yield body
        for _ in range(settings.PREDICT_MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    response = await client.post(url, content=chunked(), headers=headers)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"


class _SlowProxy:
    """A real TCP relay to the KMS endpoint that holds every request for ``delay``
    seconds: KMS answering slowly (a throttled or degraded region)."""

    def __init__(self, target: str, delay: float) -> None:
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.delay = delay
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, slow: bool) -> None:
        try:
            while data := source.recv(65536):
                if slow:
                    time.sleep(self.delay)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def close(self) -> None:
        self.server.close()


async def test_a_slow_kms_never_stalls_the_event_loop(
    kms_url: str,  # noqa: F811
    kms_key: dict[str, str],  # noqa: F811
    ring_db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """W5-5 (medium, availability of every tenant on a process), fixed: with
    PHANTOM_KEY_PROVIDER=aws-kms, an unwrapped master key lives PHANTOM_KMS_CACHE_SECONDS.
    Past that, the next ``crypto.seal``/``unseal`` re-unwrapped it with KMS DescribeKey
    and Decrypt, synchronously, and its callers are coroutines on the event loop (an
    audited request with personal data unseals a subject key every time; SSO sign-in
    unseals the client secret): every few minutes one request stalled every other one for
    a KMS round trip, and for up to ~45 s when KMS was degraded. Now a keeper thread
    unwraps the keys again every quarter lifetime. Here KMS answers each call in 0.3 s
    (a slow KMS: two calls per unwrap) and the key lives 2 s; the loop unseals for
    longer than the key's lifetime and never waits."""
    proxy = _SlowProxy(kms_url, delay=0.3)
    provider = KmsKeyProvider(
        kms_settings(proxy.url, kms_key["arn"], ring_db, tmp_path, KMS_CACHE_SECONDS=2.0)
    )
    keys.install(provider)
    try:
        sealed = crypto.seal(b"subject key", purpose="p", aad=b"t")  # the ring is made
        first_unwraps = provider.decrypt_calls
        gaps: list[float] = []
        last = time.monotonic()
        until = last + 3.0  # past the first key's expiry (2 s)
        while time.monotonic() < until:
            # what audit.record's _seal_personal does, on the event loop
            assert crypto.unseal(sealed, purpose="p", aad=b"t") == b"subject key"
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now
        assert provider.decrypt_calls > first_unwraps, "the key was unwrapped again"
        assert max(gaps) < 0.25, f"the event loop stalled {max(gaps):.2f} s on KMS"
    finally:
        keys.install(None)
        proxy.close()
