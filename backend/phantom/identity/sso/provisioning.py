"""Just-in-time provisioning of a member at SSO sign-in."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.roles import Role
from phantom.authz.service import authz
from phantom.db import enter_tenant
from phantom.identity.errors import MemberDeactivated
from phantom.identity.members import invitation_expired, keep_an_owner
from phantom.identity.models import Membership, MembershipStatus, User
from phantom.identity.repository import MembershipRepository, UserRepository
from phantom.identity.validation import clean_email, clean_name
from phantom.kit.rows import utcnow


async def provision_member(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    email: str,
    display_name: str,
    roles: list[str],
    sso_subject: str,
) -> User:
    """Create the user and the membership if missing, link the IdP subject, and replace
    the roles with those from the claims. A deactivated member stays out; an email already
    linked to another IdP subject is refused (an IdP that reassigns an address must not
    inherit someone's access). An expired invitation grants nothing: the person is
    provisioned like a newcomer, with ``roles`` only (the caller decides which of a live
    invitation's roles it may keep)."""
    users, memberships = UserRepository(session), MembershipRepository(session)
    email = clean_email(email)
    user = await users.by_email(email)
    if user is None:
        name = clean_name(display_name or email.split("@", 1)[0], "Display name")
        user = User(email=email, display_name=name, password_hash=None)
        await users.add(user)
    if not user.is_active:
        raise MemberDeactivated()
    membership = await memberships.of(tenant_id, user.id)
    created = membership is None
    if membership is None:
        membership = Membership(tenant_id=tenant_id, user_id=user.id)
        await memberships.add(membership)
    if membership.status == MembershipStatus.DEACTIVATED:
        raise MemberDeactivated()
    if membership.sso_subject not in (None, sso_subject):
        raise MemberDeactivated()
    lapsed = invitation_expired(membership, utcnow())
    membership.sso_subject = sso_subject[:255]
    membership.status = MembershipStatus.ACTIVE.value
    membership.invite_hash = membership.invite_expires_at = None
    current = await authz.stored_roles(session, tenant_id, user.id)
    if Role.OWNER.value in current and Role.OWNER.value not in roles:
        await keep_an_owner(session, tenant_id, user.id)
    assigned = await authz.assign_roles(session, None, tenant_id, user.id, roles)
    if created or lapsed or set(current) != set(assigned):
        details: dict[str, object] = {"roles_before": current, "roles": assigned, "via": "sso"}
        if lapsed:
            details["invitation"] = "expired"  # its roles were not granted
        enter_tenant(session, tenant_id)
        await audit.record(
            session,
            actor=audit.Actor.system("sso"),
            action="identity.member.provisioned"
            if created or lapsed
            else "identity.member.roles_synced",
            resource=("user", user.id),
            details=details,
            subjects={user.id: {"email": user.email}},
        )
    return user
