"""``/auth/sso/{slug}/login`` and ``/auth/sso/{slug}/callback``: OpenID Connect sign-in.

The tenant comes from the route's slug, and only that tenant's IdP can complete its flow:
the state is stored under the tenant's client, the callback's ``iss`` and the ID token's
issuer and audience are pinned to the tenant's configuration. Every refusal answers a
plain HTML page (4xx, nothing of ours echoed unescaped, no session) and logs one
``auth.failed`` line with a machine-readable reason.
"""

from __future__ import annotations

import html
import logging
import uuid
from typing import Any

import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from joserfc import errors as jose_errors
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from phantom.config import settings
from phantom.db import transaction
from phantom.identity import refusals
from phantom.identity.authn import authenticator
from phantom.identity.routes import set_session_cookies
from phantom.identity.sessions import user_sessions
from phantom.identity.sso.client import STATE_TTL_SECONDS, TenantOidcClient, clients
from phantom.identity.sso.errors import UNAVAILABLE_RETRY_SECONDS, SsoFailure, SsoRefused
from phantom.identity.sso.linking import link_proof, remember_link, start_link
from phantom.identity.sso.service import client_secret
from phantom.identity.sso.sign_in import LoginTarget, sso_sign_in
from phantom.kit import crypto
from phantom.kit.errors import Unavailable
from phantom.kit.logging import request_id_var, tenant_id_var
from phantom.kit.ratelimit import FailureCounter

log = logging.getLogger("phantom.auth")
# Refused SSO sign-ins per address, as for passwords (identity/routes.py `_by_ip`).
_failures = FailureCounter(
    "phantom:sso:ip", settings.LOGIN_MAX_FAILURES * 10, settings.LOGIN_FAILURE_WINDOW_SECONDS
)
STATE_COOKIE = "phantom_sso_state"
LEEWAY_SECONDS = 60
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def state_cookie_secret() -> str:
    """The state cookie's signing key, derived from the master key (never the raw key)."""
    return crypto.derived_key("sso-state-cookie").hex()


class StateCookie:
    """Starlette's ``SessionMiddleware`` for the SSO routes only (Authlib keeps its state
    marker there): own cookie name (an IdP on the same host shares our cookies), path
    ``/auth/sso``, short-lived, Lax (the IdP's redirect back is a top-level GET), Secure
    under TLS. Built on first use, when the master key is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._inner: SessionMiddleware | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._inner is None:
            self._inner = SessionMiddleware(
                self.app,
                secret_key=state_cookie_secret(),
                session_cookie=STATE_COOKIE,
                max_age=STATE_TTL_SECONDS,
                path="/auth/sso",
                same_site="lax",
                https_only=settings.uses_tls(),
            )
        await self._inner(scope, receive, send)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _redirect_uri(slug: str) -> str:
    return f"{settings.BASE_URL.rstrip('/')}/auth/sso/{slug}/callback"


def refusal_page(error: SsoRefused) -> HTMLResponse:
    request_id = html.escape(request_id_var.get() or "")
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in refused - Phantom ML Studio</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;
color:#1f2937}}h1{{font-size:1.4rem}}code{{color:#6b7280}}</style></head>
<body><main role="main"><h1>Single sign-on did not complete</h1>
<p role="alert">{html.escape(error.message)}</p>
<p><a href="/login">Back to the sign-in page</a></p>
<p><small>Reference: <code>{request_id}</code></small></p></main></body></html>"""
    return HTMLResponse(
        body,
        status_code=error.status,
        headers={"content-security-policy": PAGE_CSP, "cache-control": "no-store"},
    )


