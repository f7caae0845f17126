"""After-commit side effects: one that raises (Redis restarting) is logged, the others
still run, and then the failure reaches the caller (who must not take it for a rollback:
the fault drill found a worker that deleted the model it had just registered)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.kit.transactions import committed, on_commit, on_rollback


def test_a_failing_side_effect_is_logged_and_the_rest_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = AsyncSession()
    ran: list[str] = []

    def redis_down() -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    on_commit(session, redis_down)
    on_commit(session, lambda: ran.append("published"))
    on_rollback(session, lambda: ran.append("undone"))
    with (
        caplog.at_level(logging.ERROR, logger="phantom.kit.transactions"),
        pytest.raises(ConnectionError, match="Error 111"),
    ):
        committed(session)
    assert ran == ["published"]
    assert "the transaction stands" in caplog.text
    assert "Error 111" in caplog.text
    committed(session)  # the hooks ran once: nothing left
    assert ran == ["published"]
