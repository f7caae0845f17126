"""Per-tenant single sign-on with OpenID Connect (docs/sso.md)."""
