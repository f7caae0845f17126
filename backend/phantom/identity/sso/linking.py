"""Linking an existing account to the organization's IdP, with proof of the account.

An active member who signs in with a password is never linked just because the IdP
asserts their email (whoever controls the IdP could take the account over). They link it
themselves: signed in with their password, the page sends ``POST /auth/sso/{slug}/link``
(session cookie plus the CSRF header, so another site cannot start it), gets a one-time
link URL, and completes the IdP's sign-in in the same browser. The callback links only
when the browser still holds the very session that asked, and the IdP's email is that
member's.
"""

from __future__ import annotations

import json
import secrets
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from phantom.config import settings
from phantom.identity.authn import authenticate, authenticator
from phantom.identity.sso.client import STATE_TTL_SECONDS, state_cache
from phantom.identity.sso.errors import SsoFailure, SsoRefused
from phantom.kit.errors import PhantomError, Unauthenticated, Unavailable
from phantom.kit.responses import error_response

SESSION_KEY = "phantom_sso_link"  # in the signed SSO state cookie, between login and callback
CACHE_PREFIX = "link:"


async def start_link(request: Request) -> Response:
    """``POST /auth/sso/{slug}/link``: answers ``{"location": ...}`` to send the browser to."""
    principal, error = await authenticate(request, None, check_csrf=True)
    if error is not None:
        return error_response(error)
    if principal is None or principal.tenant_slug != request.path_params["slug"]:
        return error_response(
            Unauthenticated("Sign in to this organization with your password first.")
        )
    token = secrets.token_urlsafe(24)
    intent = {
        "tenant": str(principal.tenant_id),
        "user": str(principal.user_id),
        "session": str(principal.credential_id),
    }
    try:
        await state_cache.set(CACHE_PREFIX + token, json.dumps(intent), STATE_TTL_SECONDS)
    except Unavailable as outage:  # Redis unreachable: 503, retry
        return error_response(outage)
    location = f"/auth/sso/{principal.tenant_slug}/login?link={token}"
    return JSONResponse({"location": location}, headers={"cache-control": "no-store"})


def remember_link(request: Request) -> None:
    """At ``/login``: carry the link token to the callback in the signed state cookie."""
    token = request.query_params.get("link")
    if token:
        request.session[SESSION_KEY] = token[:64]


async def link_proof(request: Request, tenant_id: uuid.UUID) -> uuid.UUID | None:
    """At the callback: the member to link, when this flow is a link the same browser's
    session asked for (the token is used up); None for an ordinary sign-in."""
    token = request.session.pop(SESSION_KEY, None)
    if not isinstance(token, str):
        return None
    raw = await state_cache.get(CACHE_PREFIX + token)
    cookie = request.cookies.get(settings.SESSION_COOKIE)
    if raw is None or cookie is None:
        raise SsoRefused(SsoFailure.STATE_MISMATCH, "link token unknown, used or expired")
    intent = json.loads(raw)
    try:
        principal = await authenticator.from_session(cookie)
    except PhantomError:
        raise SsoRefused(SsoFailure.STATE_MISMATCH, "link without a live session") from None
    if (str(principal.credential_id), str(tenant_id)) != (intent["session"], intent["tenant"]):
        raise SsoRefused(SsoFailure.STATE_MISMATCH, "link asked by another session")
    return principal.user_id
