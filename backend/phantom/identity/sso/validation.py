"""Input rules for an OIDC configuration: each failure is a message an admin can act on.
Sizes are bounded so a configuration cannot grow without limit."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from phantom.config import settings
from phantom.identity.sso.errors import InvalidOidcConfig

ISSUER_MAX = 2048
CLIENT_ID_MAX = 255
CLIENT_SECRET_MAX = 1024
MAX_SCOPES = 20
MAX_DOMAINS = 50
MAX_MAPPINGS = 100
MAX_ROLES_PER_MAPPING = 10
CLAIM_VALUE_MAX = 256
ROLE_CLAIM_MAX = 100

SCOPE_RE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,64}$")  # RFC 6749 scope-token
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
CLAIM_NAME_RE = re.compile(r"^[\x21-\x7e]{1,100}$")  # printable, no spaces: "groups", URLs
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True, slots=True)
class RoleMapping:
    claim_value: str
    roles: list[str]


@dataclass(frozen=True, slots=True)
class OidcSettings:
    """What an admin submits (``ConfigureOidcInput``)."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: list[str]
    allowed_email_domains: list[str]
    default_role: str
    role_claim: str | None
    role_mapping: list[RoleMapping]
    sso_required: bool


def _no_controls(value: str, what: str) -> None:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise InvalidOidcConfig(f"{what} must not contain control characters.")


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint_url(url: str, what: str) -> str:
    """https everywhere; plain http only to a loopback host when
    ``PHANTOM_OUTBOUND_ALLOW_LOOPBACK`` is on (a local test IdP). No credentials. The
    address itself is checked at every use (``kit.outbound``)."""
    if len(url) > ISSUER_MAX:
        raise InvalidOidcConfig(f"{what} is too long: at most {ISSUER_MAX} characters.")
    _no_controls(url, what)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise InvalidOidcConfig(f"{what} is not a valid URL.") from None
    if not host or parts.username or parts.password:
        raise InvalidOidcConfig(f"{what} must be an absolute URL with a host and no credentials.")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and is_loopback(host) and settings.outbound_loopback_allowed():
        return url
    raise InvalidOidcConfig(f"{what} must use https.")


def clean_issuer(issuer: str) -> str:
    issuer = issuer.strip()
    if not issuer:
        raise InvalidOidcConfig("Issuer is required, e.g. https://login.example.com.")
    check_endpoint_url(issuer, "Issuer")
    parts = urlsplit(issuer)
    if parts.query or parts.fragment:
        raise InvalidOidcConfig("Issuer must not have a query or fragment.")
    return issuer


def clean_client_id(client_id: str) -> str:
    client_id = client_id.strip()
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        raise InvalidOidcConfig(f"Client ID must be 1 to {CLIENT_ID_MAX} characters.")
    _no_controls(client_id, "Client ID")
    return client_id


def check_client_secret(secret: str) -> str:
    if len(secret) > CLIENT_SECRET_MAX:
        raise InvalidOidcConfig(f"Client secret is too long: at most {CLIENT_SECRET_MAX}.")
    _no_controls(secret, "Client secret")
    return secret


def clean_scopes(scopes: list[str]) -> list[str]:
    if len(scopes) > MAX_SCOPES:
        raise InvalidOidcConfig(f"At most {MAX_SCOPES} scopes.")
    cleaned: list[str] = []
    for scope in scopes:
        if not SCOPE_RE.fullmatch(scope):
            raise InvalidOidcConfig(
                f"Invalid scope {scope[:64]!r}: 1 to 64 printable characters, no spaces or quotes."
            )
        if scope not in cleaned:
            cleaned.append(scope)
    if "openid" not in cleaned:
        raise InvalidOidcConfig("Scopes must include 'openid' (OpenID Connect sign-in).")
    return cleaned


def clean_domains(domains: list[str]) -> list[str]:
    if len(domains) > MAX_DOMAINS:
        raise InvalidOidcConfig(f"At most {MAX_DOMAINS} allowed email domains.")
    cleaned: list[str] = []
    for raw in domains:
        domain = raw.strip().lower().removeprefix("@")
        if not DOMAIN_RE.fullmatch(domain):
            raise InvalidOidcConfig(
                f"Invalid email domain {raw[:253]!r}: write it like bank.example (no '@', "
                "no scheme, no wildcard)."
            )
        if domain not in cleaned:
            cleaned.append(domain)
    return cleaned


def clean_role_claim(claim: str | None) -> str | None:
    if claim is None or not claim.strip():
        return None
    claim = claim.strip()
    if not CLAIM_NAME_RE.fullmatch(claim):
        raise InvalidOidcConfig(
            f"Role claim must be 1 to {ROLE_CLAIM_MAX} printable characters without spaces."
        )
    return claim


def clean_mapping(mapping: list[RoleMapping], role_claim: str | None) -> list[RoleMapping]:
    if len(mapping) > MAX_MAPPINGS:
        raise InvalidOidcConfig(f"At most {MAX_MAPPINGS} role mapping entries.")
    if mapping and role_claim is None:
        raise InvalidOidcConfig("Set the role claim (e.g. 'groups') to use a role mapping.")
    seen: set[str] = set()
    cleaned: list[RoleMapping] = []
    for entry in mapping:
        value = entry.claim_value
        if not value or len(value) > CLAIM_VALUE_MAX:
            raise InvalidOidcConfig(f"Each claim value must be 1 to {CLAIM_VALUE_MAX} characters.")
        _no_controls(value, "Claim value")
        if value in seen:
            raise InvalidOidcConfig(f"The claim value {value!r} is mapped twice.")
        seen.add(value)
        roles = list(dict.fromkeys(entry.roles))
        if not 1 <= len(roles) <= MAX_ROLES_PER_MAPPING:
            raise InvalidOidcConfig(
                f"The claim value {value!r} must map to 1 to {MAX_ROLES_PER_MAPPING} roles."
            )
        cleaned.append(RoleMapping(claim_value=value, roles=roles))
    return cleaned
