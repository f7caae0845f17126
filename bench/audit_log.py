"""Audit log throughput: appends (one per transaction, as services write them), concurrent
appends to one tenant's chain (serialized by its head lock) and to separate tenants
(independent chains), and verification speed.

    .venv/bin/python bench/audit_log.py [--events 400] [--writers 4]

Needs the local PostgreSQL; creates and drops its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
NAME = f"phantom_bench_audit_{secrets.token_hex(4)}"
os.environ.update(
    {
        "PHANTOM_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{NAME}",
        "PHANTOM_VAR_DIR": tempfile.mkdtemp(prefix="phantom-bench-"),
        "PHANTOM_LOG_LEVEL": "WARNING",
    }
)


async def new_tenant() -> uuid.UUID:
    from phantom.db import transaction
    from phantom.identity.tenants import tenants

    slug = f"b-{secrets.token_hex(4)}"
    async with transaction(None) as session:
        created = await tenants.create(
            session,
            slug=slug,
            name=slug,
            admin_email=f"owner@{slug}.example.com",
            admin_password=secrets.token_urlsafe(16),
        )
    return created.tenant.id


async def append(tenant_id: uuid.UUID, i: int) -> None:
    from phantom import audit
    from phantom.db import transaction

    async with transaction(tenant_id) as session:
        await audit.record(
            session,
            actor=audit.Actor.system("bench"),
            action="bench.event.recorded",
            resource=("bench", i),
            details={"i": i, "note": "x" * 200},
            subjects={uuid.UUID(int=i % 50 + 1): {"email": f"p{i % 50}@example.com"}},
        )


async def writer(tenant_id: uuid.UUID, count: int) -> None:
    for i in range(count):
        await append(tenant_id, i)


async def timed(label: str, events: int, work: Awaitable[object]) -> float:
    started = time.perf_counter()
    await work
    seconds = time.perf_counter() - started
    rate, each = events / seconds, seconds / events * 1000
    print(f"{label:<52} {events:>6} {seconds:>8.2f} {rate:>9.0f} {each:>8.2f}")
    return seconds


async def main(events: int, writers: int) -> None:
    from phantom.audit.verify import verify_tenant_chain

    print(f"{'case':<52} {'events':>6} {'seconds':>8} {'events/s':>9} {'ms/event':>8}")
    one = await new_tenant()
    await timed("sequential appends, one tenant", events, writer(one, events))
    shared = await new_tenant()
    per = events // writers
    await timed(
        f"{writers} concurrent writers, one tenant (one chain)",
        per * writers,
        asyncio.gather(*(writer(shared, per) for _ in range(writers))),
    )
    tenants = [await new_tenant() for _ in range(writers)]
    await timed(
        f"{writers} concurrent writers, {writers} tenants (own chains)",
        per * writers,
        asyncio.gather(*(writer(t, per) for t in tenants)),
    )
    result = None

    async def verify() -> None:
        nonlocal result
        result = await verify_tenant_chain(one)

    await timed("verify one tenant's chain (decrypt-free proof)", events, verify())
    if result is None or not result.ok:
        raise SystemExit(f"the chain did not verify: {result}")


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--writers", type=int, default=4)
    options = parser.parse_args()
    subprocess.run(["psql", PG_ADMIN, "-qc", f'CREATE DATABASE "{NAME}"'], check=True)
    try:
        from phantom.migrate import upgrade

        upgrade()
        asyncio.run(main(options.events, options.writers))
    finally:
        subprocess.run(
            ["psql", PG_ADMIN, "-qc", f'DROP DATABASE "{NAME}" WITH (FORCE)'], check=True
        )


if __name__ == "__main__":
    run()
