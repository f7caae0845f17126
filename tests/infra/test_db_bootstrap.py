"""The database bootstrap the Terraform runs once (modules/postgres/bootstrap.sql, by
psql as RDS's master user, which is no superuser), on the real PostgreSQL: it creates
the owner and application roles idempotently, then `phantom migrate` as the owner
grants the application role what it needs, and row-level security binds the app."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import PG_ADMIN_URL
from tests.infra.terraform import ROOT
from tests.support.servers import PHANTOM

SQL = ROOT / "modules" / "postgres" / "bootstrap.sql"
pytestmark = pytest.mark.slow
HOST = PG_ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0]  # host:port


async def admin(sql: str, database: str = "postgres") -> None:
    connection = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}")
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
async def rds_like() -> AsyncIterator[dict[str, str]]:
    """A database owned by a master user with RDS's powers: CREATEROLE and CREATEDB, not
    superuser."""
    run = secrets.token_hex(3)
    names = {
        "master": f"boot_master_{run}",
        "owner": f"boot_owner_{run}",
        "app": f"boot_app_{run}",
        "db": f"boot_db_{run}",
    }
    await admin(f'CREATE ROLE "{names["master"]}" LOGIN CREATEROLE CREATEDB')
    await admin(f'CREATE DATABASE "{names["db"]}" OWNER "{names["master"]}"')
    yield names
    await admin(f'DROP DATABASE IF EXISTS "{names["db"]}" WITH (FORCE)')
    for role in ("app", "owner", "master"):
        await admin(f'DROP ROLE IF EXISTS "{names[role]}"')


def bootstrap(names: dict[str, str]) -> subprocess.CompletedProcess[str]:
    psql = shutil.which("psql")
    assert psql, "psql (PostgreSQL's client) is needed to run the bootstrap as the task does"
    host, port = HOST.split(":")
    return subprocess.run(
        [
            psql,
            "-h",
            host,
            "-p",
            port,
            "-U",
            names["master"],
            "-d",
            names["db"],
            "-v",
            f"owner={names['owner']}",
            "-v",
            "owner_password=owner-secret",
            "-v",
            f"app={names['app']}",
            "-v",
            "app_password=app-secret",
            "-v",
            f"db={names['db']}",
            "-f",
            str(SQL),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


async def test_bootstrap_then_migrate_leaves_the_app_bound_by_rls(
    rds_like: dict[str, str], tmp_path: Path
) -> None:
    first = bootstrap(rds_like)
    assert first.returncode == 0, first.stderr
    assert "roles ready" in first.stdout
    again = bootstrap(rds_like)  # idempotent: a second run only resets the passwords
    assert again.returncode == 0, again.stderr

    url = f"postgresql+asyncpg://{{}}@{HOST}/{rds_like['db']}"
    env = {
        **os.environ,
        "PHANTOM_DATABASE_URL": url.format(rds_like["app"]),
        "PHANTOM_MIGRATION_DATABASE_URL": url.format(rds_like["owner"]),
        "PHANTOM_VAR_DIR": str(tmp_path),
    }
    migrated = subprocess.run(
        [PHANTOM, "migrate"], capture_output=True, text=True, timeout=240, env=env
    )
    assert migrated.returncode == 0, migrated.stderr
    created = subprocess.run(
        [PHANTOM, "tenant", "create", "boot-bank", "--name", "Boot", "--admin-email",
         "ada@boot.example.com", "--json"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr

    dsn = PG_ADMIN_URL.rsplit("@", 1)[1].rsplit("/", 1)[0]
    app = await asyncpg.connect(f"postgresql://{rds_like['app']}@{dsn}/{rds_like['db']}")
    try:
        owner = await app.fetchval("SELECT pg_get_userbyid(relowner) FROM pg_class "
                                   "WHERE relname = 'tenants'")  # fmt: skip
        assert owner == rds_like["owner"]
        # no tenant set: row-level security hides every tenant's rows from the app,
        # rows the tenant's creation wrote (seen by a superuser)
        scoped = [
            row["relname"]
            for row in await app.fetch(
                "SELECT relname FROM pg_class WHERE relforcerowsecurity AND relkind = 'r'"
            )
        ]
        assert scoped
        seen_by_app = {t: await app.fetchval(f'SELECT count(*) FROM "{t}"') for t in scoped}
        assert set(seen_by_app.values()) == {0}
        superuser = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{rds_like['db']}")
        try:
            written = sum([await superuser.fetchval(f'SELECT count(*) FROM "{t}"') for t in scoped])
        finally:
            await superuser.close()
        assert written > 0
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app.execute("ALTER TABLE tenants DISABLE ROW LEVEL SECURITY")
        role = await app.fetchrow(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert (role["rolsuper"], role["rolbypassrls"]) == (False, False)
    finally:
        await app.close()
