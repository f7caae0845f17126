"""Encryption at rest under the master key, which a ``KeyProvider`` hands us
(``kit/keys.py``: ``PHANTOM_MASTER_KEY``, or data keys wrapped by AWS KMS).

AES-256-GCM with 96-bit random nonces (NIST SP 800-38D). The master key never encrypts
data directly: a key-encryption key is derived from it per purpose with HKDF-SHA256, so a
ciphertext made for one purpose (an SSO client secret) cannot be opened as another (an
audit data key). Every ciphertext is bound to its place with associated data (e.g. the
tenant id), so a row copied into another tenant does not decrypt.

Sealed format: ``b"v1" | key_id (8 bytes) | nonce (12) | ciphertext+tag``. The key id
names the master key that sealed it, so the master key can be rotated: old ciphertexts
stay readable while the provider still holds the old key (``PHANTOM_MASTER_KEY_PREVIOUS``;
every older generation of the KMS key ring).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from phantom.kit import keys
from phantom.kit.keys import KEY_ID_BYTES, KeyUnavailable, key_id

__all__ = [
    "DecryptionError",
    "KeyUnavailable",
    "current_key_id",
    "derived_key",
    "key_id",
    "known_key_ids",
    "seal",
    "sealed_key_id",
    "unseal",
]

VERSION = b"v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The ciphertext is damaged, was moved, or was sealed under a key we do not hold."""


def _derive(master_key: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"phantom:{purpose}".encode()
    ).derive(master_key)


def _kek(master_key: bytes, purpose: str) -> AESGCM:
    """Derived per call, never cached: a master key unwrapped by KMS must not outlive its
    cache lifetime in a derived form either (HKDF costs microseconds)."""
    return AESGCM(_derive(master_key, purpose))


def current_key_id() -> str:
    """The id (hex) of the master key that seals now."""
    return key_id(keys.provider().current()).hex()


def known_key_ids() -> dict[str, str]:
    """Every master key id that opens (hex), with where the provider keeps it."""
    return keys.provider().key_ids()


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose from the current master key (never the raw key)."""
    return _derive(keys.provider().current(), purpose)


def seal(plaintext: bytes, *, purpose: str, aad: bytes) -> bytes:
    master = keys.provider().current()
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = _kek(master, purpose).encrypt(nonce, plaintext, VERSION + aad)
    return VERSION + key_id(master) + nonce + ciphertext


def unseal(sealed: bytes, *, purpose: str, aad: bytes) -> bytes:
    if len(sealed) < len(VERSION) + KEY_ID_BYTES + NONCE_BYTES + 16 or not sealed.startswith(
        VERSION
    ):
        raise DecryptionError("not a sealed value")
    kid = sealed[2 : 2 + KEY_ID_BYTES]
    nonce = sealed[2 + KEY_ID_BYTES : 2 + KEY_ID_BYTES + NONCE_BYTES]
    master = keys.provider().find(kid)
    if master is None:
        raise DecryptionError(f"sealed under an unknown master key (key id {kid.hex()})")
    try:
        return _kek(master, purpose).decrypt(
            nonce, sealed[2 + KEY_ID_BYTES + NONCE_BYTES :], VERSION + aad
        )
    except InvalidTag:
        raise DecryptionError("ciphertext damaged, moved or sealed for another purpose") from None


def sealed_key_id(sealed: bytes) -> str:
    """Which master key sealed this value (hex), for rotation reports."""
    return sealed[2 : 2 + KEY_ID_BYTES].hex()
