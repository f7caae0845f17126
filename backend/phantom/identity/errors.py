from __future__ import annotations

from phantom.kit.errors import Conflict, Unauthenticated


class InvalidCredentials(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("Invalid organization, email or password.")


class InvalidToken(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The API token is invalid, expired or revoked.")


class SessionExpired(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("Your session has expired or was signed out. Please sign in again.")


class TenantSlugTaken(Conflict):
    def __init__(self, slug: str) -> None:
        super().__init__(f"An organization with the slug '{slug}' already exists.")
