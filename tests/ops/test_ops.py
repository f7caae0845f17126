"""Operations endpoints and structured logs."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from redis.asyncio import Redis


async def test_readyz_reports_an_unreachable_redis(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed_port = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    monkeypatch.setattr("phantom.ops.routes.get_redis", lambda: closed_port)
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "unavailable"},
    }
    await closed_port.aclose()


async def test_healthz_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    await client.get("/healthz")
    metrics = (await client.get("/metrics")).text
    assert "phantom_http_request_duration_seconds_bucket" in metrics
    assert 'route="/healthz"' in metrics


def test_json_logs_carry_request_and_tenant_ids() -> None:
    from phantom.kit.logging import JsonFormatter, request_id_var, tenant_id_var

    request_id_var.set("req-1")
    tenant_id_var.set("tenant-9")
    record = logging.makeLogRecord(
        {"msg": "hello %s", "args": ("world",), "levelname": "INFO", "name": "x", "user_id": "u-1"}
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["msg"] == "hello world"
    assert entry["request_id"] == "req-1"
    assert entry["tenant_id"] == "tenant-9"
    assert entry["user_id"] == "u-1"


async def test_unknown_spa_routes_fall_back_to_the_app_and_api_paths_do_not(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/models/some-deep/link")
    assert page.status_code in (200, 503)  # 503 explains how to build the SPA
    assert "text/html" in page.headers["content-type"]
    assert (await client.get("/api/v1/nothing")).status_code == 404
    assert (await client.get("/../../etc/passwd")).status_code in (200, 404, 503)
    assert "root:" not in (await client.get("/..%2f..%2fetc/passwd")).text
