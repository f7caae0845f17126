"""The ``aws-kms`` provider through the real ``phantom`` processes: the way from
``PHANTOM_MASTER_KEY`` to KMS (refused until ``phantom keys import-env`` has run), rotation
and re-sealing with ``phantom keys rotate``, start-up and readiness failing on a disabled
KMS key. On a SQLite database of the test's own, against moto's KMS server."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from phantom.kit.keys import key_id
from tests.audit.test_rotation import DECRYPT
from tests.audit.test_sqlite import run
from tests.kit.conftest import REGION
from tests.support.servers import api_server

pytestmark = pytest.mark.slow


def kms_env(base: dict[str, str], kms_url: str, key: str) -> dict[str, str]:
    return {
        **base,
        "PHANTOM_KEY_PROVIDER": "aws-kms",
        "PHANTOM_KMS_KEY_ID": key,
        "PHANTOM_KMS_ENDPOINT_URL": kms_url,
        "PHANTOM_KMS_REGION": REGION,
    }


def wrapped_under(db: Path) -> set[str]:
    """The master key ids that wrap the audit keys."""
    with sqlite3.connect(db) as connection:
        ids = {row[0] for row in connection.execute("SELECT master_key_id FROM audit_keys")}
    connection.close()
    return ids


def test_moving_from_the_environment_to_kms_then_rotating(
    kms: Any, kms_url: str, kms_key: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "phantom.db"
    base = {"PHANTOM_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PHANTOM_VAR_DIR": str(tmp_path)}
    env_provider = base  # a development-style key file in PHANTOM_VAR_DIR
    assert run(["migrate"], env_provider).returncode == 0
    old = (tmp_path / "master.key").read_text().strip()
    create = ["tenant", "create", "mig", "--name", "Mig", "--admin-email", "a@mig.example.com"]
    created = run([*create, "--json"], env_provider)
    assert created.returncode == 0, created.stderr
    tenant_id = json.loads(created.stdout)["tenant"]["id"]
    old_id = key_id(base64.b64decode(old)).hex()
    assert wrapped_under(db) == {old_id}
    status = json.loads(run(["keys", "status", "--json"], env_provider).stdout)
    assert status == {
        "ok": True,
        "provider": "env",
        "current": old_id,
        "keys": {old_id: "PHANTOM_MASTER_KEY"},
    }
    # the env provider has nothing to rotate by command: it says what to do instead
    refused = run(["keys", "rotate"], env_provider)
    assert refused.returncode == 2
    assert "PHANTOM_MASTER_KEY_PREVIOUS, restarting the processes" in refused.stderr

    kms_only = kms_env(base, kms_url, kms_key["arn"])
    # switching the provider alone: the data sealed under the old key is not readable, so
    # every process refuses to start, naming the documented way
    switched = run(["migrate"], kms_only)
    assert switched.returncode == 2
    assert "PHANTOM_KEY_PROVIDER=aws-kms does not match this database" in switched.stderr
    assert "phantom keys import-env" in switched.stderr
    # the plaintext key left beside KMS is refused too
    both = run(["migrate"], {**kms_only, "PHANTOM_MASTER_KEY": old})
    assert both.returncode == 2
    assert "PHANTOM_MASTER_KEY / PHANTOM_MASTER_KEY_PREVIOUS are set" in both.stderr

    # the migration: wrap the old key (from the key file, or PHANTOM_MASTER_KEY) into the
    # ring once, then remove it
    imported = run(["keys", "import-env", "--json"], kms_only)
    assert json.loads(imported.stdout) == {"ok": True, "imported": [old_id]}
    (tmp_path / "master.key").unlink()
    again = run(["keys", "import-env", "--json"], {**kms_only, "PHANTOM_MASTER_KEY": old})
    assert json.loads(again.stdout)["imported"] == []
    nothing = run(["keys", "import-env"], kms_only)
    assert nothing.returncode == 2
    assert "No key to import" in nothing.stderr
    started = run(["migrate"], kms_only)
    assert started.returncode == 0, started.stderr
    assert json.loads(run(["audit", "verify", "--tenant", "mig", "--json"], kms_only).stdout)["ok"]
    status = json.loads(run(["keys", "status", "--json"], kms_only).stdout)
    ring = {e["key_id"]: (e["generation"], e["origin"]) for e in status["ring"]}
    assert ring[old_id] == (None, "imported")
    assert status["provider"] == "aws-kms"
    assert ring[status["current"]] == (1, "generated")

    # rotation: a new data key, and every audit key re-sealed under it (keys rewrap's code)
    rotated = json.loads(run(["keys", "rotate", "--json"], kms_only).stdout)
    assert rotated["keys"] == 3
    assert rotated["subject_keys"] >= 1
    assert wrapped_under(db) == {rotated["current"]}
    assert json.loads(run(["keys", "rewrap", "--json"], kms_only).stdout)["keys"] == 0
    assert run(["migrate"], kms_only).returncode == 0
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PHANTOM_DATABASE")}
    opened = subprocess.run(
        [sys.executable, "-c", DECRYPT, tenant_id],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, **kms_only},
    )
    assert opened.stdout.strip() == "['available']", opened.stderr
    # no process made a key file again
    assert not (tmp_path / "master.key").exists()

    # a disabled KMS key: nothing starts
    kms.disable_key(KeyId=kms_key["id"])
    stopped = run(["migrate"], kms_only)
    assert stopped.returncode == 2
    assert f"The KMS key {kms_key['arn']} is Disabled" in stopped.stderr


def test_readiness_fails_once_the_kms_key_is_disabled(
    kms: Any, kms_url: str, kms_key: dict[str, str], tmp_path: Path
) -> None:
    base = {
        "PHANTOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/phantom.db",
        "PHANTOM_VAR_DIR": str(tmp_path),
        "PHANTOM_KMS_CACHE_SECONDS": "1",
    }
    env = kms_env(base, kms_url, kms_key["arn"])
    assert run(["migrate"], env).returncode == 0
    with api_server(tmp_path, env) as url:
        ready = httpx.get(f"{url}/readyz", timeout=10)
        assert ready.json()["checks"]["kms"] == "ok"
        kms.disable_key(KeyId=kms_key["id"])
        time.sleep(1.2)
        unready = httpx.get(f"{url}/readyz", timeout=10)
        assert unready.status_code == 503
        assert unready.json()["checks"]["kms"] == "unavailable"
