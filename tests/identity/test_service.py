"""Identity rules, each bad input with a clear error and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from phantom.db import transaction
from phantom.identity.models import ApiToken, Membership, Tenant, User
from phantom.identity.sessions import user_sessions
from phantom.identity.tenants import tenants
from phantom.identity.tokens import tokens
from phantom.kit.errors import BadUserInput, Conflict, NotFound, Unauthenticated
from phantom.kit.rows import utcnow
from tests.support.fixtures import PASSWORD, TenantFixture


async def counts() -> tuple[int, int, int]:
    async with transaction(None) as session:
        tenants = await session.scalar(select(func.count()).select_from(Tenant))
        users = await session.scalar(select(func.count()).select_from(User))
        memberships = await session.scalar(
            select(func.count()).select_from(Membership).execution_options(all_tenants=True)
        )  # tenant-scope: counting every tenant's rows on purpose
    return tenants or 0, users or 0, memberships or 0


@pytest.mark.parametrize(
    ("slug", "email", "password", "message"),
    [
        ("Bad_Slug", "a@b.example.com", PASSWORD, "Invalid organization slug"),
        ("ab", "a@b.example.com", PASSWORD, "Invalid organization slug"),
        ("-lead", "a@b.example.com", PASSWORD, "Invalid organization slug"),
        ("x" * 64, "a@b.example.com", PASSWORD, "Invalid organization slug"),
        ("admin", "a@b.example.com", PASSWORD, "reserved"),
        ("good-slug", "not-an-email", PASSWORD, "Invalid email address"),
        ("good-slug", "a@" + "b" * 320 + ".com", PASSWORD, "Invalid email address"),
        ("good-slug", "a@b.example.com", "short", "Password too short"),
        ("good-slug", "a@b.example.com", "p" * 257, "Password too long"),
    ],
)
async def test_create_tenant_rejects_bad_input_and_writes_nothing(
    slug: str, email: str, password: str, message: str
) -> None:
    # given
    before = await counts()
    # when
    with pytest.raises(BadUserInput, match=message):
        async with transaction(None) as session:
            await tenants.create(
                session, slug=slug, name="Name", admin_email=email, admin_password=password
            )
    # then
    assert await counts() == before


async def test_duplicate_slug_is_a_conflict_and_writes_nothing(tenant: TenantFixture) -> None:
    before = await counts()
    with pytest.raises(Conflict, match=f"'{tenant.slug}' already exists"):
        async with transaction(None) as session:
            await tenants.create(
                session,
                slug=tenant.slug,
                name="Again",
                admin_email="new@x.example.com",
                admin_password=PASSWORD,
            )
    assert await counts() == before


async def test_blank_or_control_character_names_are_refused() -> None:
    for name in ("   ", "bad\x00name"):
        with pytest.raises(BadUserInput):
            async with transaction(None) as session:
                await tenants.create(
                    session,
                    slug="fine-slug",
                    name=name,
                    admin_email="a@b.example.com",
                    admin_password=PASSWORD,
                )


async def test_generated_password_works_for_login() -> None:
    async with transaction(None) as session:
        new = await tenants.create(
            session,
            slug="gen-pass",
            name="Generated",
            admin_email="gen@pass.example.com",
            admin_password=None,
        )
    assert new.generated_password
    assert len(new.generated_password) >= 12
    async with transaction(None) as session:
        login = await user_sessions.login(
            session,
            tenant_slug="gen-pass",
            email="gen@pass.example.com",
            password=new.generated_password,
            ip=None,
            user_agent=None,
        )
    assert login.principal.tenant_slug == "gen-pass"
    assert login.principal.roles == ("owner",)


async def test_token_is_stored_hashed_and_authenticates(tenant: TenantFixture) -> None:
    async with transaction(tenant.id) as session:
        stored = (await session.scalars(select(ApiToken))).all()
    assert stored, "the fixture's token is there"
    assert all(tenant.token not in (t.token_hash, t.prefix) for t in stored)
    async with transaction(None) as session:
        principal = await tokens.principal_for(session, tenant.token)
    assert principal.tenant_id == tenant.id
    assert principal.email == tenant.admin_email


@pytest.mark.parametrize(
    "secret",
    ["", "phm_", "phm_" + "A" * 43, "Bearer x", "x" * 10_000, "phm_" + "é" * 43, "' OR 1=1 --"],
)
async def test_unknown_or_malformed_tokens_are_refused(secret: str) -> None:
    with pytest.raises(Unauthenticated, match="invalid, expired or revoked"):
        async with transaction(None) as session:
            await tokens.principal_for(session, secret)


async def test_expired_and_revoked_tokens_are_refused(tenant: TenantFixture) -> None:
    async with transaction(tenant.id) as session:
        expired, token = await tokens.create(
            session, tenant_id=tenant.id, email=tenant.admin_email, name="expired"
        )
        token.expires_at = utcnow() - timedelta(seconds=1)
        revoked, token2 = await tokens.create(
            session, tenant_id=tenant.id, email=tenant.admin_email, name="revoked"
        )
        token2.revoked_at = utcnow()
    for secret in (expired, revoked):
        with pytest.raises(Unauthenticated):
            async with transaction(None) as session:
                await tokens.principal_for(session, secret)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"name": ""}, BadUserInput),
        ({"name": "x" * 101}, BadUserInput),
        ({"name": "ok", "expires_in_days": 0}, BadUserInput),
        ({"name": "ok", "expires_in_days": 367}, BadUserInput),
        ({"name": "ok", "role": "superuser"}, BadUserInput),
        ({"name": "ok", "scopes": []}, BadUserInput),
        ({"name": "ok", "scopes": ["datasets:explode"]}, BadUserInput),
        ({"name": "ok", "scopes": ["x" * 10_000]}, BadUserInput),
        ({"name": "ok", "role": "viewer", "scopes": ["datasets:read"]}, BadUserInput),
        ({"name": "ok", "email": "nobody@x.example.com"}, NotFound),
    ],
)
async def test_token_creation_rejects_bad_input(
    tenant: TenantFixture, kwargs: dict[str, object], error: type[Exception]
) -> None:
    arguments: dict[str, object] = {"email": tenant.admin_email, **kwargs}
    with pytest.raises(error):
        async with transaction(tenant.id) as session:
            await tokens.create(session, tenant_id=tenant.id, **arguments)  # type: ignore[arg-type]


async def test_token_for_a_user_of_another_tenant_is_not_found(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    with pytest.raises(NotFound):
        async with transaction(tenant.id) as session:
            await tokens.create(
                session, tenant_id=tenant.id, email=other_tenant.admin_email, name="x"
            )


@pytest.mark.parametrize(
    ("slug", "email", "password"),
    [
        ("{tenant}", "{email}", "wrong password!!"),
        ("{tenant}", "nobody@x.example.com", PASSWORD),
        ("no-such-tenant", "{email}", PASSWORD),
        ("{other}", "{email}", PASSWORD),  # a real user, but not a member there
    ],
)
async def test_login_refuses_with_one_message(
    tenant: TenantFixture, other_tenant: TenantFixture, slug: str, email: str, password: str
) -> None:
    slug = slug.format(tenant=tenant.slug, other=other_tenant.slug)
    email = email.format(email=tenant.admin_email)
    with pytest.raises(Unauthenticated, match="Invalid organization, email or password"):
        async with transaction(None) as session:
            await user_sessions.login(
                session,
                tenant_slug=slug,
                email=email,
                password=password,
                ip=None,
                user_agent=None,
            )


async def test_tenant_scope_fails_closed() -> None:
    from phantom.kit.errors import TenantScopeError

    with pytest.raises(TenantScopeError):
        async with transaction(None) as session:
            await session.scalars(select(ApiToken))


async def test_tenant_scope_filters_every_orm_query(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    async with transaction(tenant.id) as session:
        tokens = (await session.scalars(select(ApiToken))).all()
        memberships = (await session.scalars(select(Membership))).all()
    assert tokens
    assert {t.tenant_id for t in tokens} == {tenant.id}
    assert memberships
    assert {m.tenant_id for m in memberships} == {tenant.id}


async def test_writing_into_another_tenant_is_refused(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    from phantom.kit.errors import TenantScopeError

    foreign = ApiToken(
        tenant_id=other_tenant.id, user_id=tenant.id, name="x", prefix="x", token_hash="0" * 64
    )

    async def write() -> None:
        async with transaction(tenant.id) as session:
            session.add(foreign)

    with pytest.raises(TenantScopeError):
        await write()


async def test_housekeeping_purges_only_the_tenants_ended_sessions(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    from phantom.identity.models import UserSession

    for t in (tenant, other_tenant):
        async with transaction(None) as session:
            login = await user_sessions.login(
                session,
                tenant_slug=t.slug,
                email=t.admin_email,
                password=t.password,
                ip=None,
                user_agent=None,
            )
        async with transaction(t.id) as session:
            record = await session.get(UserSession, login.principal.credential_id)
            assert record is not None
            record.expires_at = utcnow() - timedelta(days=8)
    async with transaction(tenant.id) as session:
        purged = await user_sessions.purge_ended(session, timedelta(days=7))
    assert purged == 1
    async with transaction(other_tenant.id) as session:
        left = (await session.scalars(select(UserSession))).all()
    assert len(left) == 1, "the other tenant's session is untouched"
