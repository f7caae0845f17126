"""The permission matrix: its documented copy, and its decisions through Casbin."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest

from phantom.authz.permissions import MATRIX, P, matrix_markdown
from phantom.authz.roles import Role
from phantom.authz.service import can, permissions_of
from phantom.db import transaction
from phantom.identity.sso.provisioning import provision_member
from phantom.identity.tokens import tokens
from tests.support.fixtures import TenantFixture

DOC = Path(__file__).parents[2] / "docs" / "security.md"


def test_the_documented_matrix_is_the_code() -> None:
    text = DOC.read_text()
    documented = text.split("<!-- matrix:start -->\n", 1)[1].split("\n<!-- matrix:end -->", 1)[0]
    assert documented == matrix_markdown(), "regenerate the table from authz/permissions.py"


def test_owners_hold_everything_and_admins_do_not_read_audit_details() -> None:
    assert MATRIX[Role.OWNER] == frozenset(P)
    assert P.AUDIT_READ_DETAILS not in MATRIX[Role.ADMIN]
    assert all(P.TOKENS_CREATE in grants for grants in MATRIX.values())


@pytest.mark.parametrize("role", list(Role))
async def test_enforcer_decisions_follow_the_matrix(tenant: TenantFixture, role: Role) -> None:
    # given: a member holding exactly this built-in role
    email = f"{role.value}@{tenant.slug}.example.com"
    async with transaction(tenant.id) as session:
        await provision_member(
            session,
            tenant_id=tenant.id,
            email=email,
            display_name=role.value,
            roles=[role.value],
            sso_subject=f"test|{role.value}",
        )
        secret, _ = await tokens.create(session, tenant_id=tenant.id, email=email, name="t")
    async with transaction(None) as session:
        principal = await tokens.principal_for(session, secret)
    # then: Casbin allows exactly the matrix's permissions, in this tenant only
    assert set(await permissions_of(principal)) == MATRIX[role]
    for permission in P:
        assert await can(principal, permission) == (permission in MATRIX[role])
    elsewhere = dataclasses.replace(principal, tenant_id=uuid.uuid4())
    assert await permissions_of(elsewhere) == []
