"""Where the master key comes from: a ``KeyProvider`` (``PHANTOM_KEY_PROVIDER``).

- ``env`` (the default): ``PHANTOM_MASTER_KEY`` (or standalone's key file in
  ``PHANTOM_VAR_DIR``) seals; ``PHANTOM_MASTER_KEY_PREVIOUS`` still opens.
- ``aws-kms``: envelope encryption. The master keys are 32-byte data keys from KMS
  ``GenerateDataKey``, kept in the database only wrapped by the KMS key
  ``PHANTOM_KMS_KEY_ID`` (table ``master_data_keys``, "the key ring"), so every API and
  worker process unwraps the same keys. The newest generation seals; every older one
  (and any key imported from ``PHANTOM_MASTER_KEY``) still opens. An unwrapped key is
  kept in memory for ``PHANTOM_KMS_CACHE_SECONDS`` at most after KMS last unwrapped it.
  A thread of the process's own unwraps the keys it holds again, and re-reads the ring,
  every quarter lifetime, so a caller (often a coroutine on the event loop: ``seal`` and
  ``unseal`` are synchronous) never waits for KMS; a caller unwraps synchronously only a
  key it never had, or one KMS could not renew before it expired (finding W5-5). A value
  naming a key id this process has not seen (another process rotated) re-reads the ring
  at once.

Either way ``kit.crypto`` derives its per-purpose keys from "the master key" the
provider hands it, and names it in every ciphertext by its fingerprint (``key_id``), so
rotation, the start-up check and ``phantom audit rewrap`` are the same code for both.
A KMS failure is an error naming the cause (unreachable, access denied, disabled or
unknown key); nothing falls back to a key outside KMS, and no plaintext key is written.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, partial
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from phantom.config import Settings
from phantom.kit.errors import ErrorCode, PhantomError

KEY_ID_BYTES = 8
DATA_KEY_BYTES = 32
# Bound to every wrapped data key: KMS refuses to unwrap it for any other context, and
# CloudTrail shows what each Decrypt was for.
ENCRYPTION_CONTEXT = {"phantom": "master-data-key"}
# of the cache lifetime: the keeper thread's period. A quarter: a renewal that ends
# within three quarters of the lifetime never lets a key expire under its callers (at a
# half, a 0.6 s renewal of a 2 s key on a loaded host came late and stalled the loop)
REFRESH_EVERY = 0.25
GENERATED, IMPORTED = "generated", "imported"

T = TypeVar("T")
log = logging.getLogger(__name__)


class KeyUnavailable(PhantomError):
    """The master key cannot be had: KMS unreachable, access denied, a disabled or unknown
    key, a misconfiguration. Never answered by a weaker key."""

    code = ErrorCode.UNAVAILABLE


def key_id(master_key: bytes) -> bytes:
    """A public fingerprint of a master key (not usable to recover it)."""
    return hashlib.sha256(b"phantom-key-id\x00" + master_key).digest()[:KEY_ID_BYTES]


class KeyProvider(Protocol):
    """Hands ``kit.crypto`` the master keys; it never sees where they come from."""

    name: str

    def current(self) -> bytes:
        """The key that seals now."""
        ...

    def find(self, kid: bytes) -> bytes | None:
        """The key with this id (current or older), or None if this provider has none."""
        ...

    def key_ids(self) -> dict[str, str]:
        """Every key id that opens (hex), and where it comes from, for messages."""
        ...

    def check(self) -> None:
        """Start-up: raise ``KeyUnavailable`` unless every key can be had now."""
        ...


class EnvKeyProvider:
    """``PHANTOM_MASTER_KEY`` seals; ``PHANTOM_MASTER_KEY_PREVIOUS`` still opens."""

    name = "env"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def current(self) -> bytes:
        return self.settings.master_key

    @cached_property
    def _keys(self) -> dict[bytes, bytes]:
        """Fingerprinted once: the settings' keys do not change in a process's life."""
        keys = [self.settings.master_key, *self.settings.previous_master_keys]
        return {key_id(k): k for k in keys}

    def find(self, kid: bytes) -> bytes | None:
        return self._keys.get(kid)

    def key_ids(self) -> dict[str, str]:
        ids = {key_id(self.settings.master_key).hex(): "PHANTOM_MASTER_KEY"}
        for key in self.settings.previous_master_keys:
            ids.setdefault(key_id(key).hex(), "PHANTOM_MASTER_KEY_PREVIOUS")
        return ids

    def check(self) -> None:
        try:
            self.current()
            _ = self.settings.previous_master_keys
        except ValueError as error:
            raise KeyUnavailable(str(error)) from None


# --- the key ring (aws-kms) -------------------------------------------------------------


def ring_table(metadata: MetaData) -> Table:
    """The wrapped data keys. Defined here (``kit`` sits below ``db``); ``phantom.models``
    puts the same table on the one metadata, for migrations and grants."""
    return Table(
        "master_data_keys",
        metadata,
        Column("id", Uuid(), primary_key=True),
        Column("key_id", String(16), nullable=False, unique=True),  # hex fingerprint
        # 1, 2, ...: the highest seals. NULL: imported from PHANTOM_MASTER_KEY, opens only
        Column("generation", Integer(), nullable=True, unique=True),
        Column("origin", String(16), nullable=False),  # generated | imported
        Column("kms_key_arn", String(2048), nullable=False),  # the KMS key that wrapped it
        Column("wrapped", LargeBinary(), nullable=False),  # KMS ciphertext blob, never plain
        Column("created_at", DateTime(timezone=True), nullable=False),
    )


RING = ring_table(MetaData())


@dataclass(frozen=True, slots=True)
class RingEntry:
    key_id: str
    generation: int | None
    origin: str
    kms_key_arn: str
    wrapped: bytes
    created_at: datetime


class KmsKeyProvider:
    """Envelope encryption under an AWS KMS key (``PHANTOM_KEY_PROVIDER=aws-kms``)."""

    name = "aws-kms"

    def __init__(self, settings: Settings, database_url: str | None = None) -> None:
        if not settings.KMS_KEY_ID:
            raise KeyUnavailable(
                "PHANTOM_KEY_PROVIDER=aws-kms needs PHANTOM_KMS_KEY_ID (the KMS key's ARN or "
                "alias, e.g. alias/phantom-master)."
            )
        self.settings = settings
        self.kms_key_id: str = settings.KMS_KEY_ID
        self.database_url = database_url or settings.DATABASE_URL
        self.cache_seconds = settings.KMS_CACHE_SECONDS
        self.decrypt_calls = 0  # KMS Decrypt requests this provider made (tests count them)
        self._lock = threading.RLock()
        self._ring: dict[str, RingEntry] = {}
        self._ring_read_at = -float("inf")
        self._plain: dict[str, tuple[bytes, float]] = {}  # key id -> (key, expires at)
        self._client: Any = None
        self._keeper_pid = 0  # the process whose keeper thread runs (none after a fork)
        self._closed = threading.Event()

    # -- KeyProvider

    def current(self) -> bytes:
        with self._lock:
            if self._never_read():
                self._read_ring()
            if self._sealing_entry() is None:
                self._create_first()
            entry = self._sealing_entry()
            if entry is None:
                raise KeyUnavailable("The KMS key ring has no data key to seal with.")
            return self._unwrap(entry)

    def find(self, kid: bytes) -> bytes | None:
        with self._lock:
            entry = self._ring.get(kid.hex())
            if entry is None:
                self._read_ring()  # a key another process made since we last looked
                entry = self._ring.get(kid.hex())
            return None if entry is None else self._unwrap(entry)

    def key_ids(self) -> dict[str, str]:
        with self._lock:
            if self._never_read():
                self._read_ring()
            return {kid: f"the KMS key ring ({e.origin})" for kid, e in self._ring.items()}

    def check(self) -> None:
        """Unwraps every key in the ring now: a KMS key that is unreachable, denied or
        disabled stops the process before it serves anything."""
        if self.settings.MASTER_KEY or self.settings.MASTER_KEY_PREVIOUS:
            raise KeyUnavailable(
                "PHANTOM_MASTER_KEY / PHANTOM_MASTER_KEY_PREVIOUS are set, but "
                "PHANTOM_KEY_PROVIDER=aws-kms keeps master keys only wrapped by KMS. Run "
                "`phantom keys import-env` once (it wraps them into the key ring), then "
                "remove both variables."
            )
        with self._lock:
            self.current()
            for entry in list(self._ring.values()):
                self._unwrap(entry)

    # -- operations (``phantom keys``)

    def ring(self) -> list[RingEntry]:
        with self._lock:
            self._read_ring()
            return sorted(self._ring.values(), key=lambda e: (e.generation or 0, e.created_at))

    def rotate(self) -> str:
        """A new data key seals from now on (in every process within the cache lifetime);
        older ones stay in the ring and keep opening. Entries wrapped by another KMS key
        (``PHANTOM_KMS_KEY_ID`` changed) are re-wrapped under the current one, so the old
        KMS key can then be disabled. Returns the new key id."""
        with self._lock:
            self._read_ring()
            self._rewrap_ring()
            generation = max((e.generation or 0 for e in self._ring.values()), default=0) + 1
            if not self._insert_generated(generation):
                raise KeyUnavailable("Another rotation ran at the same time: run it again.")
            self._read_ring()
            entry = self._sealing_entry()
            if entry is None or entry.generation != generation:
                raise KeyUnavailable("Another rotation ran at the same time: run it again.")
            return entry.key_id

    def import_keys(self, keys: list[bytes]) -> list[str]:
        """Wraps master keys from the environment into the ring (they open, never seal):
        the way from ``env`` to ``aws-kms`` without re-sealing anything. Idempotent."""
        added: list[str] = []
        with self._lock:
            self._read_ring()
            for raw in keys:
                kid = key_id(raw).hex()
                if kid in self._ring:
                    continue
                answer = self._kms(
                    "Encrypt",
                    KeyId=self._enabled_arn(self.kms_key_id),
                    Plaintext=raw,
                    EncryptionContext=ENCRYPTION_CONTEXT,
                )
                row = self._row(kid, None, IMPORTED, answer["KeyId"], answer["CiphertextBlob"])
                self._db(partial(_insert, row=row))
                added.append(kid)
            self._read_ring()
        return added

    # -- internals

    def _never_read(self) -> bool:
        return self._ring_read_at == -float("inf")

    def close(self) -> None:
        """Stop the keeper thread (``install`` calls it on the provider it replaces)."""
        self._closed.set()

    def _keep_fresh(self) -> None:
        """Started with the first unwrap in each process: every quarter lifetime, the ring
        is re-read and every key held is unwrapped again, off the callers' path. A key
        KMS cannot renew (unreachable, disabled) is left to expire on time; its next
        caller then unwraps synchronously and gets KMS's error."""
        if self._keeper_pid == os.getpid() or self._closed.is_set():
            return
        self._keeper_pid = os.getpid()
        threading.Thread(target=self._keeper, name="phantom-kms-keeper", daemon=True).start()

    def _keeper(self) -> None:
        while not self._closed.wait(self.cache_seconds * REFRESH_EVERY):
            try:
                self._read_ring()
                for kid in list(self._plain):
                    entry = self._ring.get(kid)
                    if entry is not None:
                        self._plain[kid] = self._unwrap_now(entry)
            except KeyUnavailable as error:
                log.warning("the KMS keeper could not renew the master keys: %s", error)

    def _sealing_entry(self) -> RingEntry | None:
        generated = [e for e in self._ring.values() if e.generation is not None]
        return max(generated, key=lambda e: e.generation or 0, default=None)

    def _read_ring(self) -> None:
        rows = self._db(_select_ring)
        self._ring = {row.key_id: row for row in rows}
        self._ring_read_at = time.monotonic()

    def _create_first(self) -> None:
        """The first process to start on an empty ring makes generation 1; a concurrent
        one loses the insert and reads the winner's."""
        self._insert_generated(1)
        self._read_ring()

    def _enabled_arn(self, kms_key: str) -> str:
        """The key's ARN, if it is enabled. Asked before every unwrap and wrap: a key that
        was disabled or scheduled for deletion is refused with its state named, whether or
        not the KMS in front of us would still answer."""
        metadata = self._kms("DescribeKey", KeyId=kms_key)["KeyMetadata"]
        state = metadata.get("KeyState", "Enabled")
        if state != "Enabled":
            raise KeyUnavailable(
                f"The KMS key {metadata['Arn']} is {state}: the master keys it wraps cannot be "
                "unwrapped. Re-enable it (or cancel its deletion); nothing is served without it."
            )
        arn: str = metadata["Arn"]
        return arn

    def _insert_generated(self, generation: int) -> bool:
        answer = self._kms(
            "GenerateDataKey",
            KeyId=self._enabled_arn(self.kms_key_id),
            NumberOfBytes=DATA_KEY_BYTES,
            EncryptionContext=ENCRYPTION_CONTEXT,
        )
        plain: bytes = answer["Plaintext"]
        row = self._row(
            key_id(plain).hex(), generation, GENERATED, answer["KeyId"], answer["CiphertextBlob"]
        )
        return self._db(partial(_insert, row=row))

    def _rewrap_ring(self) -> None:
        target = self._enabled_arn(self.kms_key_id)
        for entry in list(self._ring.values()):
            if entry.kms_key_arn == target:
                continue
            plain = self._unwrap(entry)
            answer = self._kms(
                "Encrypt", KeyId=target, Plaintext=plain, EncryptionContext=ENCRYPTION_CONTEXT
            )
            arn, blob = answer["KeyId"], answer["CiphertextBlob"]
            self._db(partial(_rewrap, kid=entry.key_id, arn=arn, blob=blob))
        self._read_ring()

    def _row(
        self, kid: str, generation: int | None, origin: str, arn: str, blob: bytes
    ) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "key_id": kid,
            "generation": generation,
            "origin": origin,
            "kms_key_arn": arn,
            "wrapped": blob,
            "created_at": datetime.now(UTC),
        }

    def _unwrap(self, entry: RingEntry) -> bytes:
        cached = self._plain.get(entry.key_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        self._plain.pop(entry.key_id, None)  # expired: never used past its lifetime
        self._plain[entry.key_id] = fresh = self._unwrap_now(entry)
        self._keep_fresh()
        return fresh[0]

    def _unwrap_now(self, entry: RingEntry) -> tuple[bytes, float]:
        """The key and when it expires: a lifetime from KMS's answer (DescribeKey said
        enabled, then Decrypt unwrapped it)."""
        self._enabled_arn(entry.kms_key_arn)
        self.decrypt_calls += 1
        answer = self._kms(
            "Decrypt",
            CiphertextBlob=entry.wrapped,
            KeyId=entry.kms_key_arn,
            EncryptionContext=ENCRYPTION_CONTEXT,
        )
        plain: bytes = answer["Plaintext"]
        if key_id(plain).hex() != entry.key_id:
            raise KeyUnavailable(
                f"The key ring's entry {entry.key_id} unwraps to a different key: the row "
                "was altered. Restore master_data_keys from a backup."
            )
        return plain, time.monotonic() + self.cache_seconds

    def _kms(self, operation: str, **arguments: Any) -> Any:
        client = self._kms_client()
        method = {
            "GenerateDataKey": client.generate_data_key,
            "Decrypt": client.decrypt,
            "Encrypt": client.encrypt,
            "DescribeKey": client.describe_key,
        }[operation]
        try:
            return method(**arguments)
        except Exception as error:
            raise KeyUnavailable(self._explain(operation, arguments, error)) from None

    def _explain(self, operation: str, arguments: dict[str, Any], error: Exception) -> str:
        from botocore.exceptions import (
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
            NoCredentialsError,
            ReadTimeoutError,
        )

        key = arguments.get("KeyId", self.kms_key_id)
        where = self.settings.KMS_ENDPOINT_URL or f"region {self._region()}"
        if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
            return f"AWS KMS is unreachable ({where}): {error}. No key is used without it."
        if isinstance(error, NoCredentialsError):
            return (
                "No AWS credentials for KMS: give the process a role (or AWS_ACCESS_KEY_ID / "
                "AWS_SECRET_ACCESS_KEY)."
            )
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
            detail = error.response.get("Error", {}).get("Message", "")
            if code in ("AccessDeniedException", "UnrecognizedClientException"):
                return (
                    f"AWS KMS denied {operation} on key {key} ({detail}): grant this role "
                    "kms:GenerateDataKey, kms:Decrypt, kms:Encrypt and kms:DescribeKey on it."
                )
            if code == "NotFoundException":
                return f"The KMS key {key} does not exist in {where} (PHANTOM_KMS_KEY_ID)."
            if code in ("DisabledException", "KMSInvalidStateException"):
                return (
                    f"The KMS key {key} is disabled or pending deletion ({detail}): the master "
                    "keys it wraps cannot be unwrapped. Re-enable it (or cancel its deletion)."
                )
            if code in ("InvalidCiphertextException", "IncorrectKeyException"):
                return (
                    f"A wrapped master data key does not open with KMS key {key} ({code}): "
                    "it was wrapped by another key or altered."
                )
            return f"AWS KMS {operation} failed on key {key}: {code} {detail}".strip()
        return f"AWS KMS {operation} failed on key {key}: {error!r}"

    def _region(self) -> str | None:
        if self.settings.KMS_REGION:
            return self.settings.KMS_REGION
        found = re.match(r"arn:aws[\w-]*:kms:([\w-]+):", self.kms_key_id)
        return found.group(1) if found else None

    def _kms_client(self) -> Any:
        if self._client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError:
                raise KeyUnavailable(
                    "PHANTOM_KEY_PROVIDER=aws-kms needs boto3: install the aws extra "
                    "(pip install 'phantom-ml-studio[aws]')."
                ) from None
            config = Config(
                connect_timeout=5, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}
            )
            try:
                self._client = boto3.session.Session().client(  # credentials read now
                    "kms",
                    region_name=self._region(),
                    endpoint_url=self.settings.KMS_ENDPOINT_URL,
                    config=config,
                )
            except Exception as error:  # e.g. NoRegionError
                raise KeyUnavailable(
                    f"Cannot reach AWS KMS: {error}. Set PHANTOM_KMS_REGION (or use the key's "
                    "full ARN)."
                ) from None
        return self._client

    def _db(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """One short transaction on a connection of its own, in a thread of its own: the
        key ring is read from synchronous code (``seal``), possibly inside a running
        event loop, and rarely (at start-up, then once per cache lifetime)."""

        async def main() -> T:
            engine = create_async_engine(self.database_url, poolclass=NullPool)
            try:
                async with engine.begin() as connection:
                    return await work(connection)
            finally:
                await engine.dispose()

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="phantom-keyring") as pool:
            try:
                return pool.submit(asyncio.run, main()).result()
            except PhantomError:
                raise
            except Exception as error:
                raise KeyUnavailable(
                    f"The KMS key ring (table master_data_keys) cannot be read or written: "
                    f"{error}. Is the database up, and has `phantom migrate` run?"
                ) from None


