"""A separate writer process for the concurrency test:
``python -m tests.audit.writer <tenant_id> <label> <count>``."""

from __future__ import annotations

import asyncio
import sys
import uuid

import phantom.models  # noqa: F401 - every table mapped, as in every phantom process
from phantom import audit
from phantom.db import dispose_engine, transaction


async def main(tenant_id: uuid.UUID, label: str, count: int) -> None:
    try:
        for i in range(count):
            async with transaction(tenant_id) as session:
                await audit.record(
                    session,
                    actor=audit.Actor.system(label),
                    action="tests.concurrent.append",
                    resource=("writer", i),
                    details={"writer": label, "i": i},
                )
    finally:
        await dispose_engine()


if __name__ == "__main__":
    asyncio.run(main(uuid.UUID(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
