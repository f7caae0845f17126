"""Event MACs: events written before them (the upgrade), and exports checked with and
without the key."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

from phantom.audit import proof
from phantom.migrate import upgrade
from tests.audit.support import head_seq, record_events, sign_head, superuser_sql, verify
from tests.audit.test_export_and_cli import PROOF, phantom, standalone_verify
from tests.support.fixtures import create_tenant


async def _as_before_macs(tenant_id: object, through: int) -> None:
    """What the migration leaves: events up to ``through`` without a MAC, and the
    tenant's epoch naming the last of them (written as the owner, like the migration)."""
    await superuser_sql(
        "UPDATE audit_events SET mac = NULL WHERE tenant_id = $1 AND seq <= $2", tenant_id, through
    )
    await superuser_sql(
        "INSERT INTO audit_mac_epochs (tenant_id, pre_mac_through_seq) VALUES ($1, $2)",
        tenant_id,
        through,
    )


async def test_events_before_the_upgrade_verify_and_later_ones_need_a_mac() -> None:
    # given: a signed chain, then an unsigned tail, all written before MACs existed
    tenant = await create_tenant()
    base = await head_seq(tenant.id)
    await record_events(tenant.id, 3)
    await sign_head(tenant.id)
    await record_events(tenant.id, 2)
    await _as_before_macs(tenant.id, base + 5)
    # when: the upgraded server appends and signs
    await record_events(tenant.id, 2)
    await sign_head(tenant.id)
    # then: the MAC-less prefix is trusted as before (links and signatures), the rest
    # carries MACs, and the first checkpoint after the upgrade covered the unsigned tail
    result = await verify(tenant.id)
    assert (result.ok, result.events) == (True, base + 7), result.reason
    assert result.checkpoint is not None
    assert result.checkpoint.seq == base + 7
    # but an event after the epoch without a MAC is not ours
    await superuser_sql(
        "UPDATE audit_events SET mac = NULL WHERE tenant_id = $1 AND seq = $2", tenant.id, base + 6
    )
    broken = await verify(tenant.id)
    assert (broken.ok, broken.first_bad_seq) == (False, base + 6)
    assert "no valid MAC" in (broken.reason or "")


async def test_an_export_is_checked_with_the_key_by_the_server_and_without_it_offline(
    tmp_path: Path,
) -> None:
    # given: an export (it carries each event's MAC)
    tenant = await create_tenant()
    await record_events(tenant.id, 3)
    export = tmp_path / "audit.jsonl"
    made = phantom("audit", "export", "--tenant", tenant.slug, "--output", str(export))
    assert made.returncode == 0, made.stderr
    lines = export.read_text().splitlines()
    events = [json.loads(line) for line in lines if '"type":"event"' in line]
    assert all(len(bytes.fromhex(e["mac"])) == 32 for e in events)
    # then: intact both ways
    keyed = phantom("audit", "verify-export", "--tenant", tenant.slug, str(export), "--json")
    assert (keyed.returncode, json.loads(keyed.stdout)["ok"]) == (0, True), keyed.stdout
    assert standalone_verify(PROOF, export).returncode == 0
    # when: one event's MAC is changed in the file (hashes and signatures untouched)
    second = json.loads(lines[2])
    second["mac"] = "00" * 32
    lines[2] = json.dumps(second)
    export.write_text("\n".join(lines) + "\n")
    # then: the server names it; the auditor's keyless check cannot see MACs at all
    keyed = phantom("audit", "verify-export", "--tenant", tenant.slug, str(export), "--json")
    assert keyed.returncode == 1, keyed.stdout
    assert json.loads(keyed.stdout)["first_bad_seq"] == second["seq"]
    assert standalone_verify(PROOF, export).returncode == 0
    # and the keyless verifier still works on its own file, as before
    assert proof.verify_export(export.read_text().splitlines()).ok


async def test_another_organization_s_export_does_not_verify_with_our_keys(
    tmp_path: Path,
) -> None:
    ours, theirs = await create_tenant(), await create_tenant()
    export = tmp_path / "theirs.jsonl"
    made = phantom("audit", "export", "--tenant", theirs.slug, "--output", str(export))
    assert made.returncode == 0, made.stderr
    checked = phantom("audit", "verify-export", "--tenant", ours.slug, str(export), "--json")
    assert checked.returncode == 1
    assert "another organization" in json.loads(checked.stdout)["reason"]


def test_the_migration_fixes_each_existing_chain_s_pre_mac_epoch(tmp_path: Path) -> None:
    """Run on SQLite from the revision before MACs: every existing head becomes its
    tenant's epoch; a tenant created later has none (every event needs a MAC)."""
    url = f"sqlite+aiosqlite:///{tmp_path}/phantom.db"
    upgrade(url, revision="8bcb670d44a3")
    tenant = uuid.uuid4()
    with sqlite3.connect(tmp_path / "phantom.db") as db:
        db.execute(
            "INSERT INTO tenants (slug, name, id, created_at) VALUES ('old', 'Old', ?, "
            "'2026-01-01 00:00:00.000000')",
            (tenant.hex,),
        )
        db.execute(
            "INSERT INTO audit_chain_heads (tenant_id, last_seq, last_hash, checkpoint_seq) "
            "VALUES (?, 42, ?, 40)",
            (tenant.hex, bytes(32)),
        )
    db.close()
    upgrade(url)
    with sqlite3.connect(tmp_path / "phantom.db") as db:
        epochs = db.execute(
            "SELECT tenant_id, pre_mac_through_seq FROM audit_mac_epochs"
        ).fetchall()
        columns = [row[1] for row in db.execute("PRAGMA table_info(audit_events)")]
    db.close()
    assert epochs == [(tenant.hex, 42)]
    assert "mac" in columns
