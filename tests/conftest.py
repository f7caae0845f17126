"""Test environment: a fresh PostgreSQL database per session, migrated with Alembic by the
owner role and used by an application role of the run's own (not superuser, no
BYPASSRLS: row-level security applies, as in production), both dropped at the end; and a
Redis db index of the run's own, claimed in db 0 so concurrent runs (and pytest-xdist
workers) never share one. Environment variables are set before anything imports
``phantom`` (its settings are read once)."""

from __future__ import annotations

import asyncio
import atexit
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

RUN_ID = secrets.token_hex(4)
PG_ADMIN_URL = os.environ.get("PHANTOM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_DB = f"phantom_test_{RUN_ID}"
APP_ROLE = f"phantom_app_{RUN_ID}"


def _claim_redis_db() -> int:
    """The first of dbs 1-15 that no other run holds. A claim outlives a killed run by at
    most ``CLAIM_SECONDS``; a normal run releases it at the end."""
    import redis

    claims = redis.Redis(host="127.0.0.1", port=6379, db=0)
    for db in range(1, 16):
        if claims.set(f"phantom-test:redis-db:{db}", RUN_ID, nx=True, ex=CLAIM_SECONDS):
            return db
    raise RuntimeError("all 15 test Redis dbs are claimed (see phantom-test:* in db 0)")


def _release_redis_db() -> None:
    import redis

    claims = redis.Redis(host="127.0.0.1", port=6379, db=0)
    key = f"phantom-test:redis-db:{REDIS_DB}"
    if claims.get(key) == RUN_ID.encode():
        claims.delete(key)


CLAIM_SECONDS = 2 * 3600
REDIS_DB = _claim_redis_db()
atexit.register(_release_redis_db)  # also in pytest-xdist's controller, which runs no test
VAR_DIR = Path(tempfile.mkdtemp(prefix=f"phantom-test-{RUN_ID}-"))

_SERVER = PG_ADMIN_URL.split("://", 1)[1].split("@", 1)[1].rsplit("/", 1)[0]
OWNER_URL = PG_ADMIN_URL.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
OWNER_URL += f"/{TEST_DB}"
os.environ.update(
    {
        "PHANTOM_ENV": "testing",
        "PHANTOM_DATABASE_URL": f"postgresql+asyncpg://{APP_ROLE}@{_SERVER}/{TEST_DB}",
        "PHANTOM_MIGRATION_DATABASE_URL": OWNER_URL,
        "PHANTOM_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "PHANTOM_VAR_DIR": str(VAR_DIR),
        "PHANTOM_STORAGE_URL": f"file://{VAR_DIR}/store",
        "PHANTOM_LOG_JSON": "true",
        "PHANTOM_GRAPHIQL": "false",
        "PHANTOM_OUTBOUND_ALLOW_LOOPBACK": "true",  # the test IdP runs on 127.0.0.1
        "PHANTOM_WEBHOOK_ALLOW_PRIVATE": "true",  # the tests' webhook receiver too
    }
)

pytest_plugins = ["tests.support.fixtures", "tests.support.clock"]

# Hypothesis draws the same examples on every run and every machine: a failure in CI is
# one anyone can replay, and a green run is not luck. ``HYPOTHESIS_PROFILE=explore`` draws
# fresh examples (locally, to look for new failures).
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def _database() -> Iterator[str]:
    import asyncpg

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{TEST_DB}"'))
    asyncio.run(admin(f'CREATE ROLE "{APP_ROLE}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB'))
    from phantom.migrate import upgrade

    upgrade()
    import redis

    redis.Redis.from_url(os.environ["PHANTOM_REDIS_URL"]).flushdb()
    yield os.environ["PHANTOM_DATABASE_URL"]
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)'))
    asyncio.run(admin(f'DROP ROLE IF EXISTS "{APP_ROLE}"'))
    redis.Redis.from_url(os.environ["PHANTOM_REDIS_URL"]).flushdb()


@pytest.fixture(scope="module", autouse=True)
def _no_open_jobs_from_earlier_modules(_database: str) -> None:
    """Each module starts with no open job. Modules of one pytest process share its
    database, and many start jobs no worker ever runs (the API is what they test); a later
    module's worker would reconcile and run them all before its own (13 such jobs kept a
    fit from starting for 5 minutes in a full run). Ending them here, as the owner, keeps
    each module's workers to that module's jobs."""
    import asyncpg

    async def end_open_jobs() -> None:
        connection = await asyncpg.connect(OWNER_URL.replace("+asyncpg", ""))
        try:
            for table in ("training_jobs", "batch_prediction_jobs"):
                await connection.execute(
                    f"UPDATE {table} SET status = 'CANCELLED', finished_at = now(), "
                    "lease_owner = NULL, lease_expires_at = NULL, "
                    "error = 'left open by an earlier test module' "
                    "WHERE status IN ('QUEUED', 'RUNNING')"
                )
        finally:
            await connection.close()

    asyncio.run(end_open_jobs())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a skipped test fails the run: green CI means the whole suite ran."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == 0:
        reporter.write_line(f"CI=true: {len(skipped)} skipped; a missing part fails the run")
        session.exitstatus = 1
