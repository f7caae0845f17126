"""The `phantom` command: JSON output, clear errors, non-zero exits."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support.fixtures import TenantFixture
from tests.support.servers import PHANTOM


def phantom(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PHANTOM, *args], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


def test_tenant_and_token_create_with_json() -> None:
    created = phantom(
        "tenant",
        "create",
        "cli-bank",
        "--name",
        "CLI Bank",
        "--admin-email",
        "Root@CLI-Bank.example.com",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    body = json.loads(created.stdout)
    assert body["tenant"]["slug"] == "cli-bank"
    assert body["admin"]["email"] == "root@cli-bank.example.com"
    assert len(body["generated_password"]) >= 12, "no password given: one is generated"
    token = phantom(
        "token",
        "create",
        "--tenant",
        "cli-bank",
        "--email",
        "root@cli-bank.example.com",
        "--name",
        "ci",
        "--json",
    )
    assert token.returncode == 0, token.stderr
    assert json.loads(token.stdout)["token"].startswith("phm_")


def test_duplicate_and_invalid_input_exit_non_zero(tenant: TenantFixture) -> None:
    duplicate = phantom(
        "tenant",
        "create",
        tenant.slug,
        "--name",
        "x",
        "--admin-email",
        "x@y.example.com",
        "--admin-password",
        "p" * 12,
        "--json",
    )
    assert duplicate.returncode == 2
    assert json.loads(duplicate.stdout) == {
        "ok": False,
        "error": f"An organization with the slug '{tenant.slug}' already exists.",
    }
    invalid = phantom(
        "tenant", "create", "NO SPACES", "--name", "x", "--admin-email", "x@y.example.com"
    )
    assert invalid.returncode == 2
    assert "Invalid organization slug" in invalid.stderr
    unknown = phantom(
        "token", "create", "--tenant", "no-such-tenant", "--email", "a@b.example.com", "--name", "x"
    )
    assert unknown.returncode == 2
    assert "Organization not found" in unknown.stderr
    missing = phantom("tenant", "create", "ok-slug")
    assert missing.returncode == 2
    assert "Missing option" in missing.stderr


def test_checked_in_schema_is_current() -> None:
    from phantom.config import REPO_ROOT

    exported = phantom("schema", "export")
    assert exported.returncode == 0
    assert exported.stdout == (REPO_ROOT / "schema.graphql").read_text(), (
        "schema.graphql is stale: run `phantom schema export --output schema.graphql`"
    )


def test_checked_in_openapi_is_current(tmp_path: Path) -> None:
    """As the schema: stdout, or a file, byte for byte the checked-in openapi.json."""
    from phantom.config import REPO_ROOT

    exported = phantom("openapi", "export")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == (REPO_ROOT / "openapi.json").read_text(), (
        "openapi.json is stale: run `phantom openapi export --output openapi.json`"
    )
    written = phantom("openapi", "export", "--output", str(tmp_path / "openapi.json"))
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "openapi.json").read_bytes() == (REPO_ROOT / "openapi.json").read_bytes()
    unwritable = phantom("openapi", "export", "--output", str(tmp_path / "missing" / "x.json"))
    assert unwritable.returncode == 2
    assert "cannot write" in unwritable.stderr
    assert "Traceback" not in unwritable.stderr


def test_worker_without_redis_explains_what_to_do() -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "PHANTOM_REDIS_URL"}
    result = subprocess.run(
        [PHANTOM, "worker"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "needs PHANTOM_REDIS_URL" in result.stderr
    assert "phantom standalone" in result.stderr
