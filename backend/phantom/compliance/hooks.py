"""What other domains hold about a data subject.

A domain that stores personal data registers a finder at import time::

    from phantom.compliance.hooks import SubjectReference, register_subject_finder

    async def datasets_naming(session, subject_id):   # in the tenant's transaction
        return [SubjectReference("datasets", "dataset", str(d.id), d.name) for d in ...]

    register_subject_finder("datasets", datasets_naming)

Access and erasure reports list every reference found. Finders read; they do not erase
(data in a dataset is the tenant's to correct, and the report tells the officer where).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class SubjectReference:
    domain: str  # e.g. "datasets"
    kind: str  # e.g. "dataset"
    id: str
    description: str  # e.g. the dataset's name and the columns that name the person

    def to_json(self) -> dict[str, str]:
        return asdict(self)


SubjectFinder = Callable[[AsyncSession, uuid.UUID], Awaitable[list[SubjectReference]]]
_finders: dict[str, SubjectFinder] = {}


def register_subject_finder(name: str, finder: SubjectFinder) -> None:
    _finders[name] = finder


def unregister_subject_finder(name: str) -> None:
    _finders.pop(name, None)


async def find_references(session: AsyncSession, subject_id: uuid.UUID) -> list[SubjectReference]:
    found: list[SubjectReference] = []
    for name in sorted(_finders):
        found.extend(await _finders[name](session, subject_id))
    return found
