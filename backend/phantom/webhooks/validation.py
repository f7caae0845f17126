"""What a webhook may be, checked when it is created. The address is checked again at
every delivery (``kit.outbound``): a name that resolved to a public address today may
resolve to a private one tomorrow."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from phantom.kit.errors import BadUserInput
from phantom.kit.outbound import embedded_ipv4

MAX_URL_LENGTH = 2048
# The events a webhook can subscribe to (docs/alerts.md#webhook-payload).
EVENTS = ("alert.opened", "alert.acknowledged", "alert.resolved")
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def clean_url(url: str, *, allow_private: bool) -> str:
    """An absolute https URL (http too when private networks are allowed), with a host,
    without credentials or a fragment; an IP literal must be public unless allowed."""
    if len(url) > MAX_URL_LENGTH:
        raise BadUserInput(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if not url or not url.isprintable() or any(ch.isspace() for ch in url):
        raise BadUserInput("The URL must not be empty or contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadUserInput("The URL is not a valid absolute URL.") from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise BadUserInput("The URL must start with https:// (webhooks are sent over TLS).")
    if parts.username is not None or parts.password is not None:
        raise BadUserInput(
            "The URL must not contain credentials: verify deliveries by their signature."
        )
    if parts.fragment:
        raise BadUserInput("The URL must not contain a fragment (#...).")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadUserInput("The URL has no host.")
    if port == 0:
        raise BadUserInput("The URL's port must be between 1 and 65535.")
    if not allow_private and not _public_host(host):
        raise BadUserInput(
            "The URL's host is a private, loopback or link-local address: webhooks are sent "
            "to public addresses only (PHANTOM_WEBHOOK_ALLOW_PRIVATE is off)."
        )
    return url


def _public_host(host: str) -> bool:
    if host.lower() in LOCAL_NAMES or host.lower().endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True  # a name: resolved and checked at each delivery
    address = embedded_ipv4(address)  # mapped, NAT64, 6to4: judged by their IPv4
    return address.is_global and not address.is_multicast


def clean_events(events: list[str]) -> list[str]:
    """Known event names, at least one, each once, in the catalogue's order."""
    if not events:
        raise BadUserInput(f"Name at least one event: {', '.join(EVENTS)}.")
    if len(events) > 20:
        raise BadUserInput("Too many events.")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise BadUserInput(f"Unknown event '{unknown[0][:64]}'. Known events: {', '.join(EVENTS)}.")
    return [e for e in EVENTS if e in events]
