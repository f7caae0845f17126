"""The supervisor's "the fit goes on while its lease surely holds, and stops once it may
have lapsed" (``held_until`` in ``supervisor._watch``) was checked only after a heartbeat
or progress write *returned* (attack review of issue 16). A database that stops answering
without refusing (a failover whose old address black-holes packets, a network partition)
holds that write for asyncpg's connect timeout (60 s) or, on a pooled connection, TCP's
retransmission timeout (~15 min); meanwhile the lease lapses, the reconciler (which
reaches the database) gives the job to another worker, and two fits of one job run at
once. Now each write is bounded by the lease (``within_lease``)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid

import pytest

from phantom.automl import runs
from phantom.automl.runs import Claim
from phantom.automl.supervisor import within_lease
from phantom.config import settings
from phantom.db import dispose_engine


def silent_database() -> tuple[socket.socket, int]:
    """A real TCP endpoint that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


def test_a_heartbeat_to_a_silent_database_is_bounded_by_the_lease(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, port = silent_database()
    # the settings are frozen: their values, for this test only
    monkeypatch.setitem(
        settings.__dict__, "DATABASE_URL", f"postgresql+asyncpg://phantom@127.0.0.1:{port}/phantom"
    )
    monkeypatch.setitem(settings.__dict__, "TRAINING_LEASE_SECONDS", 6)
    claim = Claim(
        tenant_id=uuid.uuid4(), job_id=uuid.uuid4(), token=1, attempt=1, max_attempts=3,
        engine="SKLEARN", task_type="BINARY_CLASSIFICATION", target="y", metric="auc",
        budget_seconds=60, excluded_columns=[], serving_choice="best", seed=0,
        dataset_path=None, column_types={}, protected_attributes=[],
    )  # fmt: skip

    async def main() -> float:
        started = time.monotonic()
        held_until = started + settings.TRAINING_LEASE_SECONDS
        try:
            with pytest.raises(TimeoutError, match="lease"):
                await within_lease(runs.heartbeat(claim), held_until)
            return time.monotonic() - held_until
        finally:
            await dispose_engine()

    try:
        past_the_lease = asyncio.run(main())
    finally:
        server.close()
    # the write is given up at the end of the lease, not a minute later
    assert 0 <= past_the_lease < 1.0
