"""The whole path on real processes: an alert's webhook is queued after commit, and a
separate `phantom worker` delivers it, retrying with backoff (Dramatiq delayed messages)
until the receiver answers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from phantom.kit.jobs import broker
from phantom.webhooks.signing import verify
from tests.alerts.support import receiver
from tests.support.fixtures import TenantFixture
from tests.support.servers import running
from tests.webhooks.test_webhooks import create, deliveries, emit_one

pytestmark = pytest.mark.slow


async def test_a_worker_process_delivers_with_retries(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    broker.flush_all()  # only this test's messages for the worker
    settings = {"PHANTOM_WEBHOOK_RETRY_BASE_SECONDS": "0.5"}
    with receiver(failures=2) as hook:
        webhook_id, secret = await create(client, tenant, hook.url)
        with running(
            ["worker", "--processes", "1", "--threads", "2"], env=settings, log=tmp_path / "w.log"
        ):
            await emit_one(tenant)  # queued after commit, picked up by the worker
            delivery: dict[str, Any] = {}
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                (delivery,) = await deliveries(client, tenant, webhook_id)
                if delivery["status"] in ("DELIVERED", "FAILED"):
                    break
                await asyncio.sleep(0.3)
        log = (tmp_path / "w.log").read_text(errors="replace")
        assert delivery["status"] == "DELIVERED", (delivery, log[-3000:])
        assert delivery["attempts"] == 3
        assert len(hook.received) == 3
        assert all(verify(secret, r.body, r.headers["x-phantom-signature"]) for r in hook.received)
        assert secret not in log