async def _refuse(
    request: Request, error: SsoRefused, tenant_id: uuid.UUID | None = None
) -> HTMLResponse:
    """The refusal page; an ``auth.failed`` log line; a failure counted against the
    address; and, for a known organization, an aggregated event in its audit log (which
    never holds the IdP's raw error text). A throttled request counts nothing more, nor
    does one our own outage refused (it could not be counted anyway)."""
    ip = _client_ip(request)
    log.warning(
        "auth.failed",
        extra={
            "event": "auth.failed",
            "method": "sso",
            "tenant_slug": str(request.path_params.get("slug", ""))[:63],
            "reason": error.reason.value,
            "detail": error.detail,
            "ip": ip,
            "request_id": request_id_var.get(),
        },
    )
    if error.reason not in (SsoFailure.RATE_LIMITED, SsoFailure.UNAVAILABLE):
        try:
            await _failures.fail(ip)
            if tenant_id is not None:
                await refusals.record_refused_sign_in(
                    tenant_id, ip=ip, method="sso", reason=error.reason.value
                )
        except Unavailable:  # Redis went down after the throttle: the refusal still stands
            log.warning(
                "sso refusal neither counted nor audited: Redis unavailable", extra={"ip": ip}
            )
    response = refusal_page(error)
    if error.retry_after:
        response.headers["retry-after"] = str(error.retry_after)
    return response


async def _throttle(request: Request) -> None:
    """An address with too many refused sign-ins waits (429) before anything else runs:
    no IdP request, no state stored, nothing audited."""
    wait = await _failures.retry_after(_client_ip(request))
    if wait:
        raise SsoRefused(SsoFailure.RATE_LIMITED, retry_after=wait)


async def _target(slug: str) -> tuple[LoginTarget, TenantOidcClient]:
    async with transaction(None) as session:
        target = await sso_sign_in.login_target(session, slug)
    tenant_id_var.set(str(target.tenant.id))
    client = clients.get(target.config, lambda: client_secret(target.config))
    return target, client


async def login(request: Request) -> Response:
    slug = request.path_params["slug"]
    try:
        await _throttle(request)
        target, client = await _target(slug)
        remember_link(request)
        try:
            response: Response = await client.authorize_redirect(
                request, _redirect_uri(target.tenant.slug)
            )
        except (httpx2.HTTPError, ValueError, RuntimeError) as error:
            raise SsoRefused(SsoFailure.IDP_UNAVAILABLE, repr(error)) from None
    except SsoRefused as error:
        return await _refuse(request, error)
    except Unavailable as error:
        return await _refuse(request, _outage(error))
    response.headers["cache-control"] = "no-store"
    return response


def _outage(error: Unavailable) -> SsoRefused:
    """Redis unreachable (the address's failure count, the one-time state): a 503 page
    to retry, not a 500 (wave 10's rule for every Redis user)."""
    return SsoRefused(SsoFailure.UNAVAILABLE, str(error), retry_after=UNAVAILABLE_RETRY_SECONDS)


def _token_failure(error: Exception) -> SsoRefused:
    """Authlib's and joserfc's exceptions, as refusal reasons."""
    detail = f"{type(error).__name__}: {error}"
    if isinstance(error, SsoRefused):
        return error
    if isinstance(error, MismatchingStateError):
        return SsoRefused(SsoFailure.STATE_MISMATCH, detail)
    if isinstance(error, jose_errors.ExpiredTokenError):
        return SsoRefused(SsoFailure.TOKEN_EXPIRED, detail)
    if isinstance(error, jose_errors.ClaimError):
        reason = {
            "iss": SsoFailure.ISSUER_MISMATCH,
            "aud": SsoFailure.AUDIENCE_MISMATCH,
            "azp": SsoFailure.AUDIENCE_MISMATCH,
            "nonce": SsoFailure.NONCE_MISMATCH,
        }.get(error.claim, SsoFailure.ID_TOKEN_INVALID)
        return SsoRefused(reason, detail)
    if isinstance(error, jose_errors.InvalidKeyIdError):
        return SsoRefused(SsoFailure.UNKNOWN_SIGNING_KEY, detail)
    if isinstance(error, jose_errors.JoseError):
        return SsoRefused(SsoFailure.SIGNATURE_INVALID, detail)
    if isinstance(error, httpx2.HTTPError):
        return SsoRefused(SsoFailure.IDP_UNAVAILABLE, detail)
    if isinstance(error, AuthlibBaseError):
        return SsoRefused(SsoFailure.CODE_REJECTED, detail)
    return SsoRefused(SsoFailure.ID_TOKEN_INVALID, detail)


