from __future__ import annotations

import uuid

from phantom.kit.errors import Conflict, Forbidden, Unauthenticated


class InvalidCredentials(Unauthenticated):
    def __init__(
        self, tenant_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None
    ) -> None:
        super().__init__("Invalid organization, email or password.")
        # for the audit log of the organization (never shown to the caller)
        self.tenant_id, self.user_id = tenant_id, user_id


class InvalidToken(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The API token is invalid, expired or revoked.")


class SessionExpired(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("Your session has expired or was signed out. Please sign in again.")


class TenantSlugTaken(Conflict):
    def __init__(self, slug: str) -> None:
        super().__init__(f"An organization with the slug '{slug}' already exists.")


class MemberDeactivated(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "Your access to this organization is not active. Ask one of its administrators."
        )


class InvitationInvalid(Unauthenticated):
    def __init__(self, account: str | None = None) -> None:
        if account is not None:
            # One answer for every existing account that cannot accept this way (wrong
            # password, an account that signs in with SSO): the link's holder may be the
            # inviter, who must not learn who has an account elsewhere, nor how it signs in.
            message = (
                "This invitation could not be accepted with that password. If you already "
                "have a Phantom account, enter its current password."
            )
        else:
            message = (
                "This invitation link is invalid, expired or already used. "
                "Ask an administrator for a new one."
            )
        super().__init__(message)
        self.account = account  # the invitee's folded email, for the failure counter


class AlreadyMember(Conflict):
    def __init__(self, email: str) -> None:
        super().__init__(f"{email} is already a member of this organization.")


class SsoRequired(Forbidden):
    def __init__(self, tenant_id: uuid.UUID) -> None:
        super().__init__(
            "This organization requires single sign-on. Use 'Sign in with SSO' instead."
        )
        self.tenant_id = tenant_id
