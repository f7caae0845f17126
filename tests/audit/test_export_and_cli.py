"""`phantom audit verify` and `phantom audit export` as real processes, and the
standalone verifier (proof.py) run on its own, outside the server's environment, on a
real export: intact, and tampered with."""

from __future__ import annotations

import ast
import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from phantom.audit import proof
from tests.audit.support import head_seq, record_events, sign_head, superuser_sql
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.servers import PHANTOM

PROOF = Path(proof.__file__)


def phantom(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PHANTOM, *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def standalone_verify(tool: Path, export: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Isolated mode (-I): no PYTHONPATH, no user site, the script's own directory only."""
    return subprocess.run(
        [sys.executable, "-I", str(tool), str(export), "--json", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tool.parent,
    )


async def test_cli_verify_exit_codes_and_json(tenant: TenantFixture) -> None:
    base = await head_seq(tenant.id)  # the tenant's own events, before the test's four
    await record_events(tenant.id, 4)
    intact = phantom("audit", "verify", "--tenant", tenant.slug, "--json")
    assert intact.returncode == 0, intact.stderr
    assert json.loads(intact.stdout) == {
        "ok": True,
        "events": base + 4,
        "records": {"prediction log": {"ok": True, "checked": "0 batches, 0 rows", "problems": []}},
    }
    human = phantom("audit", "verify", "--tenant", tenant.slug)
    assert human.returncode == 0
    assert f"intact: {base + 5} events" in human.stdout, "the first run was recorded"
    third = base + 3  # the test's third event
    await superuser_sql(
        "DELETE FROM audit_events WHERE tenant_id = $1 AND seq = $2", tenant.id, third
    )
    broken = phantom("audit", "verify", "--tenant", tenant.slug, "--json")
    assert broken.returncode == 1
    assert json.loads(broken.stdout) == {
        "ok": False,
        "first_bad_seq": third,
        "reason": f"event {third} is missing (deleted)",
        "records": {"prediction log": {"ok": True, "checked": "0 batches, 0 rows", "problems": []}},
    }
    unknown = phantom("audit", "verify", "--tenant", "no-such-tenant", "--json")
    assert unknown.returncode == 2
    assert json.loads(unknown.stdout) == {"ok": False, "error": "Organization not found."}


def test_the_standalone_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(PROOF.read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}


async def test_an_export_verifies_with_the_standalone_tool_and_tampering_fails(
    tmp_path: Path,
) -> None:
    # given: a chain with a checkpoint in the middle, exported by the CLI
    tenant = await create_tenant()
    base = await head_seq(tenant.id)  # the tenant's creation, its token: verified too
    await record_events(tenant.id, 6)
    await sign_head(tenant.id)
    await record_events(tenant.id, 3)
    export = tmp_path / "export.jsonl"
    done = phantom("audit", "export", "--tenant", tenant.slug, "--output", str(export), "--json")
    assert done.returncode == 0, done.stderr
    last = base + 10  # the tenant's own, nine, and the export's own event
    assert json.loads(done.stdout)["events"] == last
    tool = tmp_path / "auditor" / "verify_audit_export.py"
    tool.parent.mkdir()
    shutil.copy(PROOF, tool)
    lines = export.read_text().splitlines()  # the header, then event n on line n
    assert [json.loads(ln)["seq"] for ln in lines[1 : last + 1]] == list(range(1, last + 1))
    key_id = json.loads(lines[0])["signing_keys"][0]["key_id"]
    # when / then: intact, with the key pinned out of band
    ok = standalone_verify(tool, export, "--expect-key", key_id)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    body = json.loads(ok.stdout)
    assert (body["ok"], body["events"], body["checkpoint"]["seq"]) == (True, last, last)
    # a range from the middle verifies too (anchored, covered by the checkpoint)
    middle = tmp_path / "middle.jsonl"
    phantom(
        "audit", "export", "--tenant", tenant.slug, "--output", str(middle), "--from", str(base + 4)
    )
    assert standalone_verify(tool, middle).returncode == 0
    # tampered copies fail with the first bad seq (the test's own events, from base + 1)
    b = base
    cases = {
        "edited": (_edit(lines, b + 5, "outcome", "denied"), b + 5),
        "deleted": ([ln for i, ln in enumerate(lines) if i != b + 5], b + 5),
        "swapped": ([*lines[: b + 4], lines[b + 5], lines[b + 4], *lines[b + 6 :]], b + 4),
        "truncated": (lines[: b + 8] + [ln for ln in lines if '"checkpoint"' in ln], b + 8),
        "details": (_edit(lines, b + 3, "details", base64.b64encode(b"x" * 40).decode()), b + 3),
        "forged": (_edit(lines, -1, "signature", base64.b64encode(b"\0" * 64).decode()), last),
    }
    for name, (tampered, first_bad) in cases.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(tampered) + "\n")
        result = standalone_verify(tool, path)
        assert result.returncode == 1, (name, result.stdout)
        assert json.loads(result.stdout)["first_bad_seq"] == first_bad, (name, result.stdout)
    wrong_key = standalone_verify(tool, export, "--expect-key", "0" * 32)
    assert wrong_key.returncode == 1
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("not json\n")
    assert standalone_verify(tool, garbage).returncode == 2


def _edit(lines: list[str], index: int, key: str, value: object) -> list[str]:
    copy = list(lines)
    record = json.loads(copy[index])
    record[key] = value
    copy[index] = json.dumps(record)
    return copy


async def test_a_wrong_master_key_stops_every_process_at_start_up() -> None:
    from phantom.audit.keycheck import check_master_key

    await check_master_key()  # the canary exists, sealed under the run's key
    wrong = base64.b64encode(os.urandom(32)).decode()
    for command in (["api", "--port", "1"], ["worker"]):
        result = phantom(*command, env={"PHANTOM_MASTER_KEY": wrong})
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "PHANTOM_MASTER_KEY does not match this database" in result.stderr
        assert "key id" in result.stderr
