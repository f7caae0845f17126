"""Migrations run on both databases, and match the models (no drift)."""

from __future__ import annotations

import os
from pathlib import Path

from phantom.migrate import check, upgrade


def test_no_drift_between_models_and_migrations_on_postgresql() -> None:
    check(os.environ["PHANTOM_MIGRATION_DATABASE_URL"])  # the session database is at head


def test_migrations_run_on_sqlite_without_drift(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/phantom.db"
    upgrade(url)
    check(url)
