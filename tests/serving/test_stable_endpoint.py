"""``POST /api/v1/models/<model name>/predict`` scores with the model's PRODUCTION
version: 409 without one, follows promotions at once, 404 for a name another tenant
uses."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.serving.support import payment_rows
from tests.support.approvals import approver_of, promote_with_approval
from tests.support.fixtures import TenantFixture, create_tenant, error_codes, gql
from tests.support.models import train_version, upload_payments

pytestmark = pytest.mark.slow  # real fits in a child process

PROMOTE = "mutation($id: ID!) { promoteModelVersion(id: $id, stage: PRODUCTION) { id } }"
NAME = "Card fraud / EU"  # a space and a slash: the URL carries any model name


@pytest.fixture(scope="module")
async def model(app: Any) -> tuple[TenantFixture, list[str]]:
    tenant = await create_tenant("Alpha Bank")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        dataset = await upload_payments(client, tenant)
        versions = [await train_version(client, tenant, dataset, NAME) for _ in range(2)]
    return tenant, [str(v["id"]) for v in versions]


async def by_name(client: httpx.AsyncClient, tenant: TenantFixture, name: str) -> httpx.Response:
    return await client.post(
        f"/api/v1/models/{quote(name, safe='')}/predict",
        json={"rows": payment_rows(2)},
        headers=tenant.bearer,
    )


async def test_the_stable_endpoint_follows_the_production_version(
    client: httpx.AsyncClient, model: tuple[TenantFixture, list[str]]
) -> None:
    tenant, (first, second) = model
    # without a PRODUCTION version: 409, saying what to do
    answer = await by_name(client, tenant, NAME)
    assert answer.status_code == 409, answer.text
    assert "no version in PRODUCTION" in answer.json()["error"]["message"]
    # promoted (four-eyes, the default: the owner asks, a second member approves): scored
    # by that version
    refused = await gql(client, PROMOTE, {"id": first}, headers=tenant.bearer)
    assert error_codes(refused) == ["CONFLICT"], refused
    approver = await approver_of(tenant)
    await promote_with_approval(client, tenant, first, approver=approver)
    answer = await by_name(client, tenant, NAME)
    assert answer.status_code == 200, answer.text
    assert answer.json()["modelVersionId"] == first
    assert len(answer.json()["predictionIds"]) == 2
    # another version approved: the same URL follows at once (no cache delay)
    await promote_with_approval(client, tenant, second, approver=approver)
    answer = await by_name(client, tenant, NAME)
    assert answer.status_code == 200
    assert answer.json()["modelVersionId"] == second
    # an unknown name, and this name from another organization: 404, nothing revealed
    assert (await by_name(client, tenant, "No such model")).status_code == 404
    other = await create_tenant("Beta Insurance")
    foreign = await by_name(client, other, NAME)
    assert foreign.status_code == 404
    assert second not in foreign.text


async def test_a_model_name_shaped_like_an_id_is_refused(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    dataset = await upload_payments(client, tenant)
    body = await gql(
        client,
        "mutation($d: ID!) { startTraining(input: {datasetId: $d, taskType: ANOMALY_DETECTION, "
        'timeBudgetSeconds: 5, modelName: "0b6c2d9e-7100-4000-8000-000000000000"}) { id } }',
        {"d": dataset},
        headers=tenant.bearer,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "cannot look like an id" in body["errors"][0]["message"]
