"""Did one of our own pages send this request? The defence for routes a browser would
authorise by itself (signing in, accepting an invitation, signing out): a form on
another site can post to them, and the browser would keep the cookie they set (login
CSRF signs the victim in to the attacker's organization)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers

from phantom.config import settings

DEFAULT_PORTS = {"http": 80, "https": 443}
OUR_SITE = {"same-origin", "none"}  # Sec-Fetch-Site: our page, or typed by the user


def _origin(url: str) -> str | None:
    """``scheme://host[:port]``, lower-cased, without a default port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


def allowed_origins() -> set[str]:
    found = (_origin(u) for u in (settings.BASE_URL, *settings.ALLOWED_ORIGINS))
    return {o for o in found if o is not None}


def _addressed_to(origin: str, host: str | None) -> bool:
    """The page's origin is the host the request was sent to (the SPA on whatever name
    it is served under, e.g. a development proxy). A browser sets both headers, so a
    page on another site cannot make them match."""
    if not host:
        return False
    scheme = origin.split("://", 1)[0]
    return _origin(f"{scheme}://{host}") == origin


def from_our_site(headers: Headers) -> bool:
    """``Origin``, when sent, must be ours (``PHANTOM_BASE_URL``, ``PHANTOM_ALLOWED_ORIGINS``
    or the request's own host; ``null`` never). Without it, ``Sec-Fetch-Site``, when sent,
    must say same-origin. With neither, the client is not a browser: it has no one's
    cookies to abuse."""
    sent = headers.get("origin")
    if sent is not None:
        origin = _origin(sent)
        return origin is not None and (
            origin in allowed_origins() or _addressed_to(origin, headers.get("host"))
        )
    site = headers.get("sec-fetch-site")
    return site is None or site in OUR_SITE