async def _verified_claims(
    request: Request, target: LoginTarget, client: TenantOidcClient
) -> dict[str, Any]:
    params = request.query_params
    if params.get("error"):
        raise SsoRefused(
            SsoFailure.IDP_ERROR, f"{params['error']}: {params.get('error_description')}"[:300]
        )
    if not params.get("state") or not params.get("code"):
        raise SsoRefused(SsoFailure.STATE_MISMATCH, "callback without state or code")
    config = target.config
    try:
        metadata = await client.load_server_metadata()
        # RFC 9207: Authlib does not check the callback's iss; a mix-up attack would
        # send another IdP's code here.
        iss = params.get("iss")
        iss_required = metadata.get("authorization_response_iss_parameter_supported") is True
        if iss != config.issuer and (iss is not None or iss_required):
            raise SsoRefused(SsoFailure.ISSUER_MISMATCH, f"callback iss {str(iss)[:200]!r}")
        token = await client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": config.issuer},
                "aud": {"essential": True, "value": config.client_id},
            },
            leeway=LEEWAY_SECONDS,
        )
    except (
        SsoRefused,
        AuthlibBaseError,
        jose_errors.JoseError,
        httpx2.HTTPError,
        ValueError,
    ) as error:
        # ValueError: malformed JSON or tokens from the IdP. Anything else is our bug: a 500.
        raise _token_failure(error) from None
    claims = token.get("userinfo")
    if not isinstance(claims, dict):
        raise SsoRefused(SsoFailure.ID_TOKEN_MISSING)
    return dict(claims)


async def _end_previous_session(request: Request) -> None:
    """A browser that signs in again leaves its old session behind, revoked (it may belong
    to another organization, hence a system transaction)."""
    previous = request.cookies.get(settings.SESSION_COOKIE)
    if previous:
        async with transaction(None) as session:
            await user_sessions.logout(session, previous)
        authenticator.forget_session(previous)


async def callback(request: Request) -> Response:
    ip, user_agent = _client_ip(request), request.headers.get("user-agent")
    tenant_id = None
    try:
        await _throttle(request)
        target, client = await _target(request.path_params["slug"])
        tenant_id = target.tenant.id
        claims = await _verified_claims(request, target, client)
        link_user = await link_proof(request, target.tenant.id)
        async with transaction(target.tenant.id) as session:
            new = await sso_sign_in.complete(
                session, target, claims, ip=ip, user_agent=user_agent, link_user=link_user
            )
    except SsoRefused as error:
        return await _refuse(request, error, tenant_id)
    except Unavailable as error:
        return await _refuse(request, _outage(error), tenant_id)
    await _end_previous_session(request)
    p = new.principal
    log.info(
        "auth.sso.signed_in",
        extra={
            "event": "auth.sso.signed_in",
            "method": "sso",
            "tenant_slug": p.tenant_slug,
            "user_id": str(p.user_id),
            "roles": list(p.roles),
            "ip": ip,
            "request_id": request_id_var.get(),
        },
    )
    response = RedirectResponse("/", status_code=302)
    response.headers["cache-control"] = "no-store"
    set_session_cookies(response, new)
    return response


routes = [
    Route("/auth/sso/{slug}/login", login, methods=["GET"], middleware=[Middleware(StateCookie)]),
    Route("/auth/sso/{slug}/link", start_link, methods=["POST"]),
    Route(
        "/auth/sso/{slug}/callback",
        callback,
        methods=["GET"],
        middleware=[Middleware(StateCookie)],
    ),
]
