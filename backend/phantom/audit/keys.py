"""Audit key material: per-tenant data keys, per-subject keys and checkpoint signing keys,
each wrapped by the master key with ``kit.crypto.seal`` under its own purpose and bound
to its tenant (and key or subject id), so a wrapped key copied elsewhere does not open.

Details are AES-256-GCM with 96-bit random nonces. A data key encrypts one details blob
per event, so its use count is ``seq - first_seq``; it is rotated long before 2^32
(NIST SP 800-38D's bound for random nonces)."""

from __future__ import annotations

import os
import uuid
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from phantom.audit.errors import AuditKeyUnavailable
from phantom.kit import crypto

NONCE_BYTES = 12
MAX_EVENTS_PER_DATA_KEY = 1 << 30  # rotate far below the 2^32 random-nonce bound

DATA_KEY_PURPOSE = "audit-data-key"
SUBJECT_KEY_PURPOSE = "audit-subject-key"
SIGNING_KEY_PURPOSE = "audit-signing-key"
MAC_KEY_PURPOSE = "audit-mac-key"
PURPOSES = {"data": DATA_KEY_PURPOSE, "signing": SIGNING_KEY_PURPOSE, "mac": MAC_KEY_PURPOSE}


def master_key_id() -> str:
    return crypto.current_key_id()


def _aad(*parts: uuid.UUID) -> bytes:
    return b"".join(part.bytes for part in parts)


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(raw: bytes, purpose: str, *binding: uuid.UUID) -> bytes:
    return crypto.seal(raw, purpose=purpose, aad=_aad(*binding))


@lru_cache(maxsize=1024)
def unwrap(wrapped: bytes, purpose: str, *binding: uuid.UUID) -> bytes:
    """Data and signing keys are cached per process (they are immutable); subject keys
    go through ``unwrap_uncached`` so that an erasure takes effect at once everywhere."""
    return unwrap_uncached(wrapped, purpose, *binding)


def unwrap_uncached(wrapped: bytes, purpose: str, *binding: uuid.UUID) -> bytes:
    try:
        return crypto.unseal(wrapped, purpose=purpose, aad=_aad(*binding))
    except crypto.DecryptionError as error:
        raise AuditKeyUnavailable(str(error)) from None


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise AuditKeyUnavailable("details damaged or moved to another position") from None


def details_aad(tenant_id: uuid.UUID, seq: int, key_id: uuid.UUID) -> bytes:
    """Binds a ciphertext to its position: copied to another seq or tenant, it fails."""
    return b"phantom-audit-details/v1|%s|%d|%s" % (tenant_id.bytes, seq, key_id.bytes)


def subject_aad(tenant_id: uuid.UUID, seq: int, subject_id: uuid.UUID) -> bytes:
    return b"phantom-audit-subject/v1|%s|%d|%s" % (tenant_id.bytes, seq, subject_id.bytes)


def new_signing_key() -> tuple[bytes, bytes]:
    """(private raw 32 bytes, public raw 32 bytes)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private.private_bytes_raw(), public


def public_of(private_raw: bytes) -> bytes:
    private = Ed25519PrivateKey.from_private_bytes(private_raw)
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(private_raw: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_raw).sign(message)
