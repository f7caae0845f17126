"""Issue 10, "also check": a prediction held its database connection while the model
loaded. Loading takes seconds (download, hash, unpack, unpickle, an H2O node), so one
organization sending concurrent predictions for a cold model could take every pooled
connection and stall all other organizations. Connections are released before the load
and the engine call; here tenant B's query must complete while tenant A's loads are still
blocked."""

from __future__ import annotations

import asyncio
import io
import pickle
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import joblib
import pytest

from phantom import db
from phantom.automl.engines.anomaly import ARTIFACT
from phantom.identity import authn
from tests.security.model_support import PREDICT, fit_model, predict_variables, register
from tests.support.fixtures import TenantFixture, gql

CONCURRENT = 12  # more than the pool holds: 1 + 5 overflow
LOADING = threading.Event()
RELEASE = threading.Event()


def load_when_released(genuine: bytes) -> Any:
    """Runs inside the model's unpickling (the real load path): signals that a load is
    under way, then waits for the test to let it finish."""
    LOADING.set()
    RELEASE.wait(60)
    return joblib.load(io.BytesIO(genuine))


class SlowToLoad:
    def __init__(self, genuine: bytes) -> None:
        self.genuine = genuine

    def __reduce__(self) -> tuple[Any, ...]:
        return (load_when_released, (self.genuine,))


def slow_model(root: Path) -> Path:
    model_dir = fit_model(root)
    artifact = model_dir / ARTIFACT
    artifact.write_bytes(pickle.dumps(SlowToLoad(artifact.read_bytes())))
    return model_dir


@pytest.fixture
async def small_pool(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """A pool of one connection (plus the engine's 5 overflow) for this test's requests."""
    await db.dispose_engine()
    monkeypatch.setattr(db, "settings", db.settings.model_copy(update={"DATABASE_POOL_SIZE": 1}))
    # concurrent first requests of one credential each reserve a share of its burst: lift
    # the limit so all of A's requests reach the model (an attacker spreads them anyway)
    patched = authn.settings.model_copy(update={"RATE_LIMIT_PER_CREDENTIAL": 100_000})
    monkeypatch.setattr(authn, "settings", patched)
    try:
        yield
    finally:
        RELEASE.set()
        await db.dispose_engine()  # rebuilt with the normal pool at next use


@pytest.mark.usefixtures("small_pool")
async def test_slow_model_loads_of_one_tenant_do_not_starve_another_of_connections(
    client: httpx.AsyncClient, tenant: TenantFixture, other_tenant: TenantFixture, tmp_path: Path
) -> None:
    # given: tenant A's model takes until RELEASE to load
    LOADING.clear()
    RELEASE.clear()
    version = await register(tenant.id, slow_model(tmp_path / "fit"))
    # when: A sends more concurrent predictions than the pool has connections
    predictions = [
        asyncio.create_task(gql(client, PREDICT, predict_variables(version), headers=tenant.bearer))
        for _ in range(CONCURRENT)
    ]
    assert await asyncio.to_thread(LOADING.wait, 30), "the model load never started"
    await asyncio.sleep(1)  # let every prediction reach the load
    # then: B's query (it needs the database) completes while A's load is still blocked
    try:
        body = await asyncio.wait_for(
            gql(
                client,
                "{ viewer { email } datasets { totalCount } }",
                headers=other_tenant.bearer,
            ),
            timeout=15,
        )
    except TimeoutError:
        pytest.fail("tenant B's query waited on connections held by tenant A's model loads")
    finally:
        still_loading = not RELEASE.is_set()
        RELEASE.set()
        answers = await asyncio.gather(*predictions)
    assert still_loading
    assert body["data"]["viewer"]["email"] == other_tenant.admin_email, body
    assert body["data"]["datasets"]["totalCount"] == 0
    # and A's predictions all complete once the model is loaded
    assert all("errors" not in answer for answer in answers), answers[0]
