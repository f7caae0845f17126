"""Alembic, driven from code (``phantom migrate``, standalone start-up, test fixtures)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from phantom.config import REPO_ROOT, settings


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["configure_logging"] = False
    config.attributes["database_url"] = database_url or settings.DATABASE_URL
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Blocking: call from a thread when an event loop is running."""
    command.upgrade(alembic_config(database_url), revision)


def check(database_url: str | None = None) -> None:
    """Raises when the models and the migrations disagree."""
    command.check(alembic_config(database_url))
