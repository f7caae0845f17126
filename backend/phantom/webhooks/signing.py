"""The ``X-Phantom-Signature`` header: ``t=<unix seconds>,v1=<hex HMAC-SHA256>`` of
``"<t>.<raw body>"`` under the webhook's secret (the secret string's UTF-8 bytes). The
time is signed too, so a receiver can refuse old deliveries replayed at it."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Phantom-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, body: bytes, at: int) -> str:
    mac = hmac.new(secret.encode(), str(at).encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(secret: str, body: bytes, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    return f"t={at},v1={signature(secret, body, at)}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a receiver does: the header parses, is recent, and one ``v1`` matches."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k.strip() == "t"]
    macs = [v for k, v in parts if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not macs:
        return False
    at = int(stamps[0])
    if abs((time.time() if now is None else now) - at) > tolerance:
        return False
    expected = signature(secret, body, at)
    return any(hmac.compare_digest(expected, mac) for mac in macs)
