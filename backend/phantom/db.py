"""Engines, the declarative base, and the transaction helper that scopes a tenant.

Every tenant-owned table inherits ``TenantScoped``. A session carries its tenant in
``session.info["tenant_id"]``; one ``do_orm_execute`` listener adds the tenant filter to
every ORM statement and raises ``TenantScopeError`` when a tenant table is queried with
no tenant (fail closed). The named escape hatch is
``.execution_options(all_tenants=True)  # tenant-scope: <why>``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, ForeignKey, MetaData, Uuid, event, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from phantom.config import settings
from phantom.kit.errors import TenantScopeError
from phantom.kit.loops import PerLoop
from phantom.kit.rows import IdMixin
from phantom.kit.transactions import committed, rolled_back

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite drops the zone on the way back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, uuid.UUID: Uuid}


class TenantScoped(IdMixin):
    """A row owned by one tenant. Queries are filtered to the session's tenant."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


# --- engines and sessions -------------------------------------------------------------


def _sqlite_pragmas(dbapi_connection: Any, _: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def build_engine(url: str | None = None) -> AsyncEngine:
    url = url or settings.DATABASE_URL
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url, pool_size=settings.DATABASE_POOL_SIZE, max_overflow=5, pool_pre_ping=True
    )


_engines: PerLoop[AsyncEngine] = PerLoop(build_engine)
_makers: PerLoop[async_sessionmaker[AsyncSession]] = PerLoop(
    lambda: async_sessionmaker(_engines.get(), expire_on_commit=False)
)


def get_engine() -> AsyncEngine:
    return _engines.get()


async def dispose_engine() -> None:
    engine = _engines.pop()
    _makers.pop()
    if engine is not None:
        await engine.dispose()


@asynccontextmanager
async def transaction(tenant_id: uuid.UUID | None) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on error, then run on-commit hooks
    (queued jobs are sent only once their rows are committed).

    ``tenant_id=None`` is a system session: tenant tables need ``all_tenants=True``,
    and PostgreSQL's row-level security lets it see every tenant (credential lookups,
    tenant creation, schedulers). A tenant session sees only its tenant's rows, even
    through raw SQL.
    """
    async with _makers.get()(info={"tenant_id": tenant_id, "system": tenant_id is None}) as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            rolled_back(session)
            raise
        committed(session)


def enter_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """A system transaction that has found its tenant (a sign-in, a new tenant) goes on in
    it: the tenant filter and the audit log use it from here. It never switches tenants."""
    current = session.info.get("tenant_id")
    if current is not None and current != tenant_id:
        raise TenantScopeError("a transaction cannot move to another tenant")
    session.info["tenant_id"] = tenant_id


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # follows from a parent load that was already scoped
    if state.execution_options.get("all_tenants"):
        return
    if not any(issubclass(m.class_, TenantScoped) for m in state.all_mappers):
        return
    tenant_id = state.session.info.get("tenant_id")
    if tenant_id is None:
        raise TenantScopeError("tenant-owned table queried with no tenant in scope")
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
        )
    )


_RLS_SETTINGS = text(
    "SELECT set_config('app.tenant_id', :tenant, true), set_config('app.system', :system, true)"
)


@event.listens_for(Session, "after_begin")
def _apply_rls_tenant(session: Session, _: Any, connection: Connection) -> None:
    """PostgreSQL row-level security reads these transaction-local settings
    (``kit/rls.py``); transaction scope, so nothing leaks to the next user of a pooled
    connection."""
    if connection.dialect.name != "postgresql":
        return
    tenant_id = session.info.get("tenant_id")
    connection.execute(
        _RLS_SETTINGS,
        {
            "tenant": str(tenant_id) if tenant_id else "",
            "system": "on" if session.info.get("system") else "",
        },
    )


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, *_: Any) -> None:
    tenant_id = session.info.get("tenant_id")
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantScopeError(f"{type(obj).__name__} added with no tenant in scope")
            obj.tenant_id = tenant_id
        elif tenant_id is not None and obj.tenant_id != tenant_id:
            raise TenantScopeError(f"{type(obj).__name__} written into another tenant")
