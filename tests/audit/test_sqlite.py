"""The audit log on SQLite (standalone mode), through the real CLI: record, verify,
export, and the start-up key check."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from phantom.audit import proof
from tests.support.servers import PHANTOM

pytestmark = pytest.mark.slow


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    external = ("PHANTOM_DATABASE_URL", "PHANTOM_MIGRATION_DATABASE_URL", "PHANTOM_REDIS_URL")
    base = {k: v for k, v in os.environ.items() if k not in external}
    return subprocess.run(
        [PHANTOM, *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**base, **env},
    )


def test_record_verify_export_and_key_check_on_sqlite(tmp_path: Path) -> None:
    env = {
        "PHANTOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/phantom.db",
        "PHANTOM_VAR_DIR": str(tmp_path / "var"),
    }
    assert run(["migrate"], env).returncode == 0
    created = run(
        ["tenant", "create", "lite", "--name", "Lite", "--admin-email", "a@lite.example.com"], env
    )
    assert created.returncode == 0, created.stderr
    # the tenant's creation is in its chain already
    with sqlite3.connect(tmp_path / "phantom.db") as db:
        actions = [
            r[0]
            for r in db.execute(
                "SELECT e.action FROM audit_events e JOIN tenants t ON t.id = e.tenant_id "
                "WHERE t.slug = 'lite' ORDER BY e.seq"
            )
        ]
    db.close()
    assert "identity.tenant.created" in actions
    base = len(actions)
    first = run(["audit", "verify", "--tenant", "lite", "--json"], env)
    second = run(["audit", "verify", "--tenant", "lite", "--json"], env)
    no_log = {"prediction log": {"ok": True, "checked": "0 batches, 0 rows", "problems": []}}
    assert json.loads(first.stdout) == {"ok": True, "events": base, "records": no_log}
    assert json.loads(second.stdout) == {"ok": True, "events": base + 1, "records": no_log}, (
        "the first is recorded"
    )
    export = tmp_path / "lite.jsonl"
    assert (
        run(["audit", "export", "--tenant", "lite", "--output", str(export)], env).returncode == 0
    )
    verified = subprocess.run(
        [sys.executable, "-I", proof.__file__, str(export), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["events"] == base + 3  # both runs, and the export
    # a different master key is refused by every process before it serves
    wrong = {**env, "PHANTOM_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    for command in (["standalone", "--port", "1"], ["migrate"]):
        refused = run(command, wrong)
        assert refused.returncode == 2, (command, refused.stdout, refused.stderr)
        assert "PHANTOM_MASTER_KEY does not match this database" in refused.stderr
