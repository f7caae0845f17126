"""Bad input answers BAD_USER_INPUT with a message a person can act on, and leaves nothing
behind: no row, no object in the store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from phantom.datasets import service
from phantom.ops import bodies
from tests.datasets.support import UPLOAD, message, multipart, stored_files, upload
from tests.support.fixtures import TenantFixture, gql

REFUSALS = [
    ("empty", b"", "data.csv", "The file is empty"),
    ("blank", b"\xef\xbb\xbf \n\n", "data.csv", "The file is empty"),
    ("header only", b"a,b,c\n", "data.csv", "has a header but no rows"),
    (
        "ragged",
        b"a,b,c,d\n" + b"1,2,3,4\n" * 15 + b"1,2,3,4,5\n",
        "data.csv",
        "Line 17 has 5 fields, the header has 4",
    ),
    ("not utf-8", b"name,city\nJos\xe9,Lyon\n", "data.csv", "not UTF-8 at byte 13"),
    ("duplicate names", b"a,b,a\n1,2,3\n", "data.csv", "'a' appears twice (columns 1 and 3)"),
    ("empty name", b"a,,c\n1,2,3\n", "data.csv", "Column 2 has no name"),
    ("bad quoting", b'a,b\n1,"x"y\n', "data.csv", "Line 2"),
    ("zip renamed", b"PK\x03\x04" + b"\x00" * 100, "book.csv", "ZIP archive"),
    ("binary renamed", b"abc\x00\x01\x02\xff" * 20, "data.csv", "binary file, not a CSV"),
    ("json renamed", b'{"a": [1, 2]}\n', "data.csv", "JSON document, not a CSV"),
    ("fake parquet", b"a,b\n1,2\n", "data.parquet", "not a Parquet file"),
    ("corrupt parquet", b"PAR1" + b"\x07" * 64 + b"PAR1", "data.parquet", "damaged"),
]


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
async def test_bad_files_are_refused_and_leave_nothing(
    client: httpx.AsyncClient, tenant: TenantFixture, content: bytes, filename: str, expected: str
) -> None:
    body = await upload(client, tenant.bearer, content, filename=filename)
    assert expected in message(body), body
    assert body.get("data") is None
    await assert_nothing_left(client, tenant)


async def assert_nothing_left(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    listing = await gql(client, "{ datasets { totalCount } }", headers=tenant.bearer)
    assert listing["data"]["datasets"]["totalCount"] == 0
    assert stored_files(tenant.id) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [("   ", "Give the dataset a name"), ("x" * 201, "at most 200")],
)
async def test_bad_names(
    client: httpx.AsyncClient, tenant: TenantFixture, name: str, expected: str
) -> None:
    body = await upload(client, tenant.bearer, b"a\n1\n", name=name)
    assert expected in message(body)
    await assert_nothing_left(client, tenant)


async def test_too_many_columns(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        service, "settings", service.settings.model_copy(update={"DATASET_MAX_COLUMNS": 3})
    )
    body = await upload(client, tenant.bearer, b"a,b,c,d\n1,2,3,4\n")
    assert "The file has 4 columns; at most 3 are allowed" in message(body)
    await assert_nothing_left(client, tenant)


async def test_a_file_sent_as_json_is_refused(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    body = await gql(client, UPLOAD, {"name": "x", "file": "a,b\n1,2\n"}, headers=tenant.bearer)
    assert "multipart request" in message(body)


async def test_the_size_limit_is_enforced_while_streaming(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a limit of 64 KiB, and a body of 64 MiB sent as a stream (no length)
    limit = 64 * 1024
    for module in (bodies, service):
        patched = module.settings.model_copy(update={"DATASET_MAX_BYTES": limit})
        monkeypatch.setattr(module, "settings", patched)
    parts = multipart("Big", "big.csv", b"")
    boundary = "phantom-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        f"{parts['data']['operations']}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        f"{parts['data']['map']}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\na,b\r\n"
    ).encode()
    chunk, chunks, sent = b"1,2\r\n" * 13_107, 1_000, 0  # 64 KiB chunks, 64 MiB in all

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        sent += len(head)
        yield head
        for _ in range(chunks):
            sent += len(chunk)
            yield chunk

    # when
    response = await client.post(
        "/graphql",
        content=body(),
        headers={**tenant.bearer, "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    # then: refused after about the limit, not at the end of the stream
    assert response.status_code == 413
    assert "larger than the limit of 64.0 KiB" in message(response.json())
    assert sent < limit + bodies.settings.GRAPHQL_MAX_BODY_BYTES + 2 * len(chunk)
    await assert_nothing_left(client, tenant)


async def test_anonymous_uploads_are_refused_before_the_body_is_read(
    client: httpx.AsyncClient,
) -> None:
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(100):
            sent += 65536
            yield b"x" * 65536

    response = await client.post(
        "/graphql",
        content=body(),
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "Apollo-Require-Preflight": "1",
        },
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert sent <= 65536


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    client: httpx.AsyncClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        bodies, "settings", bodies.settings.model_copy(update={"DATASET_MAX_BYTES": 1000})
    )
    response = await client.post(
        "/graphql", headers=tenant.bearer, **multipart("Big", "big.csv", b"a\n" + b"1\n" * 60_000)
    )
    assert response.status_code == 413
    assert "larger than the limit" in message(response.json())
    await assert_nothing_left(client, tenant)


async def test_cookie_uploads_need_the_preflight_header(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a browser session (cookie + CSRF token)
    login = await client.post(
        "/auth/login",
        json={"tenant": tenant.slug, "email": tenant.admin_email, "password": tenant.password},
    )
    assert login.status_code == 200, login.text
    csrf = {"X-CSRF-Token": client.cookies["phantom_csrf"]}
    # when: a multipart upload without Apollo-Require-Preflight (a cross-site form could)
    refused = await client.post("/graphql", headers=csrf, **multipart("x", "a.csv", b"a\n1\n"))
    # then
    assert refused.status_code == 403
    assert "Apollo-Require-Preflight" in refused.json()["errors"][0]["message"]
    await assert_nothing_left(client, tenant)
    # and with it, the upload goes through
    allowed = await client.post(
        "/graphql",
        headers={**csrf, "Apollo-Require-Preflight": "true"},
        **multipart("x", "a.csv", b"a\n1\n"),
    )
    assert allowed.json()["data"]["uploadDataset"]["status"] == "READY", allowed.text
    client.cookies.clear()
