"""The ``aws-kms`` key provider against a real KMS-compatible server (moto, over HTTP):
envelope encryption, the bounded cache, rotation, clear failures, nothing plain at rest."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from phantom.config import Settings
from phantom.kit import crypto, keys
from phantom.kit.keys import KeyUnavailable, KmsKeyProvider
from tests.kit.conftest import free_port, kms_settings

pytestmark = pytest.mark.usefixtures("installed")

AAD = b"tenant-1"


def provider(kms_url: str, key: str, db: str, tmp_path: Path, **more: Any) -> KmsKeyProvider:
    return KmsKeyProvider(kms_settings(kms_url, key, db, tmp_path, **more))


def ring_rows(db: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db.split("///", 1)[1]) as connection:
        rows = connection.execute(
            "SELECT key_id, generation, origin, kms_key_arn, wrapped FROM master_data_keys "
            "ORDER BY generation"
        ).fetchall()
    connection.close()
    return rows


def test_a_round_trip_through_kms_shared_by_every_process(
    kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    first = provider(kms_url, kms_key["arn"], ring_db, tmp_path)
    keys.install(first)
    sealed = crypto.seal(b"client secret", purpose="sso-client-secret", aad=AAD)
    assert crypto.unseal(sealed, purpose="sso-client-secret", aad=AAD) == b"client secret"
    # one data key, stored only wrapped by the KMS key, named in the ciphertext
    [(kid, generation, origin, arn, wrapped)] = ring_rows(ring_db)
    assert (generation, origin, arn) == (1, "generated", kms_key["arn"])
    assert crypto.sealed_key_id(sealed) == kid == crypto.current_key_id()
    assert len(wrapped) > 32
    # another process (its own provider, its own cache) unwraps the same key through KMS
    second = provider(kms_url, kms_key["arn"], ring_db, tmp_path)
    keys.install(second)
    assert crypto.unseal(sealed, purpose="sso-client-secret", aad=AAD) == b"client secret"
    assert second.decrypt_calls == 1
    # purposes and bindings still hold
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(sealed, purpose="audit-data-key", aad=AAD)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(sealed, purpose="sso-client-secret", aad=b"tenant-2")


def test_an_alias_names_the_key(
    kms: Any, kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    kms.create_alias(AliasName="alias/phantom-alias-test", TargetKeyId=kms_key["id"])
    keys.install(provider(kms_url, "alias/phantom-alias-test", ring_db, tmp_path))
    sealed = crypto.seal(b"x", purpose="p", aad=AAD)
    assert crypto.unseal(sealed, purpose="p", aad=AAD) == b"x"
    assert ring_rows(ring_db)[0][3] == kms_key["arn"]  # the ring records the key's ARN


def test_an_expired_cache_entry_is_unwrapped_again_with_kms(
    kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    short = provider(kms_url, kms_key["arn"], ring_db, tmp_path, KMS_CACHE_SECONDS=0.5)
    keys.install(short)
    sealed = crypto.seal(b"v", purpose="p", aad=AAD)
    for _ in range(20):
        assert crypto.unseal(sealed, purpose="p", aad=AAD) == b"v"
    assert short.decrypt_calls == 1  # cached within its lifetime
    time.sleep(0.6)
    assert crypto.unseal(sealed, purpose="p", aad=AAD) == b"v"
    assert short.decrypt_calls >= 2  # past half of it: KMS Decrypt again (the keeper)


def test_rotation_keeps_old_values_open_and_seals_with_the_new_key(
    kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    rotating = provider(kms_url, kms_key["arn"], ring_db, tmp_path)
    other = provider(kms_url, kms_key["arn"], ring_db, tmp_path, KMS_CACHE_SECONDS=0.5)
    keys.install(rotating)
    old = crypto.seal(b"old", purpose="p", aad=AAD)
    keys.install(other)
    assert crypto.seal(b"x", purpose="p", aad=AAD)[2:10] == old[2:10]  # same key everywhere

    new_id = rotating.rotate()
    keys.install(rotating)
    new = crypto.seal(b"new", purpose="p", aad=AAD)
    assert crypto.sealed_key_id(new) == new_id != crypto.sealed_key_id(old)
    assert crypto.unseal(old, purpose="p", aad=AAD) == b"old"
    assert [row[1] for row in ring_rows(ring_db)] == [1, 2]
    # a process that rotated nothing opens the new key at once (an unknown key id makes it
    # read the ring again), and seals with it once its cache lifetime has passed
    keys.install(other)
    assert crypto.unseal(new, purpose="p", aad=AAD) == b"new"
    time.sleep(0.6)
    assert crypto.sealed_key_id(crypto.seal(b"y", purpose="p", aad=AAD)) == new_id


def test_a_new_kms_key_rewraps_the_ring_so_the_old_one_can_be_disabled(
    kms: Any, kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    keys.install(provider(kms_url, kms_key["arn"], ring_db, tmp_path))
    old = crypto.seal(b"old", purpose="p", aad=AAD)
    replacement = kms.create_key()["KeyMetadata"]
    moved = provider(kms_url, replacement["Arn"], ring_db, tmp_path)
    moved.rotate()
    assert {row[3] for row in ring_rows(ring_db)} == {replacement["Arn"]}
    kms.disable_key(KeyId=kms_key["id"])
    fresh = provider(kms_url, replacement["Arn"], ring_db, tmp_path)
    fresh.check()
    keys.install(fresh)
    assert crypto.unseal(old, purpose="p", aad=AAD) == b"old"


def test_kms_rotating_its_own_key_material_changes_nothing_for_us(
    kms: Any, kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    keys.install(provider(kms_url, kms_key["arn"], ring_db, tmp_path))
    sealed = crypto.seal(b"v", purpose="p", aad=AAD)
    kms.enable_key_rotation(KeyId=kms_key["id"])
    kms.rotate_key_on_demand(KeyId=kms_key["id"])
    keys.install(provider(kms_url, kms_key["arn"], ring_db, tmp_path))
    assert crypto.unseal(sealed, purpose="p", aad=AAD) == b"v"


@pytest.mark.parametrize("state", ["disabled", "pending deletion"])
def test_a_disabled_or_deleted_kms_key_is_a_clear_failure_never_a_fallback(
    kms: Any, kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path, state: str
) -> None:
    running = provider(kms_url, kms_key["arn"], ring_db, tmp_path, KMS_CACHE_SECONDS=0.5)
    keys.install(running)
    sealed = crypto.seal(b"v", purpose="p", aad=AAD)
    if state == "disabled":
        kms.disable_key(KeyId=kms_key["id"])
        expected = "is Disabled"
    else:
        kms.schedule_key_deletion(KeyId=kms_key["id"], PendingWindowInDays=7)
        expected = "is PendingDeletion"
    # a process starting now refuses to
    with pytest.raises(KeyUnavailable, match=expected):
        provider(kms_url, kms_key["arn"], ring_db, tmp_path).check()
    # a running one stops sealing and opening once its cached key has expired
    time.sleep(0.6)
    with pytest.raises(KeyUnavailable, match=expected):
        crypto.unseal(sealed, purpose="p", aad=AAD)
    with pytest.raises(KeyUnavailable, match=expected):
        crypto.seal(b"w", purpose="p", aad=AAD)


def test_a_wrong_key_id_an_unreachable_kms_and_a_denied_key_say_so(
    kms: Any, kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    with pytest.raises(KeyUnavailable, match=r"alias/no-such-key does not exist"):
        provider(kms_url, "alias/no-such-key", ring_db, tmp_path).check()
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(KeyUnavailable, match=r"AWS KMS is unreachable \(http://127\.0\.0\.1"):
        provider(closed, kms_key["arn"], ring_db, tmp_path).check()
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "kms:DescribeKey",
                "Resource": "*",
            }
        ],
    }
    kms.put_key_policy(KeyId=kms_key["id"], PolicyName="default", Policy=json.dumps(deny))
    with pytest.raises(KeyUnavailable, match=r"AWS KMS denied DescribeKey on key arn:aws:kms"):
        provider(kms_url, kms_key["arn"], ring_db, tmp_path).check()
    assert ring_rows(ring_db) == []  # nothing was made, nothing fell back


def test_missing_aws_credentials_say_so(
    kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path, monkeypatch: Any
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(KeyUnavailable, match="No AWS credentials for KMS"):
        provider(kms_url, kms_key["arn"], ring_db, tmp_path).check()


def test_configuration_mistakes_are_refused(
    kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    with pytest.raises(KeyUnavailable, match="needs PHANTOM_KMS_KEY_ID"):
        provider(kms_url, "", ring_db, tmp_path)
    with pytest.raises(KeyUnavailable, match="PHANTOM_MASTER_KEY / PHANTOM_MASTER_KEY_PREVIOUS"):
        provider(kms_url, kms_key["arn"], ring_db, tmp_path, MASTER_KEY="A" * 43 + "=").check()
    unmigrated = f"sqlite+aiosqlite:///{tmp_path}/empty.db"
    with pytest.raises(KeyUnavailable, match="has `phantom migrate` run"):
        provider(kms_url, kms_key["arn"], unmigrated, tmp_path).check()


@pytest.mark.parametrize(
    ("setting", "value"),
    [("KEY_PROVIDER", "vault"), ("KMS_CACHE_SECONDS", 0), ("KMS_CACHE_SECONDS", 90_000)],
)
def test_bad_key_settings_are_refused(setting: str, value: Any) -> None:
    with pytest.raises(ValidationError, match=setting):
        Settings(**{setting: value})


def test_a_tampered_ring_entry_is_refused(
    kms: Any, kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    provider(kms_url, kms_key["arn"], ring_db, tmp_path).check()
    other = kms.generate_data_key(
        KeyId=kms_key["arn"], NumberOfBytes=32, EncryptionContext=keys.ENCRYPTION_CONTEXT
    )["CiphertextBlob"]
    with sqlite3.connect(ring_db.split("///", 1)[1]) as connection:
        connection.execute("UPDATE master_data_keys SET wrapped = ?", (other,))
    connection.close()
    with pytest.raises(KeyUnavailable, match="unwraps to a different key"):
        provider(kms_url, kms_key["arn"], ring_db, tmp_path).check()


def test_no_plaintext_key_is_written_to_disk_or_database(
    kms_url: str, kms_key: dict[str, str], ring_db: str, tmp_path: Path
) -> None:
    used = provider(kms_url, kms_key["arn"], ring_db, tmp_path)
    keys.install(used)
    crypto.seal(b"v", purpose="p", aad=AAD)
    used.rotate()
    crypto.seal(b"w", purpose="p", aad=AAD)
    found = [used.find(bytes.fromhex(row[0])) for row in ring_rows(ring_db)]
    plain = [key for key in found if key is not None]
    assert len(plain) == 2
    assert all(len(key) == 32 for key in plain)
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "phantom.db" for path in files)
    for path in files:
        content = path.read_bytes()
        for key in plain:
            assert key not in content, path
    assert not (tmp_path / "var" / "master.key").exists()


def test_the_ring_on_postgresql_as_the_application_role(
    kms_url: str, kms_key: dict[str, str], tmp_path: Path
) -> None:
    """The session's PostgreSQL database, reached as the application role that ``phantom
    migrate`` granted: the ring is read and written there as on SQLite."""
    import asyncio

    import asyncpg

    app_url = os.environ["PHANTOM_DATABASE_URL"]
    try:
        first = provider(kms_url, kms_key["arn"], app_url, tmp_path)
        keys.install(first)
        sealed = crypto.seal(b"v", purpose="p", aad=AAD)
        rotated = first.rotate()
        keys.install(provider(kms_url, kms_key["arn"], app_url, tmp_path))
        assert crypto.unseal(sealed, purpose="p", aad=AAD) == b"v"
        assert crypto.current_key_id() == rotated
    finally:

        async def clear() -> None:
            connection = await asyncpg.connect(app_url.replace("+asyncpg", ""))
            try:
                await connection.execute("DELETE FROM master_data_keys")
            finally:
                await connection.close()

        asyncio.run(clear())
