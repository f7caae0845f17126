"""The one place permissions are decided.

Service operations declare what they need with ``@requires(P.X)``; the check runs before
the operation touches data, whichever way it was called (GraphQL, REST, subscription,
worker job). A credential's permissions are its user's roles in the credential's tenant
(Casbin, domain = tenant), narrowed by the API token's scopes when it has any.

Role administration lives here too, with two rules that keep it safe:
- nobody grants, revokes, creates or changes a role carrying permissions their calling
  credential does not hold (no privilege escalation through role management, nor
  through a narrow token of a powerful user: ``ungrantable``);
- an organization always keeps at least one active owner.
"""

from __future__ import annotations

import functools
import inspect
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from phantom import audit
from phantom.authz.enforcer import holder, writer
from phantom.authz.errors import RoleInUse, RoleNotFound
from phantom.authz.models import CustomRole
from phantom.authz.permissions import DESCRIPTIONS, MATRIX, P, parse_permission, permission_names
from phantom.authz.repository import AuthzRepository
from phantom.authz.roles import Role
from phantom.identity.principal import Principal
from phantom.kit.broadcast import broadcast
from phantom.kit.errors import BadUserInput, Conflict, Forbidden
from phantom.kit.rows import utcnow
from phantom.kit.transactions import on_commit

Params = ParamSpec("Params")
T = TypeVar("T")

BUILT_IN_ROLES = frozenset(r.value for r in Role)
KNOWN_PERMISSIONS = frozenset(p.value for p in P)
ROLE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
MAX_ROLES_PER_MEMBER = 10
MAX_CUSTOM_ROLES = 100

# Tests record which permissions an operation checked (the schema-wide test).
checked_permissions: ContextVar[list[P] | None] = ContextVar("checked_permissions", default=None)


@dataclass(frozen=True, slots=True)
class RoleInfo:
    name: str
    description: str
    built_in: bool
    permissions: frozenset[P]
    member_count: int


BUILT_IN_DESCRIPTIONS = {
    Role.OWNER: "Everything, including ownership. At least one active owner is kept.",
    Role.ADMIN: "Runs the organization: members, roles, SSO, tokens, and all ML work; "
    "not audit details or privacy requests (separation of duties).",
    Role.DATA_SCIENTIST: "Uploads data, trains and compares models, scores with them.",
    Role.ML_ENGINEER: "Deploys and operates models: promotion, scoring, batch exports.",
    Role.EXECUTIVE: "Reads business value, KPIs and model status.",
    Role.COMPLIANCE_OFFICER: "Audit log, approvals, privacy requests, retention; "
    "reads members and SSO settings.",
    Role.VIEWER: "Read-only access to data, models and insights.",
}


# --- decisions ----------------------------------------------------------------------------


async def can(principal: Principal, permission: P) -> bool:
    recorded = checked_permissions.get()
    if recorded is not None:
        recorded.append(permission)
    return await holds(principal, permission)


async def holds(principal: Principal, permission: P) -> bool:
    """``can`` for what an answer shows, not what a field needs: a lacking permission
    trims the answer (e.g. a validation error's examples) instead of refusing it, so it
    is not recorded as one the field checks."""
    if principal.scopes is not None and permission.value not in principal.scopes:
        return False
    return await holder.allowed(
        str(principal.user_id), str(principal.tenant_id), permission.resource, permission.action
    )


async def check(principal: Principal, permission: P) -> None:
    if not await can(principal, permission):
        raise Forbidden(
            f"You do not have the '{permission.value}' permission in this organization."
        )


async def permissions_of(principal: Principal) -> list[P]:
    """The credential's effective permissions (roles, narrowed by token scopes)."""
    enforcer = await holder.get()
    user, tenant = str(principal.user_id), str(principal.tenant_id)
    return [
        p
        for p in P
        if (principal.scopes is None or p.value in principal.scopes)
        and enforcer.enforce(user, tenant, p.resource, p.action)
    ]


async def ungrantable(principal: Principal, permissions: Iterable[P]) -> frozenset[P]:
    """What of ``permissions`` the calling credential may not grant. Every grant (a token,
    a role given to a member or an invitee, a custom role's permissions) is bounded by the
    *credential* making it, not by its user: a read-only token is read-only, whatever its
    user may do."""
    return frozenset(permissions) - frozenset(await permissions_of(principal))


