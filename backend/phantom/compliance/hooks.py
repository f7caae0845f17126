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

import logging
import unicodedata
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.kit import rowfilter
from phantom.kit.storage import get_store


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


# --- customers named by an identifier (a column and a value) -----------------------------
#
# Data subjects are above all the tenant's customers, whose rows sit in datasets and in the
# prediction log. A domain that stores such rows registers a source that finds them (for
# an access report) and removes them (for an erasure), in the tenant's transaction:
#
#     register_identifier_source("datasets", IdentifierSource(find=..., erase=...))

MAX_ROWS_PER_MATCH = 1_000  # rows with their values one report holds per dataset or batch

log = logging.getLogger(__name__)


def scan_stored(
    key: str, identifier: Identifier, columns: Callable[[], list[str]], what: str
) -> rowfilter.Found | None:
    """The rows of the stored Parquet file ``key`` whose ``columns()`` hold the
    identifier (blocking: callers run it in a thread); None when the file has no such
    column or is gone (``what`` names it in the warning)."""
    try:
        names = columns()
        if not names:
            return None
        with get_store().open(key) as source:
            return rowfilter.find_rows(source, names, identifier.value, MAX_ROWS_PER_MATCH)
    except FileNotFoundError:
        log.warning("%s missing while searching for a data subject: %s", what, key)
        return None


@dataclass(frozen=True, slots=True)
class Identifier:
    """A column name (matched case-insensitively) and a value (compared as trimmed text,
    both in Unicode NFC)."""

    column: str
    value: str

    def matches_column(self, name: str) -> bool:
        return _folded(name) == _folded(self.column)


def _folded(name: str) -> str:
    """A column name as names are compared: trimmed, case-folded, in NFC (the same name
    written decomposed by another tool is the same column)."""
    return unicodedata.normalize("NFC", name.strip().casefold())


@dataclass(frozen=True, slots=True)
class IdentifierMatch:
    """Where rows holding the identifier were found: ``kind`` is e.g. "dataset" or
    "prediction_batch"; ``facts`` names it (dataset name and version, or model and
    version); ``rows`` are the rows with their values, at most ``MAX_ROWS_PER_MATCH`` of
    ``row_count``."""

    domain: str
    kind: str
    id: str
    facts: dict[str, Any]
    row_count: int
    rows: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class IdentifierErased:
    """What an erasure did in one place (no personal data: counts and ids)."""

    domain: str
    kind: str
    id: str
    facts: dict[str, Any]
    rows_removed: int


IdentifierFinder = Callable[[AsyncSession, Identifier], Awaitable[list[IdentifierMatch]]]
IdentifierEraser = Callable[
    [AsyncSession, Identifier, uuid.UUID], Awaitable[list[IdentifierErased]]
]


@dataclass(frozen=True, slots=True)
class IdentifierSource:
    find: IdentifierFinder
    erase: IdentifierEraser  # (session, identifier, request id): removes the rows


_sources: dict[str, IdentifierSource] = {}


def register_identifier_source(name: str, source: IdentifierSource) -> None:
    _sources[name] = source


async def find_identifier(session: AsyncSession, identifier: Identifier) -> list[IdentifierMatch]:
    found: list[IdentifierMatch] = []
    for name in sorted(_sources):
        found.extend(await _sources[name].find(session, identifier))
    return found


async def erase_identifier(
    session: AsyncSession, identifier: Identifier, request_id: uuid.UUID
) -> list[IdentifierErased]:
    done: list[IdentifierErased] = []
    for name in sorted(_sources):
        done.extend(await _sources[name].erase(session, identifier, request_id))
    return done
