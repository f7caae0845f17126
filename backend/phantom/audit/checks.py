"""Records other domains keep outside the chain but under its proof (the prediction log's
batches: the chain records each batch's SHA-256). ``phantom audit verify`` runs every
registered check after the chain's own: a domain registers one when it is imported."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class RecordsChecked:
    summary: str  # what was checked, e.g. "12 batches, 3,400 rows"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


RecordCheck = Callable[[AsyncSession], Awaitable[RecordsChecked]]
_checks: dict[str, RecordCheck] = {}


def register(name: str, check: RecordCheck) -> None:
    _checks[name] = check


def registered() -> dict[str, RecordCheck]:
    return dict(_checks)
