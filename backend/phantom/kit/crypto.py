"""Encryption at rest under the master key (``PHANTOM_MASTER_KEY``; KMS in the cloud).

AES-256-GCM with 96-bit random nonces (NIST SP 800-38D). The master key never encrypts
data directly: a key-encryption key is derived from it per purpose with HKDF-SHA256, so a
ciphertext made for one purpose (an SSO client secret) cannot be opened as another (an
audit data key). Every ciphertext is bound to its place with associated data (e.g. the
tenant id), so a row copied into another tenant does not decrypt.

Sealed format: ``b"v1" | key_id (8 bytes) | nonce (12) | ciphertext+tag``. The key id
names the master key that sealed it, so the master key can be rotated: old ciphertexts
stay readable while ``PHANTOM_MASTER_KEY_PREVIOUS`` holds the old key.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from phantom.config import settings

VERSION = b"v1"
NONCE_BYTES = 12
KEY_ID_BYTES = 8


class DecryptionError(Exception):
    """The ciphertext is damaged, was moved, or was sealed under a key we do not hold."""


def key_id(master_key: bytes) -> bytes:
    """A public fingerprint of a master key (not usable to recover it)."""
    return hashlib.sha256(b"phantom-key-id\x00" + master_key).digest()[:KEY_ID_BYTES]


@lru_cache(maxsize=64)
def _kek(master_key: bytes, purpose: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"phantom:{purpose}".encode()
    ).derive(master_key)
    return AESGCM(derived)


def _master_keys() -> dict[bytes, bytes]:
    keys = [settings.master_key, *settings.previous_master_keys]
    return {key_id(k): k for k in keys}


def seal(plaintext: bytes, *, purpose: str, aad: bytes) -> bytes:
    master = settings.master_key
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
    master = _master_keys().get(kid)
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
