"""After-commit and after-rollback hooks on a session, for side effects outside the
database: a job sent, an event published, a stored object removed. ``db.transaction``
runs them; anything with a session can register one without importing ``db``."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)


def on_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` after the session's transaction commits; dropped on rollback."""
    session.info.setdefault("on_commit", []).append(callback)


def on_rollback(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` if the session's transaction rolls back (undo a side effect outside
    the database, e.g. an object written to the store); dropped on commit."""
    session.info.setdefault("on_rollback", []).append(callback)


def committed(session: AsyncSession) -> None:
    """Every after-commit side effect runs, even after one fails (Redis restarting, a
    store away); then the first failure is raised, so a caller can tell the user, though
    the transaction stands. A caller that undoes its own work on an error must therefore
    not take an error for a rollback: a worker deleted the model it had just registered
    that way (the fault drill; ``supervisor._store_result`` now knows the difference)."""
    session.info.pop("on_rollback", None)
    failure: Exception | None = None
    for callback in session.info.pop("on_commit", []):
        try:
            callback()
        except Exception as error:
            log.exception("an after-commit side effect failed; the transaction stands")
            failure = failure or error
    if failure is not None:
        raise failure


def rolled_back(session: AsyncSession) -> None:
    session.info.pop("on_commit", None)
    for undo in session.info.pop("on_rollback", []):
        undo()
