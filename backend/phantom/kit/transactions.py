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
    """Each after-commit side effect, each on its own: one that fails (Redis restarting,
    say) is logged, never raised, since the transaction stands and its caller must not
    take it for a failure (a worker would then delete the model it just registered).
    What one carries is sent again by the reconcilers (a job QUEUED too long is resent)."""
    session.info.pop("on_rollback", None)
    for callback in session.info.pop("on_commit", []):
        try:
            callback()
        except Exception:
            log.exception("an after-commit side effect failed; the transaction stands")


def rolled_back(session: AsyncSession) -> None:
    session.info.pop("on_commit", None)
    for undo in session.info.pop("on_rollback", []):
        undo()