def bound_expiry(principal: Principal, expires_at: datetime | None) -> datetime | None:
    """What a credential creates may not outlive it: a calling token's expiry caps the new
    one's (the answer shows the capped date), and it cannot create one that never expires."""
    bound = principal.expires_at
    if bound is None:
        return expires_at
    if expires_at is None:
        raise BadUserInput(
            "A token that expires cannot create one that never expires: give an expiry "
            f"(this token expires on {bound.date().isoformat()})."
        )
    return min(expires_at, bound)


async def token_permissions(
    tenant_id: uuid.UUID, user_id: uuid.UUID, scopes: Iterable[str] | None
) -> frozenset[P]:
    """A stored token's effective permissions now: its user's, narrowed by its scopes."""
    held = await user_permissions(tenant_id, user_id)
    if scopes is None:
        return frozenset(held)
    return frozenset(p for p in held if p.value in set(scopes))


async def user_permissions(tenant_id: uuid.UUID, user_id: uuid.UUID) -> set[P]:
    enforcer = await holder.get()
    user, tenant = str(user_id), str(tenant_id)
    return {p for p in P if enforcer.enforce(user, tenant, p.resource, p.action)}


async def roles_of(tenant_id: uuid.UUID, user_id: uuid.UUID) -> list[str]:
    enforcer = await holder.get()
    roles: list[str] = enforcer.get_roles_for_user_in_domain(str(user_id), str(tenant_id))
    return sorted(roles)


def requires(
    *permissions: P,
) -> Callable[[Callable[Params, Awaitable[T]]], Callable[Params, Awaitable[T]]]:
    """Declare the permissions a service operation needs. The operation must take a
    ``principal`` argument; the check runs before its body."""

    def decorate(operation: Callable[Params, Awaitable[T]]) -> Callable[Params, Awaitable[T]]:
        signature = inspect.signature(operation)
        if "principal" not in signature.parameters:
            raise TypeError(f"{operation.__qualname__} must take a `principal` argument")
        # where a positional principal sits (binding the signature per call cost ~3 % of a
        # warm predict call); keyword-only: never positional
        parameter = signature.parameters["principal"]
        position = (
            list(signature.parameters).index("principal")
            if parameter.kind is not inspect.Parameter.KEYWORD_ONLY
            else None
        )

        @functools.wraps(operation)
        async def checked(*args: Params.args, **kwargs: Params.kwargs) -> T:
            principal = cast(
                Principal,
                args[position]
                if position is not None and len(args) > position
                else kwargs["principal"],
            )
            for permission in permissions:
                await check(principal, permission)
            return await operation(*args, **kwargs)

        checked.__requires__ = permissions  # type: ignore[attr-defined]
        return checked

    return decorate


# --- role administration --------------------------------------------------------------


def clean_role_name(name: str) -> str:
    """Role names become Casbin subjects: no commas, bounded (a comma split a policy row
    on reload and silently removed access, in a reproduced pycasbin incident)."""
    if not ROLE_NAME_RE.fullmatch(name):
        raise BadUserInput(
            "Invalid role name: use 2 to 63 lowercase letters, digits or '_', "
            "starting with a letter."
        )
    return name


def _notify_on_commit(session: AsyncSession) -> None:
    """Once committed, every process (this one too) reloads before its next check."""
    on_commit(session, lambda: broadcast.publish({"kind": "authz.policy"}))


