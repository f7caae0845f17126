"""Issue 10, "also check": unpacked models were reused without re-checking their hash and
never deleted. A model is a pickle: whoever can change its files on the serving host runs
code in the API process at the next load. Every load must start from the packed artefact,
verified against the hash the registry recorded, and unpacked copies must go away when
the model leaves the cache."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from phantom.automl.engines.anomaly import ARTIFACT
from phantom.config import settings
from phantom.serving.cache import models
from tests.security.model_support import (
    PREDICT,
    ROWS,
    artifact_key,
    fit_model,
    overwrite_stored,
    plant,
    planted_archive,
    predict_variables,
    register,
)
from tests.support.fixtures import TenantFixture, gql


def unpacked(version_id: uuid.UUID) -> list[Path]:
    """The unpacked copies of a version on this host (any naming: the directory's name
    starts with the version id)."""
    root = settings.VAR_DIR / "models"
    return sorted(root.glob(f"{version_id}*")) if root.exists() else []


async def predict(
    client: httpx.AsyncClient, tenant: TenantFixture, version_id: uuid.UUID
) -> dict[str, object]:
    return await gql(client, PREDICT, predict_variables(version_id), headers=tenant.bearer)


@pytest.fixture
def one_model_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of one model, so loading a second evicts the first (a real eviction)."""
    monkeypatch.setattr(models, "size", 1)


@pytest.mark.usefixtures("one_model_cached")
async def test_a_tampered_unpacked_model_is_never_unpickled_and_evicted_copies_are_deleted(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    # given: two registered versions; the first is loaded (and so unpacked on disk)
    model_dir = fit_model(tmp_path / "fit")
    first = await register(tenant.id, model_dir)
    second = await register(tenant.id, model_dir)
    assert "errors" not in await predict(client, tenant, first)
    copies = unpacked(first)
    # when: someone with write access to the serving host swaps the unpacked model for a
    # pickle that runs code, and the model is evicted by another one
    marker = tmp_path / "planted-code-ran"
    for copy in copies:
        for model_file in copy.rglob(ARTIFACT):
            plant(model_file, marker)
    assert "errors" not in await predict(client, tenant, second)
    # then: the evicted version's unpacked copy is gone
    assert unpacked(first) == [], "an evicted model's unpacked copy is still on disk"
    # and loading it again starts from the verified packed artefact: the planted file is
    # never unpickled and the genuine model answers
    body = await predict(client, tenant, first)
    assert not marker.exists(), "a tampered unpacked model was unpickled"
    assert "errors" not in body, body
    # and the REST path serves the same model
    rest = await client.post(
        f"/api/v1/models/{first}/predict", json={"rows": ROWS}, headers=tenant.bearer
    )
    assert rest.status_code == 200, rest.text
    assert rest.json()["predictions"] == body["data"]["predict"]["predictions"]  # type: ignore[index]


@pytest.mark.usefixtures("one_model_cached")
async def test_a_tampered_packed_artefact_is_refused_even_after_an_earlier_load(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    # given: version one was loaded once (unpacked on disk), then evicted by version two
    model_dir = fit_model(tmp_path / "fit")
    first = await register(tenant.id, model_dir)
    second = await register(tenant.id, model_dir)
    assert "errors" not in await predict(client, tenant, first)
    assert "errors" not in await predict(client, tenant, second)
    # when: its artefact in the object store is replaced by one that runs code on load
    marker = tmp_path / "planted-code-ran"
    evil = tmp_path / "evil.tgz"
    planted_archive(evil, marker)
    overwrite_stored(await artifact_key(tenant.id, first), evil)
    body = await predict(client, tenant, first)
    # then: refused with a clear error, nothing unpickled
    assert not marker.exists(), "a tampered artefact was unpickled"
    errors = body.get("errors")
    assert isinstance(errors, list), body
    assert errors, body
    assert "does not match its recorded hash" in errors[0]["message"], body
    assert unpacked(first) == []
