"""PostgreSQL row-level security as a second wall: with the application role (no
superuser, no BYPASSRLS, owns nothing), raw SQL in tenant A's transaction sees and
changes only A's rows, even with the ORM's tenant filter switched off. Tables are read
from the metadata, so a new tenant table without RLS fails here."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from phantom.db import transaction
from phantom.identity.models import ApiToken, Membership
from phantom.identity.sessions import user_sessions
from phantom.models import every_table
from tests.support.fixtures import TenantFixture

TENANT_TABLES = sorted(t.name for t in every_table().sorted_tables if "tenant_id" in t.columns)
# tables a tenant, a sign-in and an SSO configuration put no row in (their own tests
# check isolation with rows in both tenants: tests/audit, tests/compliance, tests/datasets,
# tests/automl)
NOT_SEEDED_BY_SIGN_IN = {
    "alert_rules",  # alerts and webhooks: tests/alerts, tests/webhooks
    "alert_streaks",
    "alerts",
    "audit_mac_epochs",  # only organizations that existed before event MACs have a row
    "audit_retention_policies",
    "batch_prediction_jobs",  # models in production: tests/batch, tests/monitoring,
    "data_subject_requests",
    "datasets",
    "idempotency_keys",  # tests/kit/test_idempotency.py (rows in both tenants)
    "model_versions",
    "monitoring_settings",  # tests/serving
    "model_reports",  # governance: tests/reports, tests/approvals, tests/value
    "monitoring_windows",
    "prediction_batches",
    "prediction_log_retention",
    "prediction_outcomes",
    "promotion_policies",
    "promotion_requests",
    "registered_models",
    "training_jobs",
    "value_models",
    "webhook_deliveries",
    "webhooks",
}


async def seed_session(tenant: TenantFixture) -> None:
    async with transaction(None) as session:
        await user_sessions.login(
            session,
            tenant_slug=tenant.slug,
            email=tenant.admin_email,
            password=tenant.password,
            ip=None,
            user_agent=None,
        )


async def seed_oidc_config(tenant: TenantFixture) -> None:
    from phantom.identity.sso.models import OidcConfig

    async with transaction(tenant.id) as session:
        session.add(
            OidcConfig(
                issuer="https://idp.example",
                client_id="phantom",
                client_secret_sealed=b"sealed",
                scopes=["openid"],
                allowed_email_domains=[],
                default_role="viewer",
                role_mapping=[],
            )
        )


@pytest.fixture
async def two(tenant: TenantFixture, other_tenant: TenantFixture) -> tuple[TenantFixture, ...]:
    for t in (tenant, other_tenant):
        await seed_session(t)
        await seed_oidc_config(t)
    return tenant, other_tenant


def test_tenant_tables_are_known() -> None:
    assert {"memberships", "api_tokens", "user_sessions", "custom_roles"} <= set(TENANT_TABLES)


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_every_tenant_table_forces_row_level_security(table: str) -> None:
    async with transaction(None) as session:
        row = (
            await session.execute(
                text(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                    "WHERE relname = :t AND relkind = 'r'"
                ),
                {"t": table},
            )
        ).one()
    assert tuple(row) == (True, True), f"{table}: use kit.rls.enable_tenant_rls in its migration"


async def test_the_application_role_cannot_bypass_or_disable_it() -> None:
    async with transaction(None) as session:
        row = (
            await session.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            )
        ).one()
        assert tuple(row) == (False, False)
    with pytest.raises(DBAPIError, match="must be owner"):
        async with transaction(None) as session:
            await session.execute(text("ALTER TABLE memberships DISABLE ROW LEVEL SECURITY"))


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_raw_sql_in_a_tenant_transaction_sees_only_that_tenant(
    two: tuple[TenantFixture, TenantFixture], table: str
) -> None:
    a, b = two
    async with transaction(a.id) as session:
        seen = set((await session.execute(text(f'SELECT tenant_id FROM "{table}"'))).scalars())
    assert seen <= {a.id}
    async with transaction(None) as session:  # the system sees both: the rows exist
        everyone = set((await session.execute(text(f'SELECT tenant_id FROM "{table}"'))).scalars())
    if table != "custom_roles" and table not in NOT_SEEDED_BY_SIGN_IN:
        assert {a.id, b.id} <= everyone


async def test_with_the_orm_filter_off_rls_alone_still_isolates(
    two: tuple[TenantFixture, TenantFixture],
) -> None:
    a, _ = two
    async with transaction(a.id) as session:
        memberships = (
            await session.scalars(
                select(Membership).execution_options(all_tenants=True)  # tenant-scope: test
            )
        ).all()
        tokens = (
            await session.scalars(
                select(ApiToken).execution_options(all_tenants=True)  # tenant-scope: test
            )
        ).all()
    assert memberships
    assert {m.tenant_id for m in memberships} == {a.id}
    assert {t.tenant_id for t in tokens} == {a.id}


async def test_writes_into_another_tenant_are_refused_or_miss(
    two: tuple[TenantFixture, TenantFixture],
) -> None:
    a, b = two
    async with transaction(a.id) as session:
        result = await session.execute(
            text("UPDATE api_tokens SET name = 'hijacked' WHERE tenant_id = :b"), {"b": b.id}
        )
        assert result.rowcount == 0  # type: ignore[attr-defined]
        result = await session.execute(
            text("DELETE FROM memberships WHERE tenant_id = :b"), {"b": b.id}
        )
        assert result.rowcount == 0  # type: ignore[attr-defined]
    with pytest.raises(DBAPIError, match="row-level security"):
        async with transaction(a.id) as session:
            await session.execute(
                text(
                    "INSERT INTO custom_roles (id, tenant_id, name, description, created_at, "
                    "updated_at) VALUES (:id, :b, 'planted', '', now(), now())"
                ),
                {"id": uuid.uuid4(), "b": b.id},
            )
    async with transaction(None) as session:
        names = (await session.execute(text("SELECT name FROM api_tokens"))).scalars().all()
    assert "hijacked" not in names


async def test_a_pooled_connection_carries_no_tenant_to_the_next_user(
    two: tuple[TenantFixture, TenantFixture],
) -> None:
    """Pool of one: a tenant transaction, then raw use of the same connection."""
    a, _ = two
    engine = create_async_engine(os.environ["PHANTOM_DATABASE_URL"], pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(a.id)}
            )
            inside = await connection.scalar(text("SELECT count(*) FROM memberships"))
        async with engine.connect() as connection:
            after = await connection.scalar(text("SELECT count(*) FROM memberships"))
            setting = await connection.scalar(text("SELECT current_setting('app.tenant_id', true)"))
    finally:
        await engine.dispose()
    assert (inside or 0) >= 1
    assert after == 0
    assert setting == ""
