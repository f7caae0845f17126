"""Appends from several processes at once keep one gapless order per tenant."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from collections import defaultdict

import pytest

from phantom.config import REPO_ROOT
from tests.audit.support import head_seq, record_events, superuser_sql, verify
from tests.support.fixtures import create_tenant

WRITERS, EVENTS_EACH = 4, 40


@pytest.mark.slow
async def test_concurrent_writer_processes_keep_one_gapless_order() -> None:
    # given: two tenants, one written by four processes at once, the other in between
    tenant, bystander = await create_tenant(), await create_tenant()
    base, bystander_base = await head_seq(tenant.id), await head_seq(bystander.id)
    started = time.perf_counter()
    writers = [
        subprocess.Popen(  # noqa: ASYNC220 - starting them is instant; we await their exit
            [sys.executable, "-m", "tests.audit.writer", str(tenant.id), f"w{n}", str(EVENTS_EACH)],
            cwd=REPO_ROOT,
        )
        for n in range(WRITERS)
    ]
    # when
    await record_events(bystander.id, 5)
    codes = [await asyncio.to_thread(w.wait, 120) for w in writers]
    elapsed = time.perf_counter() - started
    # then
    assert codes == [0] * WRITERS
    rows = await superuser_sql(
        "SELECT seq, actor_label, resource_id FROM audit_events WHERE tenant_id = $1 ORDER BY seq",
        tenant.id,
    )
    total = WRITERS * EVENTS_EACH
    # the whole chain is gapless; the writers' events are exactly base+1..base+160
    assert [r["seq"] for r in rows] == list(range(1, base + total + 1)), "gapless, no duplicates"
    written = rows[base:]
    labels = {f"w{n}" for n in range(WRITERS)}
    assert {r["actor_label"] for r in written} == labels
    assert not {r["actor_label"] for r in rows[:base]} & labels
    per_writer: dict[str, list[int]] = defaultdict(list)
    for row in written:
        per_writer[row["actor_label"]].append(int(row["resource_id"]))
    assert all(v == list(range(EVENTS_EACH)) for v in per_writer.values()), "each in order"
    interleaved = sum(
        1 for a, b in itertools.pairwise(written) if a["actor_label"] != b["actor_label"]
    )
    assert interleaved > WRITERS, "the writers really ran at the same time"
    result = await verify(tenant.id)
    assert (result.ok, result.events) == (True, base + total)
    bystanding = await verify(bystander.id)
    assert (bystanding.ok, bystanding.events) == (True, bystander_base + 5)
    print(f"{total} appends from {WRITERS} processes in {elapsed:.1f}s")  # noqa: T201