async def _select_ring(connection: AsyncConnection) -> list[RingEntry]:
    rows = (await connection.execute(select(RING))).mappings().all()
    return [
        RingEntry(
            key_id=row["key_id"],
            generation=row["generation"],
            origin=row["origin"],
            kms_key_arn=row["kms_key_arn"],
            wrapped=bytes(row["wrapped"]),
            created_at=row["created_at"],
        )
        for row in rows
    ]


async def _insert(connection: AsyncConnection, row: dict[str, Any]) -> bool:
    """Insert unless the key id or generation is taken; True if this row went in."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    result = await connection.execute(insert(RING).values(**row).on_conflict_do_nothing())
    return bool(result.rowcount)


async def _rewrap(connection: AsyncConnection, kid: str, arn: str, blob: bytes) -> None:
    await connection.execute(
        update(RING).where(RING.c.key_id == kid).values(kms_key_arn=arn, wrapped=blob)
    )


# --- the process's provider ---------------------------------------------------------------

_provider: KeyProvider | None = None
_provider_lock = threading.Lock()


def provider() -> KeyProvider:
    """This process's provider, made from the settings on first use (each API and worker
    process makes its own, so each has its own cache)."""
    global _provider
    with _provider_lock:
        if _provider is None:
            from phantom.config import settings

            _provider = (
                KmsKeyProvider(settings)
                if settings.KEY_PROVIDER == "aws-kms"
                else EnvKeyProvider(settings)
            )
        return _provider


def install(new: KeyProvider | None) -> KeyProvider | None:
    """Replace this process's provider (None: made again from the settings on next use);
    returns the one it replaces. For tests and ``phantom keys``."""
    global _provider
    with _provider_lock:
        old, _provider = _provider, new
    if isinstance(old, KmsKeyProvider) and old is not new:
        old.close()
    return old
