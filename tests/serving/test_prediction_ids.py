"""Prediction ids (kit/ids.py): version-7 UUIDs, distinct within and across calls, and
across processes forked from one another (the random pool is never inherited)."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

from phantom.kit.ids import MAX_BLOCK, uuid7_block, uuid7_time


def test_ids_are_distinct_version_7_and_carry_their_time() -> None:
    at = datetime(2026, 12, 6, 17, 0, 0, 123000, tzinfo=UTC)
    seen: set[str] = set()
    for count in (1, 2, 1000, MAX_BLOCK):
        block = uuid7_block(at, count)
        assert len(set(block)) == count
        seen.update(block)
    assert len(seen) == 1 + 2 + 1000 + MAX_BLOCK
    for value in (uuid.UUID(i) for i in list(seen)[:100]):
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert uuid7_time(value) == at


def test_a_forked_child_never_repeats_its_parents_ids() -> None:
    at = datetime.now(UTC)
    uuid7_block(at, 1)  # the parent's pool is filled
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: report its next ids, then leave at once
        os.close(read)
        os.write(write, "\n".join(uuid7_block(at, 1)[0] for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        childs = set(pipe.read().split("\n"))
    os.waitpid(child, 0)
    parents = {uuid7_block(at, 1)[0] for _ in range(50)}
    assert len(childs) == 50
    assert not childs & parents
