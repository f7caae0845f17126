"""The model registry's promises: versions are numbered per model (and per tenant), a
version moves to STAGING and PRODUCTION, and PRODUCTION is exclusive per model: promoting
another version archives the previous production one, and nothing else."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.registry.support import Registry
from tests.support.fixtures import TenantFixture, error_codes, gql

pytestmark = pytest.mark.slow  # each model version is a real fit in a child process

PROMOTE = """mutation($id: ID!, $stage: ModelStage!) {
  promoteModelVersion(id: $id, stage: $stage) { id version stage stageChangedAt } }"""
VERSION = "query($id: ID!) { modelVersion(id: $id) { id modelName version stage stageChangedAt } }"
LISTING = """query($stage: ModelStage) {
  modelVersions(first: 50, stage: $stage) { edges { node { id modelName version stage } } } }"""


async def stage_of(client: httpx.AsyncClient, tenant: TenantFixture, version_id: str) -> str:
    body = await gql(client, VERSION, {"id": version_id}, headers=tenant.bearer)
    assert "errors" not in body, body
    stage: str = body["data"]["modelVersion"]["stage"]
    return stage


async def promote(
    client: httpx.AsyncClient, tenant: TenantFixture, version_id: str, stage: str
) -> dict[str, Any]:
    return await gql(client, PROMOTE, {"id": version_id, "stage": stage}, headers=tenant.bearer)


async def test_versions_are_numbered_per_model_and_per_tenant(
    client: httpx.AsyncClient, registry: Registry
) -> None:
    # given: two versions of Fraud, then one of Churn, in one tenant; one Fraud elsewhere
    # then: each model counts its own versions from 1
    assert [v["version"] for v in registry.fraud] == [1, 2]
    assert registry.churn["version"] == 1
    assert registry.theirs["version"] == 1
    body = await gql(client, LISTING, {"stage": None}, headers=registry.tenant.bearer)
    listed = {
        (e["node"]["modelName"], e["node"]["version"], e["node"]["stage"])
        for e in body["data"]["modelVersions"]["edges"]
    }
    assert listed == {("Fraud", 1, "NONE"), ("Fraud", 2, "NONE"), ("Churn", 1, "NONE")}
    # and each keeps its lineage: the dataset and the job that made it
    lineage = await gql(
        client,
        "query($id: ID!) { modelVersion(id: $id) { dataset { id } trainingJob { id } } }",
        {"id": registry.fraud[1]["id"]},
        headers=registry.tenant.bearer,
    )
    assert lineage["data"]["modelVersion"] == {
        "dataset": {"id": registry.dataset},
        "trainingJob": {"id": registry.fraud[1]["job"]},
    }, lineage


async def test_promoting_to_production_archives_the_previous_production_version_only(
    client: httpx.AsyncClient, registry: Registry
) -> None:
    tenant, other = registry.tenant, registry.other
    v1, v2 = (v["id"] for v in registry.fraud)
    # given: the neighbour's Fraud and our Churn in production
    for owner, version_id in ((other, registry.theirs["id"]), (tenant, registry.churn["id"])):
        body = await promote(client, owner, version_id, "PRODUCTION")
        assert body["data"]["promoteModelVersion"]["stage"] == "PRODUCTION", body

    # when: version 1 goes through STAGING to PRODUCTION
    staged = await promote(client, tenant, v1, "STAGING")
    assert staged["data"]["promoteModelVersion"]["stage"] == "STAGING", staged
    assert staged["data"]["promoteModelVersion"]["stageChangedAt"] is not None
    assert await stage_of(client, tenant, v1) == "STAGING"
    live = await promote(client, tenant, v1, "PRODUCTION")
    assert live["data"]["promoteModelVersion"]["stage"] == "PRODUCTION", live
    # and version 2 is staged: version 1 stays in production
    assert (await promote(client, tenant, v2, "STAGING"))["data"]["promoteModelVersion"][
        "stage"
    ] == "STAGING"
    assert await stage_of(client, tenant, v1) == "PRODUCTION"

    # when: version 2 is promoted to PRODUCTION
    body = await promote(client, tenant, v2, "PRODUCTION")
    assert body["data"]["promoteModelVersion"]["stage"] == "PRODUCTION", body
    # then: version 1 is archived; the other model and the other tenant keep theirs
    assert await stage_of(client, tenant, v1) == "ARCHIVED"
    assert await stage_of(client, tenant, v2) == "PRODUCTION"
    assert await stage_of(client, tenant, registry.churn["id"]) == "PRODUCTION"
    assert await stage_of(client, other, registry.theirs["id"]) == "PRODUCTION"
    production = await gql(client, LISTING, {"stage": "PRODUCTION"}, headers=tenant.bearer)
    assert {
        (e["node"]["modelName"], e["node"]["version"])
        for e in production["data"]["modelVersions"]["edges"]
    } == {("Fraud", 2), ("Churn", 1)}

    # refusals: the same stage again, and back to NONE
    assert error_codes(await promote(client, tenant, v2, "PRODUCTION")) == ["CONFLICT"]
    assert error_codes(await promote(client, tenant, v1, "NONE")) == ["BAD_USER_INPUT"]
    # an archived version can come back: it archives the current production one
    back = await promote(client, tenant, v1, "PRODUCTION")
    assert back["data"]["promoteModelVersion"]["stage"] == "PRODUCTION", back
    assert await stage_of(client, tenant, v2) == "ARCHIVED"
