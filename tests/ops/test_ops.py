"""Operations endpoints and structured logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette

from phantom.app import spa_routes
from phantom.config import settings


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
    index = (settings.FRONTEND_DIST / "index.html").read_text()  # the suite builds the app
    page = await client.get("/models/some-deep/link")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert page.text == index
    assert (await client.get("/api/v1/nothing")).status_code == 404


UP = "..%2f" * 10  # deeper than any checkout: a path that reached the disk would find it


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        f"/{UP}etc/passwd",
        "/" + "%2e%2e/" * 10 + "etc/passwd",
        f"/models/{UP}etc%2fpasswd",
    ],
)
async def test_traversal_outside_the_build_gets_the_app_not_the_file(
    client: httpx.AsyncClient, path: str
) -> None:
    # no request path reaches the file system: anything not in the build is the app
    response = await client.get(path)
    assert response.status_code == 200
    assert response.text == (settings.FRONTEND_DIST / "index.html").read_text()
    assert "root:" not in response.text


@pytest.mark.parametrize("path", [f"/assets/{UP}etc%2fpasswd", f"/assets/{UP}etc/passwd"])
async def test_traversal_under_assets_is_not_found(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text


async def test_without_a_build_every_app_route_explains_how_to_build_it(tmp_path: Path) -> None:
    app = Starlette(routes=spa_routes(tmp_path / "no-build"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        for path in ("/", "/models", "/../../etc/passwd"):
            response = await client.get(path)
            assert response.status_code == 503
            assert "make frontend" in response.text
            assert "root:" not in response.text
