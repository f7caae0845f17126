"""``/auth/login``, ``/auth/invitation`` and ``/auth/logout``: the browser's session cookie.

Each refuses a request from another site before anything else (``kit/origins.py``), and
takes only ``application/json`` within ``ops/bodies.py``'s cap: a cross-site form
(``text/plain``, urlencoded, multipart) gets 415 there and never reaches these routes."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from phantom.config import settings
from phantom.db import transaction
from phantom.identity import refusals
from phantom.identity.authn import authenticate, authenticator
from phantom.identity.errors import InvalidCredentials, InvitationInvalid, SsoRequired
from phantom.identity.members import members
from phantom.identity.sessions import NewSession, user_sessions
from phantom.identity.validation import email_key
from phantom.kit.errors import BadUserInput, Forbidden, PhantomError, RateLimited
from phantom.kit.origins import from_our_site
from phantom.kit.ratelimit import FailureCounter
from phantom.kit.responses import error_response

log = logging.getLogger("phantom.auth")

_by_account = FailureCounter(  # keyed by the folded email
    "phantom:login:account", settings.LOGIN_MAX_FAILURES, settings.LOGIN_FAILURE_WINDOW_SECONDS
)
_by_ip = FailureCounter(
    "phantom:login:ip", settings.LOGIN_MAX_FAILURES * 10, settings.LOGIN_FAILURE_WINDOW_SECONDS
)


async def _json_form(request: Request, keys: tuple[str, ...]) -> dict[str, str]:
    body = await request.body()  # at most ops/bodies.py's cap, and only JSON
    expected = "Send a JSON object with " + ", ".join(keys) + "."
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadUserInput(expected) from None
    if not isinstance(data, dict):
        raise BadUserInput(expected)
    fields = {}
    for key in keys:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise BadUserInput(f"'{key}' is required.")
        fields[key] = value.strip() if key != "password" else value
    return fields


def _cross_site(request: Request) -> Forbidden | None:
    if from_our_site(request.headers):
        return None
    log.warning("cross-site auth request refused", extra={"path": request.url.path})
    return Forbidden(
        "Requests from another site are refused: use Phantom's own pages "
        "(or add the site to PHANTOM_ALLOWED_ORIGINS)."
    )


def _check_site(request: Request) -> None:
    refused = _cross_site(request)
    if refused is not None:
        raise refused


async def login(request: Request) -> Response:
    ip = request.client.host if request.client else "unknown"
    try:
        _check_site(request)
        form = await _json_form(request, ("tenant", "email", "password"))
        email = email_key(form["email"])  # every spelling of an address is one account
        # A password is global, so its failures are counted per account whichever
        # organization (or invitation: accept_invitation) it was tried through.
        account = email[:400]
        wait = max(await _by_account.retry_after(account), await _by_ip.retry_after(ip))
        if wait:
            raise RateLimited(
                "Too many failed sign-in attempts. Try again later.", retry_after=wait
            )
        try:
            async with transaction(None) as session:
                new = await user_sessions.login(
                    session,
                    tenant_slug=form["tenant"].lower(),
                    email=email,
                    password=form["password"],
                    ip=ip,
                    user_agent=request.headers.get("user-agent"),
                )
        except InvalidCredentials as refused:
            await _by_account.fail(account)
            await _by_ip.fail(ip)
            log.warning("sign-in failed", extra={"account": account, "ip": ip})
            if refused.tenant_id is not None:
                await refusals.record_refused_sign_in(
                    refused.tenant_id,
                    ip=ip,
                    method="password",
                    reason="invalid_credentials",
                    user_id=refused.user_id,
                    email=email,
                )
            raise
        except SsoRequired as refused:
            await _by_ip.fail(ip)  # unlimited attempts would write unlimited audit events
            await refusals.record_refused_sign_in(
                refused.tenant_id, ip=ip, method="password", reason="sso_required"
            )
            raise
    except PhantomError as error:
        return error_response(error)
    await _by_account.reset(account)
    p = new.principal
    log.info("signed in", extra={"user_id": str(p.user_id), "tenant_id": str(p.tenant_id)})
    return signed_in_response(new)


def signed_in_response(new: NewSession) -> JSONResponse:
    """The answer to every successful JSON sign-in: who, where, and the cookies."""
    p = new.principal
    response = JSONResponse(
        {
            "user": {"id": str(p.user_id), "email": p.email, "displayName": p.display_name},
            "tenant": {"id": str(p.tenant_id), "slug": p.tenant_slug, "name": p.tenant_name},
            "csrfToken": p.csrf_token,
        }
    )
    set_session_cookies(response, new)
    return response


def set_session_cookies(response: Response, new: NewSession) -> None:
    """The HttpOnly session cookie and the CSRF cookie the SPA echoes in a header."""
    max_age = settings.SESSION_TTL_HOURS * 3600
    secure = settings.uses_tls()
    response.set_cookie(
        settings.SESSION_COOKIE,
        new.secret,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    response.set_cookie(
        settings.CSRF_COOKIE,
        new.principal.csrf_token or "",
        max_age=max_age,
        httponly=False,
        secure=secure,
        samesite="strict",
        path="/",
    )


async def accept_invitation(request: Request) -> Response:
    """``{"token", "password"}``: the invitee sets a password, or proves the one their
    account has, and is signed in. Failures for an existing account count against the
    same per-account limit as ``/auth/login``: the link's holder may be another
    organization guessing that account's password."""
    ip = request.client.host if request.client else "unknown"
    try:
        _check_site(request)
        form = await _json_form(request, ("token", "password"))
        wait = await _by_ip.retry_after(ip)
        if wait:
            raise RateLimited("Too many failed attempts. Try again later.", retry_after=wait)

        async def throttle(account: str) -> None:
            if locked := await _by_account.retry_after(account):
                raise RateLimited("Too many failed attempts. Try again later.", retry_after=locked)

        try:
            async with transaction(None) as session:
                new = await members.accept_invitation(
                    session,
                    secret=form["token"],
                    password=form["password"],
                    ip=ip,
                    user_agent=request.headers.get("user-agent"),
                    throttle=throttle,
                )
        except InvitationInvalid as refused:
            if refused.account is not None:
                await _by_account.fail(refused.account)
            await _by_ip.fail(ip)
            log.warning("invitation refused", extra={"account": refused.account, "ip": ip})
            raise
        except SsoRequired as refused:
            await _by_ip.fail(ip)  # unlimited attempts would write unlimited audit events
            await refusals.record_refused_sign_in(
                refused.tenant_id, ip=ip, method="invitation", reason="sso_required"
            )
            raise
    except PhantomError as error:
        return error_response(error)
    p = new.principal
    await _by_account.reset(email_key(p.email))
    log.info(
        "invitation accepted", extra={"user_id": str(p.user_id), "tenant_id": str(p.tenant_id)}
    )
    return signed_in_response(new)


async def logout(request: Request) -> Response:
    refused = _cross_site(request)  # clearing the cookies is a change too
    if refused is not None:
        return error_response(refused)
    principal, error = await authenticate(request, None, check_csrf=True)
    if isinstance(error, Forbidden):
        return error_response(error)  # a cross-site form must not sign the user out
    secret = request.cookies.get(settings.SESSION_COOKIE)
    if principal is not None and secret is not None:
        async with transaction(None) as session:
            await user_sessions.logout(session, secret)
        authenticator.forget_session(secret)
    response = Response(status_code=204)
    response.delete_cookie(settings.SESSION_COOKIE, path="/")
    response.delete_cookie(settings.CSRF_COOKIE, path="/")
    return response


routes = [
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/auth/invitation", accept_invitation, methods=["POST"]),
]
