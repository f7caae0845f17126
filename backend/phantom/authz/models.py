"""Authorization tables: Casbin's rule table (owned by Alembic, read and written through
``casbin-async-sqlalchemy-adapter``) and the tenant's custom role definitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped
from phantom.kit.rows import utcnow


class CasbinRule(Base):
    """``p, role, tenant, resource, action`` (a custom role's grant) or
    ``g, user, role, tenant`` (a role assignment). Built-in roles' grants are code
    (``permissions.MATRIX``), not rows. Not row-level secured: every process's enforcer
    loads all rows; writes go only through ``authz.service`` with the caller's tenant."""

    __tablename__ = "casbin_rule"
    __table_args__ = (Index("ix_casbin_rule_ptype_v1", "ptype", "v1"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ptype: Mapped[str] = mapped_column(String(255))
    v0: Mapped[str | None] = mapped_column(String(255))
    v1: Mapped[str | None] = mapped_column(String(255))
    v2: Mapped[str | None] = mapped_column(String(255))
    v3: Mapped[str | None] = mapped_column(String(255))
    v4: Mapped[str | None] = mapped_column(String(255))
    v5: Mapped[str | None] = mapped_column(String(255))

    def __str__(self) -> str:
        """The adapter loads rows as Casbin policy lines: ``ptype, v0, v1, ...``."""
        values = [self.v0, self.v1, self.v2, self.v3, self.v4, self.v5]
        present = []
        for value in values:
            if value is None:
                break
            present.append(value)
        return ", ".join([self.ptype, *present])


class CustomRole(TenantScoped, Base):
    """A tenant's own role; its permissions are ``p`` rows in ``casbin_rule``."""

    __tablename__ = "custom_roles"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
