"""One world for the package, trained once: real versions take seconds each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from phantom.authz.permissions import MATRIX, P
from phantom.authz.roles import Role
from tests.graphql.test_schema_permissions import member_with
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.models import train_version, upload_payments


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    tenant: TenantFixture  # its owner holds every permission
    other: TenantFixture
    versions: list[str]  # three versions of "Fraud" in the tenant
    theirs: str  # the other tenant's version
    approver: dict[str, str]  # models:approve (and reads, to see names)
    promoter: dict[str, str]  # models:read + models:promote (no approve)
    viewer: dict[str, str]  # the built-in viewer's permissions
    admin: dict[str, str]  # the built-in admin's permissions


@pytest.fixture(scope="package")
async def world(app: Any) -> World:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        ours = await upload_payments(client, tenant)
        versions = [str((await train_version(client, tenant, ours, "Fraud"))["id"]) for _ in "abc"]
        theirs = await train_version(client, other, await upload_payments(client, other), "Fraud")
    return World(
        tenant=tenant,
        other=other,
        versions=versions,
        theirs=str(theirs["id"]),
        approver=bearer(
            await member_with(tenant, {P.DATASETS_READ, P.MODELS_READ, P.MODELS_APPROVE})
        ),
        promoter=bearer(await member_with(tenant, {P.MODELS_READ, P.MODELS_PROMOTE})),
        viewer=bearer(await member_with(tenant, set(MATRIX[Role.VIEWER]))),
        admin=bearer(await member_with(tenant, set(MATRIX[Role.ADMIN]))),
    )
