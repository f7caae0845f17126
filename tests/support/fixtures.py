"""Factories and clients shared by the test suite."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

PASSWORD = "correct horse battery staple"


@dataclass
class TenantFixture:
    id: uuid.UUID
    slug: str
    name: str
    admin_email: str
    password: str
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def create_tenant(name: str | None = None) -> TenantFixture:
    """A tenant with an owner and an API token for the owner."""
    from phantom.db import transaction
    from phantom.identity.tenants import tenants
    from phantom.identity.tokens import tokens

    slug = f"t-{secrets.token_hex(4)}"
    email = f"owner@{slug}.example.com"
    async with transaction(None) as session:
        new = await tenants.create(
            session,
            slug=slug,
            name=name or f"Tenant {slug}",
            admin_email=email,
            admin_password=PASSWORD,
        )
    async with transaction(new.tenant.id) as session:
        secret, _ = await tokens.create(session, tenant_id=new.tenant.id, email=email, name="tests")
    return TenantFixture(new.tenant.id, slug, new.tenant.name, email, PASSWORD, secret)


@pytest.fixture
async def tenant() -> TenantFixture:
    return await create_tenant("Alpha Bank")


@pytest.fixture
async def other_tenant() -> TenantFixture:
    return await create_tenant("Beta Insurance")


@pytest.fixture(scope="session")
def app() -> Any:
    from phantom.app import create_app

    return create_app()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
