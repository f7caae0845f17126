"""Start-up check of the master key against the database.

A value sealed under the master key (purpose ``key-check``) is kept per database. The
first process to start seals it; every later ``phantom api``, ``phantom worker`` and
``phantom standalone`` opens it before serving. Every sealed secret (audit keys, SSO
client secrets) is derived from the same master key, so a key that opens the canary
opens them; a wrong key stops the process with a message naming ``PHANTOM_MASTER_KEY``
and the key ids, instead of writing data nobody can read. The same holds for the KMS key
ring (``PHANTOM_KEY_PROVIDER=aws-kms``, ``kit/keys.py``). The audit keys' own master
key ids are checked too, so removing ``PHANTOM_MASTER_KEY_PREVIOUS`` while keys still
depend on it also fails here.
"""

from __future__ import annotations

import uuid

from phantom.audit.errors import MasterKeyMismatch
from phantom.audit.models import KeyCanary
from phantom.audit.repository import CanaryRepository
from phantom.db import transaction
from phantom.kit import crypto, keys
from phantom.kit.rows import utcnow

NAME = "master-key"
PURPOSE = "key-check"
PLAINTEXT = b"phantom master key check v1"
KMS_HINT = (
    "If this database was created with PHANTOM_MASTER_KEY, run `phantom keys import-env` "
    "once with that key (and any in PHANTOM_MASTER_KEY_PREVIOUS) still set, then remove "
    'them (docs/operations.md, "The master key").'
)


def _aad() -> bytes:
    return NAME.encode()


async def check_master_key() -> None:
    """Raise ``MasterKeyMismatch`` unless the configured keys open this database's data.
    A canary sealed under a previous key is re-sealed under the current one. The key
    provider is asked first: with AWS KMS, an unreachable, denied or disabled key stops
    the process here (``KeyUnavailable``), before it serves anything."""
    keys.provider().check()
    current = crypto.current_key_id()
    known = crypto.known_key_ids()
    async with transaction(None) as session:
        repo = CanaryRepository(session)
        canary = await repo.get(NAME)
        if canary is None:
            sealed = crypto.seal(PLAINTEXT, purpose=PURPOSE, aad=_aad())
            await repo.add_if_absent(
                KeyCanary(
                    id=uuid.uuid4(),
                    created_at=utcnow(),
                    name=NAME,
                    master_key_id=current,
                    sealed=sealed,
                )
            )
            canary = await repo.get(NAME)
        if canary is None:
            raise MasterKeyMismatch("The master key check could not be stored.")
        _open(canary, current, known)
        if canary.master_key_id != current:
            await repo.replace(NAME, current, crypto.seal(PLAINTEXT, purpose=PURPOSE, aad=_aad()))
        missing = sorted(set(await repo.wrapped_key_ids()) - set(known))
    if missing and keys.provider().name == "aws-kms":
        raise MasterKeyMismatch(
            f"Audit keys in this database were wrapped by master key id(s) {', '.join(missing)}, "
            f"which the KMS key ring does not hold. {KMS_HINT}"
        )
    if missing:
        raise MasterKeyMismatch(
            f"Audit keys in this database were wrapped by master key id(s) {', '.join(missing)}, "
            f"which neither PHANTOM_MASTER_KEY (key id {current}) nor "
            "PHANTOM_MASTER_KEY_PREVIOUS provides. Restore the missing key in "
            "PHANTOM_MASTER_KEY_PREVIOUS."
        )


def _open(canary: KeyCanary, current: str, known: dict[str, str]) -> None:
    if canary.master_key_id not in known and keys.provider().name == "aws-kms":
        raise MasterKeyMismatch(
            "PHANTOM_KEY_PROVIDER=aws-kms does not match this database: its data was sealed "
            f"with master key id {canary.master_key_id}, which the KMS key ring (key ids "
            f"{', '.join(sorted(known))}) does not hold. {KMS_HINT}"
        )
    if canary.master_key_id not in known:
        raise MasterKeyMismatch(
            "PHANTOM_MASTER_KEY does not match this database: its data was sealed with "
            f"master key id {canary.master_key_id}, but PHANTOM_MASTER_KEY has key id "
            f"{current}. Set PHANTOM_MASTER_KEY to the key this database was created with "
            "(when rotating, put the old key in PHANTOM_MASTER_KEY_PREVIOUS)."
        )
    try:
        crypto.unseal(canary.sealed, purpose=PURPOSE, aad=_aad())
    except crypto.DecryptionError as error:
        raise MasterKeyMismatch(
            f"The master key check failed ({error}): PHANTOM_MASTER_KEY (key id {current}) "
            "cannot open this database's data."
        ) from None
