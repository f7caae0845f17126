"""Key rotation without rewriting history: a tenant's data key, and the master key
(re-sealing every wrapped key, checked at start-up), on a database of its own."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from phantom import audit
from phantom.audit.reading import DetailsState, open_details
from phantom.audit.repository import AuditRepository, EventFilter
from phantom.audit.rotation import rotate_data_key
from phantom.db import transaction
from tests.audit.support import head_seq, record_events, verify
from tests.audit.test_sqlite import run
from tests.support.fixtures import TenantFixture


async def test_a_rotated_data_key_keeps_old_events_readable(tenant: TenantFixture) -> None:
    base = await head_seq(tenant.id)  # the tenant's own events, under the first key too
    await record_events(tenant.id, 3)
    async with transaction(tenant.id) as session:
        first_new = await rotate_data_key(session, audit.Actor.system("tests"))
    await record_events(tenant.id, 2)
    async with transaction(tenant.id) as session:
        repo = AuditRepository(session)
        events, _ = await repo.page(repo.search(EventFilter()), None, 100)
        opened = await open_details(repo, events)
    by_seq = {e.seq: e for e in events}
    assert sorted(by_seq) == list(range(1, base + 7))
    assert first_new == base + 5  # the rotation itself (base + 4) is the old key's last
    assert len({by_seq[s].key_id for s in range(1, base + 5)}) == 1
    assert by_seq[base + 5].key_id == by_seq[base + 6].key_id != by_seq[1].key_id
    assert len(opened) == len(events)
    assert all(o.state == DetailsState.AVAILABLE for o in opened.values())
    assert (await verify(tenant.id)).ok


DECRYPT = """
import asyncio, sys, uuid
from phantom.audit.reading import open_details
from phantom.audit.repository import AuditRepository, EventFilter
from phantom.db import transaction
async def main():
    async with transaction(uuid.UUID(sys.argv[1])) as session:
        repo = AuditRepository(session)
        events, _ = await repo.page(repo.search(EventFilter()), None, 100)
        opened = await open_details(repo, events)
    print(sorted({o.state.value for o in opened.values()}))
asyncio.run(main())
"""


@pytest.mark.slow
def test_master_key_rotation_rewraps_every_key(tmp_path: Path) -> None:
    env = {
        "PHANTOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/phantom.db",
        "PHANTOM_VAR_DIR": str(tmp_path / "var"),
    }
    assert run(["migrate"], env).returncode == 0  # seals the canary under the first key
    created = run(
        [
            "tenant",
            "create",
            "rot",
            "--name",
            "Rot",
            "--admin-email",
            "a@rot.example.com",
            "--json",
        ],
        env,
    )
    tenant_id = json.loads(created.stdout)["tenant"]["id"]
    assert run(["audit", "verify", "--tenant", "rot"], env).returncode == 0  # data key
    assert run(["audit", "export", "--tenant", "rot", "--output", "/dev/null"], env).returncode == 0
    # every wrapped key: the data, signing and event MAC keys, and the owner's subject
    # key (the tenant's creation records the owner's personal data)
    with sqlite3.connect(tmp_path / "phantom.db") as db:
        wrapped = {
            "keys": db.execute("SELECT count(*) FROM audit_keys").fetchone()[0],
            "subject_keys": db.execute(
                "SELECT count(*) FROM audit_subject_keys WHERE wrapped IS NOT NULL"
            ).fetchone()[0],
        }
    db.close()
    assert wrapped["keys"] == 3
    assert wrapped["subject_keys"] >= 1
    old = (tmp_path / "var" / "master.key").read_text().strip()
    new = base64.b64encode(os.urandom(32)).decode()
    rotating = {**env, "PHANTOM_MASTER_KEY": new, "PHANTOM_MASTER_KEY_PREVIOUS": json.dumps([old])}
    only_new = {**env, "PHANTOM_MASTER_KEY": new}
    # the new key with the old one as previous: accepted, and the canary moves to the new key
    assert run(["migrate"], rotating).returncode == 0
    # dropping the old key before re-wrapping is refused at start-up
    early = run(["migrate"], only_new)
    assert early.returncode == 2
    assert "Audit keys in this database were wrapped by master key id(s)" in early.stderr
    # re-wrap, then the new key alone opens everything; the chain is untouched
    rewrapped = run(["audit", "rewrap", "--json"], rotating)
    assert json.loads(rewrapped.stdout) == {"ok": True, **wrapped}
    again = json.loads(run(["audit", "rewrap", "--json"], rotating).stdout)
    assert (again["keys"], again["subject_keys"]) == (0, 0)
    assert run(["migrate"], only_new).returncode == 0
    verified = run(["audit", "verify", "--tenant", "rot", "--json"], only_new)
    assert json.loads(verified.stdout)["ok"] is True
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PHANTOM_DATABASE_URL", "PHANTOM_MIGRATION_DATABASE_URL")
    }
    opened = subprocess.run(
        [sys.executable, "-c", DECRYPT, tenant_id],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, **only_new},
    )
    assert opened.stdout.strip() == "['available']", opened.stderr


async def test_a_rotated_signing_key_is_vouched_for_by_the_old_one(
    tenant: TenantFixture, tmp_path: Path
) -> None:
    from phantom.audit import proof
    from phantom.audit.rotation import rotate_signing_key
    from tests.audit.support import sign_head
    from tests.audit.test_export_and_cli import phantom, standalone_verify

    await record_events(tenant.id, 3)
    await sign_head(tenant.id)
    old = (await verify(tenant.id)).checkpoint
    assert old is not None
    async with transaction(tenant.id) as session:
        new = await rotate_signing_key(session, audit.Actor.system("tests"))
    await record_events(tenant.id, 2)
    export = tmp_path / "rotated.jsonl"
    assert (
        phantom("audit", "export", "--tenant", tenant.slug, "--output", str(export)).returncode == 0
    )
    # the auditor pinned the old key: the new one is accepted through the signed rotation
    pinned_old = standalone_verify(Path(proof.__file__), export, "--expect-key", old.key_id)
    body = json.loads(pinned_old.stdout)
    assert pinned_old.returncode == 0, body
    assert body["checkpoint"]["key_id"] == new != old.key_id
    # pinning only the new key does not vouch for what the old key signed
    pinned_new = standalone_verify(Path(proof.__file__), export, "--expect-key", new)
    assert pinned_new.returncode == 1
    assert "untrusted key" in json.loads(pinned_new.stdout)["reason"]
    result = await verify(tenant.id)
    assert result.ok
    assert result.checkpoint is not None
    assert result.checkpoint.key_id == new
