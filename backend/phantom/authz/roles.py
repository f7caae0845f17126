"""Built-in roles. The permission matrix and Casbin enforcement build on these names."""

from __future__ import annotations

from enum import StrEnum

from phantom.kit.errors import BadUserInput


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
        raise BadUserInput(f"Unknown role '{value[:64]}'. Known roles: {known}.") from None
