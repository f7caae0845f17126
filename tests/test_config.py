"""Settings fail loudly on bad values instead of running half-configured."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from phantom.config import Settings


def test_standalone_generates_a_private_master_key_once(tmp_path: Path) -> None:
    settings = Settings(VAR_DIR=tmp_path, MASTER_KEY=None)
    key = settings.master_key
    assert len(key) == 32
    path = tmp_path / "master.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(VAR_DIR=tmp_path, MASTER_KEY=None).master_key == key


@pytest.mark.parametrize("value", [base64.b64encode(b"short").decode(), "not base64!!"])
def test_a_malformed_master_key_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="must be 32 bytes, base64-encoded"):
        _ = Settings(MASTER_KEY=value).master_key


def test_production_requires_a_master_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="required in production"):
        _ = Settings(ENV="production", VAR_DIR=tmp_path, MASTER_KEY=None).master_key


def test_unknown_database_drivers_are_refused() -> None:
    with pytest.raises(ValidationError, match="postgresql\\+asyncpg"):
        Settings(DATABASE_URL="mysql://root@localhost/x")


def test_the_training_stall_hook_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="test hook: refused in production"):
        Settings(ENV="production", TRAINING_TEST_STALL_SECONDS=5)
    assert Settings(ENV="production").TRAINING_TEST_STALL_SECONDS == 0  # off by default
    assert Settings(ENV="testing", TRAINING_TEST_STALL_SECONDS=5).TRAINING_TEST_STALL_SECONDS == 5
