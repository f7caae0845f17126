from __future__ import annotations

from enum import StrEnum

from phantom.kit.errors import BadUserInput, ErrorCode, PhantomError


class InvalidOidcConfig(BadUserInput):
    """A configuration the service refuses to save; the message says what to fix."""


class SsoFailure(StrEnum):
    """Why a single sign-on was refused: the machine-readable ``reason`` of the
    ``auth.failed`` log line (and, later, of the audit event)."""

    NOT_CONFIGURED = "sso_not_configured"
    IDP_ERROR = "idp_error"  # the IdP answered with an error (e.g. the user cancelled)
    IDP_UNAVAILABLE = "idp_unavailable"
    STATE_MISMATCH = "state_mismatch"  # missing, forged, expired, reused or another tenant's
    ISSUER_MISMATCH = "issuer_mismatch"
    CODE_REJECTED = "code_rejected"  # the IdP refused the code: replayed or expired
    ID_TOKEN_MISSING = "id_token_missing"  # noqa: S105 - a reason code
    SIGNATURE_INVALID = "signature_invalid"  # bad signature, alg none, HS256 confusion
    UNKNOWN_SIGNING_KEY = "unknown_signing_key"
    AUDIENCE_MISMATCH = "audience_mismatch"
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - a reason code
    NONCE_MISMATCH = "nonce_mismatch"
    ID_TOKEN_INVALID = "id_token_invalid"  # noqa: S105 - a reason code
    EMAIL_MISSING = "email_missing"
    EMAIL_UNVERIFIED = "email_unverified"
    EMAIL_DOMAIN_NOT_ALLOWED = "email_domain_not_allowed"
    MEMBER_DEACTIVATED = "member_deactivated"
    ACCOUNT_NOT_LINKED = "account_not_linked"  # an existing account, no proof of it
    LINK_MISMATCH = "link_mismatch"  # the IdP signed in someone else than the linking member
    PROVISIONING_FAILED = "provisioning_failed"
    RATE_LIMITED = "rate_limited"  # too many refusals from this address
    UNAVAILABLE = "unavailable"  # our side: Redis (limits, one-time state) unreachable


# What the person sees. Precise enough to act on, silent about internals.
_MESSAGES: dict[SsoFailure, tuple[int, str]] = {
    SsoFailure.NOT_CONFIGURED: (404, "Single sign-on is not set up for this organization."),
    SsoFailure.IDP_ERROR: (401, "The identity provider did not complete the sign-in."),
    SsoFailure.IDP_UNAVAILABLE: (
        502,
        "The organization's identity provider could not be reached. Try again in a moment.",
    ),
    SsoFailure.STATE_MISMATCH: (
        400,
        "This sign-in link is invalid or has expired, or was started in another browser or "
        "for another organization. Start again from the sign-in page.",
    ),
    SsoFailure.ISSUER_MISMATCH: (
        401,
        "The response came from an identity provider this organization does not use.",
    ),
    SsoFailure.CODE_REJECTED: (
        401,
        "The identity provider refused this sign-in (it may have been used already). "
        "Start again from the sign-in page.",
    ),
    SsoFailure.ID_TOKEN_MISSING: (401, "The identity provider sent no identity token."),
    SsoFailure.SIGNATURE_INVALID: (401, "The identity token's signature is not valid."),
    SsoFailure.UNKNOWN_SIGNING_KEY: (
        401,
        "The identity token is signed with a key the identity provider does not publish.",
    ),
    SsoFailure.AUDIENCE_MISMATCH: (401, "The identity token was issued for another application."),
    SsoFailure.TOKEN_EXPIRED: (401, "The identity token has expired. Sign in again."),
    SsoFailure.NONCE_MISMATCH: (401, "The identity token does not belong to this sign-in."),
    SsoFailure.ID_TOKEN_INVALID: (401, "The identity token is not valid."),
    SsoFailure.EMAIL_MISSING: (
        403,
        "The identity provider did not share your email address; ask your administrator to "
        "release the 'email' claim.",
    ),
    SsoFailure.EMAIL_UNVERIFIED: (
        403,
        "Your email address is not verified at the identity provider.",
    ),
    SsoFailure.EMAIL_DOMAIN_NOT_ALLOWED: (
        403,
        "Your email domain is not allowed to sign in to this organization.",
    ),
    SsoFailure.MEMBER_DEACTIVATED: (
        403,
        "Your access to this organization has been deactivated. Contact an administrator.",
    ),
    SsoFailure.ACCOUNT_NOT_LINKED: (
        403,
        "An account with this email address already exists in this organization and is not "
        "linked to single sign-on. Sign in with your password, then link single sign-on "
        "from your account (or ask an administrator).",
    ),
    SsoFailure.LINK_MISMATCH: (
        403,
        "The identity provider signed you in with another email address than the account "
        "you are linking. Sign in there as yourself and try again.",
    ),
    SsoFailure.PROVISIONING_FAILED: (
        403,
        "Your account could not be set up in this organization. Contact an administrator.",
    ),
    SsoFailure.RATE_LIMITED: (
        429,
        "Too many sign-in attempts from your network. Try again in a few minutes.",
    ),
    SsoFailure.UNAVAILABLE: (
        503,
        "Single sign-on is briefly unavailable on our side. Try again in a moment.",
    ),
}
UNAVAILABLE_RETRY_SECONDS = 5


class SsoRefused(PhantomError):
    """A refused single sign-on: the page says ``message``, the log says ``reason``."""

    code = ErrorCode.UNAUTHENTICATED

    def __init__(
        self, reason: SsoFailure, detail: str = "", retry_after: int = 0, message: str = ""
    ) -> None:
        status, default = _MESSAGES[reason]
        super().__init__(message or default)
        self.reason = reason
        self.status = status
        self.detail = detail[:300]  # for the log only, never shown
        self.retry_after = retry_after
