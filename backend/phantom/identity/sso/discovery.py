"""OpenID Provider discovery, fetched and checked when an admin saves a configuration, so a
typo shows up as a clear message then, not as a failed sign-in later."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

import httpx2

from phantom.config import settings
from phantom.identity.sso.errors import InvalidOidcConfig
from phantom.identity.sso.validation import check_endpoint_url

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 5.0
MAX_DOCUMENT_BYTES = 256 * 1024


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


async def check_public_host(host: str) -> None:
    """In production a tenant admin must not make the server fetch internal addresses
    (cloud metadata, the database): every address the name resolves to must be global."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError:
        raise InvalidOidcConfig(f"The issuer's host {host!r} does not resolve.") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise InvalidOidcConfig(
                f"The issuer's host {host!r} resolves to a non-public address; "
                "use the identity provider's public URL."
            )


async def _get_json(url: str) -> Any:
    async with (
        httpx2.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client,
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
    if settings.is_production():
        await check_public_host(urlsplit(url).hostname or "")
    try:
        metadata = await _get_json(url)
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
