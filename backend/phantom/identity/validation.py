"""Input rules for identity: each failure is a message a person can act on."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from phantom.kit.errors import BadUserInput

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")
RESERVED_SLUGS = frozenset({"admin", "api", "auth", "graphql", "static", "assets", "www", "system"})
PASSWORD_MIN, PASSWORD_MAX = 12, 256  # the cap bounds argon2's work on hostile input
NAME_MAX = 200


def clean_slug(slug: str) -> str:
    if not SLUG_RE.fullmatch(slug):
        raise BadUserInput(
            "Invalid organization slug: use 3 to 63 lowercase letters, digits or hyphens, "
            "starting and ending with a letter or digit."
        )
    if slug in RESERVED_SLUGS:
        raise BadUserInput(f"The slug '{slug}' is reserved; choose another.")
    return slug


def clean_email(email: str) -> str:
    """The one form an address is stored and compared in: the local part NFKC-normalized
    and case-folded, the domain lower-case. An address whose spelling folds into another
    ('ß' into 'ss', a final sigma, full-width letters, ligatures) is refused, so that two
    accounts never stand for one address (``.lower()`` alone left such twins apart)."""
    local, domain = _split_valid(email)
    folded = _fold(local)
    if folded != local.lower():
        raise BadUserInput(
            f"Invalid email address: '{local[:64]}' has another spelling ('{folded[:64]}'); "
            "use that plain spelling of the address."
        )
    return f"{folded}@{domain.lower()}"


def email_key(email: str) -> str:
    """An address as typed at sign-in, in the form ``clean_email`` stores: lookups and
    failure counters see every spelling of one address as that address."""
    try:
        local, domain = _split_valid(email)
    except BadUserInput:
        return email.strip().casefold()[:320]  # matches no stored address
    return f"{_fold(local)}@{domain.lower()}"


def _split_valid(email: str) -> tuple[str, str]:
    if len(email) > 320:
        raise BadUserInput("Invalid email address: longer than 320 characters.")
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise BadUserInput(f"Invalid email address: {error}") from None
    local, domain = result.normalized.rsplit("@", 1)
    return local, domain


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def clean_name(name: str, what: str = "Name", max_length: int = NAME_MAX) -> str:
    name = " ".join(name.split())
    if not name:
        raise BadUserInput(f"{what} must not be empty.")
    if len(name) > max_length:
        raise BadUserInput(f"{what} is too long: at most {max_length} characters.")
    if any(ord(ch) < 32 for ch in name):
        raise BadUserInput(f"{what} must not contain control characters.")
    return name


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise BadUserInput(f"Password too short: use at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise BadUserInput(f"Password too long: at most {PASSWORD_MAX} characters.")
    return password
