"""Where the demo's preparation stands, kept in ``VAR_DIR/demo-state.json``.

The file is the seeder's resume marker (the ids it made, step by step) and what the
``demoSetup`` field shows the demo organization's members while it runs. A file, not a
table: the demo exists only in standalone mode, where ``./var`` holds everything, and
deleting ``./var`` starts over.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from phantom.authz.permissions import P
from phantom.authz.service import requires
from phantom.config import settings
from phantom.identity.principal import Principal

STEPS = (
    "inviting the demo team",
    "uploading the loan applications data set",
    "training a credit default model",
    "valuing the model and promoting it to production (four-eyes approval)",
    "scoring 30 days of loan applications and recording their outcomes",
    "computing the model's health (drift) from that history",
    "training a challenger for approval, and a data subject request",
)


def state_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-state.json"


@dataclass
class DemoState:
    """``step`` counts from 1 (the step running, or the last one when ``done``)."""

    tenant_id: str
    step: int = 0
    total: int = len(STEPS)
    label: str = "waiting to start"
    done: bool = False
    error: str | None = None
    results: dict[str, Any] = field(default_factory=dict)  # what each step made (ids)

    def save(self, path: Path) -> None:
        """Atomically (a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(asdict(self), indent=1, sort_keys=True))
        os.replace(partial, path)


def load(path: Path) -> DemoState | None:
    try:
        data = json.loads(path.read_text())
        return DemoState(**data)
    except (OSError, ValueError, TypeError):
        return None


@dataclass(frozen=True, slots=True)
class DemoSetup:
    step: int
    total: int
    label: str
    done: bool
    error: str | None


class DemoProgress:
    @requires(P.INSIGHTS_READ)
    async def of(self, principal: Principal) -> DemoSetup | None:
        """The caller's organization's demo preparation; None in any other organization
        (and when there is no demo)."""
        state = load(state_path())
        if state is None or state.tenant_id != str(principal.tenant_id):
            return None
        return DemoSetup(state.step, state.total, state.label, state.done, state.error)


demo_progress = DemoProgress()


def tenant_of(state: DemoState) -> uuid.UUID:
    return uuid.UUID(state.tenant_id)
