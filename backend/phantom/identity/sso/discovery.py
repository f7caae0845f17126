"""OpenID Provider discovery, fetched and checked when an admin saves a configuration, so a
typo shows up as a clear message then, not as a failed sign-in later. The fetch goes
through ``kit.outbound`` (public https addresses only, pinned), like every later one."""

from __future__ import annotations

import json
from typing import Any

import httpx2

from phantom.identity.sso.errors import InvalidOidcConfig
from phantom.identity.sso.validation import check_endpoint_url
from phantom.kit import outbound

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 5.0
MAX_DOCUMENT_BYTES = 256 * 1024


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


async def _get_json(url: str) -> Any:
    async with (
        httpx2.AsyncClient(
            timeout=TIMEOUT_SECONDS,
            transport=outbound.GuardedTransport(),
            follow_redirects=False,
            trust_env=False,
        ) as client,
        client.stream("GET", url, headers={"Accept": "application/json"}) as response,
    ):
        if response.status_code != 200:
            raise InvalidOidcConfig(
                f"The discovery document at {url} answered HTTP {response.status_code}; "
                "check the issuer URL."
            )
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_DOCUMENT_BYTES:
                raise InvalidOidcConfig(f"The discovery document at {url} is too large.")
    try:
        return json.loads(body)
    except ValueError:
        raise InvalidOidcConfig(f"The discovery document at {url} is not JSON.") from None


async def fetch_metadata(issuer: str) -> dict[str, Any]:
    """The provider's metadata, checked: same issuer, the endpoints we use, PKCE S256."""
    url = discovery_url(issuer)
    try:
        metadata = await _get_json(url)
    except outbound.OutboundRefused:
        raise InvalidOidcConfig(
            f"The identity provider at {url} is not allowed: use its public https URL "
            "(internal, private and link-local addresses are refused)."
        ) from None
    except httpx2.TimeoutException:
        raise InvalidOidcConfig(
            f"The identity provider did not answer within {TIMEOUT_SECONDS:g} s at {url}."
        ) from None
    except httpx2.HTTPError:
        raise InvalidOidcConfig(
            f"Could not reach the identity provider at {url}; check the issuer URL."
        ) from None
    if not isinstance(metadata, dict):
        raise InvalidOidcConfig(f"The discovery document at {url} is not a JSON object.")
    if metadata.get("issuer") != issuer:
        found = str(metadata.get("issuer"))[:200]
        raise InvalidOidcConfig(
            f"The discovery document names the issuer {found!r}, not {issuer!r}. Use exactly "
            "the issuer the provider announces (trailing slash included)."
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = metadata.get(key)
        if not isinstance(value, str):
            raise InvalidOidcConfig(f"The discovery document has no {key}.")
        check_endpoint_url(value, f"The provider's {key}")
    methods = metadata.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise InvalidOidcConfig("The identity provider does not support PKCE with S256.")
    return metadata
