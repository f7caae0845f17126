"""Every root field declares who may call it: ``authenticated()`` or ``public()``.

The schema-wide test fails on a root field with neither. Fine-grained permissions
(Casbin, per tenant) plug in here as ``require(P.X)`` without touching resolvers.
"""

from __future__ import annotations

from typing import Any

from strawberry import Info
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from phantom.graphql.context import Context


class IsAuthenticated(BasePermission):
    message = "Not signed in."

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        info.context.require_principal()  # raises the precise UNAUTHENTICATED/FORBIDDEN error
        return True


class IsPublic(BasePermission):
    message = ""

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        return True


def authenticated() -> list[FieldExtension]:
    return [PermissionExtension(permissions=[IsAuthenticated()], use_directives=False)]


def public() -> list[FieldExtension]:
    return [PermissionExtension(permissions=[IsPublic()], use_directives=False)]
