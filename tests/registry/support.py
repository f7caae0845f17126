"""What the package's registry fixture holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.fixtures import TenantFixture


@dataclass
class Registry:
    tenant: TenantFixture
    other: TenantFixture
    fraud: list[dict[str, Any]]  # versions 1 and 2 of "Fraud"
    churn: dict[str, Any]  # version 1 of "Churn", same tenant
    theirs: dict[str, Any]  # version 1 of the other tenant's "Fraud"
    dataset: str  # what the tenant's versions learned from
