"""SSO tests run against a real OpenID Provider (``tests/support/oidc_provider.py``)."""

from __future__ import annotations

from tests.support.oidc_provider import idp  # noqa: F401 - the session-wide provider fixture
