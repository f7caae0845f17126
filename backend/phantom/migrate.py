"""Alembic, driven from code (``phantom migrate``, standalone start-up, test fixtures)."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import make_url

from phantom.config import REPO_ROOT, settings


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["configure_logging"] = False
    config.attributes["database_url"] = database_url or settings.migration_database_url()
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Blocking: call from a thread when an event loop is running. On PostgreSQL with a
    separate application role, grant it what it needs and nothing more."""
    command.upgrade(alembic_config(database_url), revision)
    owner_url = database_url or settings.migration_database_url()
    app_user = make_url(settings.DATABASE_URL).username
    if (
        database_url is None
        and owner_url.startswith("postgresql")
        and app_user
        and app_user != make_url(owner_url).username
    ):
        asyncio.run(grant_application_role(owner_url, app_user))


async def grant_application_role(owner_url: str, role: str) -> None:
    """DML on every table; only INSERT and SELECT on append-only tables (the audit log);
    read-only on Alembic's version table and on tables only migrations write
    (``audit_mac_epochs``). The role owns nothing, so it cannot disable
    row-level security."""
    from phantom.db import build_engine
    from phantom.models import every_table

    quoted = '"' + role.replace('"', '""') + '"'
    engine = build_engine(owner_url)
    try:
        async with engine.begin() as connection:
            for statement in (
                f"GRANT USAGE ON SCHEMA public TO {quoted}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
                f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
                *(
                    f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table.name}" FROM {quoted}'
                    for table in every_table().sorted_tables
                    if table.info.get("append_only")
                ),
                *(
                    f'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "{table.name}" FROM {quoted}'
                    for table in every_table().sorted_tables
                    if table.info.get("read_only")
                ),
            ):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def check(database_url: str | None = None) -> None:
    """Raises when the models and the migrations disagree."""
    command.check(alembic_config(database_url))