class AuthzService:
    @requires(P.ROLES_READ)
    async def list_roles(self, session: AsyncSession, principal: Principal) -> list[RoleInfo]:
        return await self.role_infos(session, principal.tenant_id)

    async def role_infos(self, session: AsyncSession, tenant_id: uuid.UUID) -> list[RoleInfo]:
        repo = AuthzRepository(session)
        counts = await repo.member_counts(tenant_id)
        grants = await repo.custom_grants(tenant_id)
        roles = [
            RoleInfo(r.value, BUILT_IN_DESCRIPTIONS[r], True, MATRIX[r], counts.get(r.value, 0))
            for r in Role
        ]
        for custom in await repo.custom_roles(tenant_id):
            permissions = frozenset(_known(grants.get(custom.name, ())))
            roles.append(
                RoleInfo(
                    custom.name,
                    custom.description,
                    False,
                    permissions,
                    counts.get(custom.name, 0),
                )
            )
        return roles

    @requires(P.ROLES_READ)
    async def list_permissions(self, principal: Principal) -> list[tuple[P, str]]:
        return [(p, DESCRIPTIONS[p]) for p in P]

    @requires(P.ROLES_MANAGE)
    async def create_role(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        name: str,
        description: str,
        permissions: list[str],
    ) -> RoleInfo:
        name = clean_role_name(name)
        granted = await self._grantable(principal, permissions)
        repo = AuthzRepository(session)
        if name in BUILT_IN_ROLES or await repo.custom_role(principal.tenant_id, name):
            raise Conflict(f"A role named '{name}' already exists.")
        if await repo.count_custom_roles(principal.tenant_id) >= MAX_CUSTOM_ROLES:
            raise BadUserInput(f"An organization can have at most {MAX_CUSTOM_ROLES} roles.")
        await repo.add(CustomRole(name=name, description=_clean_description(description)))
        tenant = str(principal.tenant_id)
        rules = [[name, tenant, p.resource, p.action] for p in sorted(granted)]
        if rules:
            await writer(session).add_policies("p", "p", rules)
        _notify_on_commit(session)
        await _record(session, principal, "authz.role.created", name, granted)
        return RoleInfo(name, _clean_description(description), False, granted, 0)

    @requires(P.ROLES_MANAGE)
    async def update_role(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        name: str,
        description: str | None,
        permissions: list[str],
    ) -> RoleInfo:
        repo = AuthzRepository(session)
        role = await self._custom(repo, principal.tenant_id, name)
        tenant = str(principal.tenant_id)
        current = frozenset(_known((await repo.custom_grants(principal.tenant_id)).get(name, ())))
        granted = await self._grantable(principal, permissions)
        await self._grantable(principal, [p.value for p in current])  # nor take away
        if description is not None:
            role.description = _clean_description(description)
        role.updated_at = utcnow()
        adapter = writer(session)
        removed = [[name, tenant, p.resource, p.action] for p in sorted(current - granted)]
        added = [[name, tenant, p.resource, p.action] for p in sorted(granted - current)]
        if removed:
            await adapter.remove_policies("p", "p", removed)
        if added:
            await adapter.add_policies("p", "p", added)
        _notify_on_commit(session)
        await _record(session, principal, "authz.role.updated", name, granted, current)
        counts = await repo.member_counts(principal.tenant_id)
        return RoleInfo(name, role.description, False, granted, counts.get(name, 0))

    @requires(P.ROLES_MANAGE)
    async def delete_role(self, session: AsyncSession, principal: Principal, name: str) -> None:
        repo = AuthzRepository(session)
        role = await self._custom(repo, principal.tenant_id, name)
        holders = (await repo.member_counts(principal.tenant_id)).get(name, 0)
        if holders:
            raise RoleInUse(name, holders)
        current = (await repo.custom_grants(principal.tenant_id)).get(name, ())
        current_set = await self._grantable(principal, list(current))
        tenant = str(principal.tenant_id)
        rules = [[name, tenant, *grant.split(":", 1)] for grant in current]
        if rules:
            await writer(session).remove_policies("p", "p", rules)
        await repo.delete(role)
        _notify_on_commit(session)
        await _record(session, principal, "authz.role.deleted", name, frozenset(), current_set)

    # --- role assignments (called by identity's member administration) ----------------

    async def assign_roles(
        self,
        session: AsyncSession,
        principal: Principal | None,
        tenant_id: uuid.UUID,
        user_id: uuid.UUID,
        roles: Iterable[str],
    ) -> list[str]:
        """Replace the user's roles in the tenant. ``principal`` is who asks (None: the
        system, e.g. tenant creation or SSO provisioning), checked against escalation with
        its credential's permissions (a scoped token grants only within its scopes).
        The caller (identity) keeps the last-owner rule: it knows who is active."""
        wanted = sorted(set(roles))
        if not wanted:
            raise BadUserInput("A member needs at least one role.")
        if len(wanted) > MAX_ROLES_PER_MEMBER:
            raise BadUserInput(f"A member can hold at most {MAX_ROLES_PER_MEMBER} roles.")
        repo = AuthzRepository(session)
        known = {role.name: role for role in await self.role_infos(session, tenant_id)}
        for name in wanted:
            if name not in known:
                raise RoleNotFound(name)
        current = set(await repo.roles_of(tenant_id, user_id))
        changed = current.symmetric_difference(wanted)
        if principal is not None:
            for name in sorted(changed):
                missing = await ungrantable(principal, known[name].permissions)
                if missing or (name == Role.OWNER and Role.OWNER.value not in principal.roles):
                    raise Forbidden(
                        f"You cannot grant or remove the role '{name}': it carries "
                        "permissions you do not have."
                    )
        tenant, user = str(tenant_id), str(user_id)
        adapter = writer(session)
        removed = [[user, name, tenant] for name in sorted(current - set(wanted))]
        added = [[user, name, tenant] for name in wanted if name not in current]
        if removed:
            await adapter.remove_policies("g", "g", removed)
        if added:
            await adapter.add_policies("g", "g", added)
        if changed:
            _notify_on_commit(session)
        return wanted

    async def revoke_all_roles(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
    ) -> list[str]:
        """Every role of the user in the tenant (erasure); the caller keeps the owner rule."""
        roles = sorted(await AuthzRepository(session).roles_of(tenant_id, user_id))
        if roles:
            rules = [[str(user_id), role, str(tenant_id)] for role in roles]
            await writer(session).remove_policies("g", "g", rules)
            _notify_on_commit(session)
        return roles

    async def stored_roles(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
    ) -> list[str]:
        """Roles as committed in the database (the enforcer may be milliseconds behind)."""
        return sorted(await AuthzRepository(session).roles_of(tenant_id, user_id))

    async def stored_roles_of_many(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[str]]:
        if not user_ids:
            return {}
        return await AuthzRepository(session).roles_of_many(tenant_id, user_ids)

    async def stored_permissions(
        self, session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
    ) -> frozenset[P]:
        """The user's permissions from their roles as committed (not the enforcer's copy)."""
        roles = set(await self.stored_roles(session, tenant_id, user_id))
        infos = await self.role_infos(session, tenant_id)
        return frozenset(p for info in infos if info.name in roles for p in info.permissions)

    async def holders_of(
        self, session: AsyncSession, tenant_id: uuid.UUID, role: str
    ) -> list[uuid.UUID]:
        return await AuthzRepository(session).holders_of(tenant_id, role)

    async def _grantable(self, principal: Principal, permissions: Iterable[str]) -> frozenset[P]:
        wanted = frozenset(parse_permission(p) for p in permissions)
        missing = await ungrantable(principal, wanted)
        if missing:
            names = permission_names(missing)
            raise Forbidden(f"You cannot grant permissions you do not have: {names}.")
        return wanted

    async def _custom(self, repo: AuthzRepository, tenant_id: uuid.UUID, name: str) -> CustomRole:
        if name in BUILT_IN_ROLES:
            raise BadUserInput(f"'{name}' is a built-in role; built-in roles cannot change.")
        role = await repo.custom_role(tenant_id, name)
        if role is None:
            raise RoleNotFound(name)
        return role


async def _record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    role: str,
    permissions: frozenset[P],
    before: frozenset[P] | None = None,
) -> None:
    details: dict[str, object] = {"role": role, "permissions": sorted(p.value for p in permissions)}
    if before is not None:
        details["permissions_before"] = sorted(p.value for p in before)
    await audit.record(
        session,
        actor=audit.Actor.from_principal(principal),
        action=action,
        resource=("role", role),
        details=details,
    )


def _known(grants: Iterable[str]) -> list[P]:
    """Stored grants that name a permission this version knows (a removed permission
    in old rows grants nothing)."""
    return [P(g) for g in grants if g in KNOWN_PERMISSIONS]


def _clean_description(description: str) -> str:
    description = " ".join(description.split())
    if len(description) > 500:
        raise BadUserInput("Role description is too long: at most 500 characters.")
    return description


authz = AuthzService()
