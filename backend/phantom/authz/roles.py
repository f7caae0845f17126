"""Built-in roles. The permission matrix and Casbin enforcement build on these names."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    DATA_SCIENTIST = "data_scientist"
    ML_ENGINEER = "ml_engineer"
    EXECUTIVE = "executive"
    COMPLIANCE_OFFICER = "compliance_officer"
    VIEWER = "viewer"


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        from phantom.kit.errors import BadUserInput

        raise BadUserInput(f"Unknown role '{value[:64]}'. Known roles: {known}.") from None
