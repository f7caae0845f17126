"""Issue 10, item 6: memory exhaustion through request bodies. Rule: one streamed size
cap for every route, chosen by the exact media type; a media type the route does not
take is refused (415) before a byte of the body is read.

The real-process tests send up to 96 MiB to ``phantom api`` and measure the process's
peak resident memory; the ASGI tests count the bytes the application pulled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from phantom.config import settings
from tests.security.bodies import asgi_post, json_body, peak_rss_bytes, stream_post
from tests.support.fixtures import TenantFixture
from tests.support.servers import free_port, running, wait_ready

HUGE = 96 * 1024 * 1024
# the process's peak may grow by what one request legitimately holds, never by the body
HEADROOM = 32 * 1024 * 1024
CHUNK = 64 * 1024
AUTH_CAP = 4096  # /auth bodies: a tenant, an email and a password, or a token and one


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real ``phantom api`` process: its URL and pid."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("bodies") / "api.log"
    with running(["api", "--port", str(port)], {"PHANTOM_BASE_URL": url}, log=log) as process:
        wait_ready(url, process)
        yield url, process.pid


ATTACKS = [
    # the reproduced one: Strawberry parses any media type containing "application/json"
    ("/graphql", "x-application/json"),
    ("/graphql", "application/json"),
    ("/graphql", "text/plain"),
    ("/auth/login", "application/json"),
    ("/auth/invitation", "application/json"),
    ("/auth/login", "text/plain"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "media_type"), ATTACKS)
def test_a_huge_streamed_body_is_refused_before_it_is_read(
    api: tuple[str, int], path: str, media_type: str
) -> None:
    # given: a running API, and its memory high-water mark
    url, pid = api
    before = peak_rss_bytes(pid)
    # when: 96 MiB arrive chunked, with no Content-Length to refuse up front
    answer = stream_post(url, path, {"Content-Type": media_type}, json_body(HUGE))
    # then: refused while the client was still sending, and the body never held
    assert 400 <= (answer.status or 0) < 500, answer.head[:300]
    assert not answer.finished, f"the server read all {answer.sent} bytes, then {answer.status}"
    assert peak_rss_bytes(pid) - before < HEADROOM


async def test_the_reproduced_media_type_gets_415_unread(app: Any) -> None:
    answer = await asgi_post(
        app, "/graphql", {"content-type": "x-application/json"}, json_body(4 * 1024 * 1024)
    )
    assert answer.status == 415, answer.body[:300]
    assert b"application/json or multipart/form-data" in answer.body
    assert answer.consumed == 0


@pytest.mark.slow
def test_a_false_content_length_does_not_stretch_the_cap(api: tuple[str, int]) -> None:
    # given: a declared length far over the cap
    url, pid = api
    before = peak_rss_bytes(pid)
    answer = stream_post(
        url,
        "/graphql",
        {"Content-Type": "application/json"},
        json_body(HUGE),
        content_length=HUGE * 4,
    )
    # then: refused on the header, before the body
    assert answer.status == 413
    assert not answer.finished
    assert peak_rss_bytes(pid) - before < HEADROOM


def _chunks(total: int, first: bytes = b"{") -> Iterator[bytes]:
    yield first
    for _ in range(total // CHUNK):
        yield b" " * CHUNK


def _status_and_read(answer: Any, status: int, cap: int) -> None:
    assert answer.status == status, answer.body[:300]
    assert answer.consumed <= cap + CHUNK, f"read {answer.consumed} bytes over a {cap} cap"


@pytest.mark.parametrize(
    ("path", "cap"),
    [
        ("/graphql", settings.GRAPHQL_MAX_BODY_BYTES),
        ("/auth/login", AUTH_CAP),
        ("/auth/invitation", AUTH_CAP),
    ],
)
@pytest.mark.parametrize("declared", [None, "100"])
async def test_json_bodies_stop_at_the_cap_whatever_length_is_declared(
    app: Any, path: str, cap: int, declared: str | None
) -> None:
    # given: 4 MiB of JSON, streamed with no length or with a false small one
    headers = {"content-type": "application/json"}
    if declared is not None:
        headers["content-length"] = declared
    # when
    answer = await asgi_post(app, path, headers, _chunks(4 * 1024 * 1024))
    # then
    _status_and_read(answer, 413, cap)


@pytest.mark.parametrize(
    "path",
    [
        "/graphql",
        "/auth/login",
        "/auth/invitation",
        "/auth/logout",
        "/healthz",
        "/auth/sso/x/login",
    ],
)
@pytest.mark.parametrize(
    "media_type",
    [
        "x-application/json",
        "application/json-seq",
        "text/plain",
        "application/x-www-form-urlencoded",
    ],
)
async def test_a_media_type_the_route_does_not_take_is_never_read(
    app: Any, path: str, media_type: str
) -> None:
    answer = await asgi_post(
        app,
        path,
        {"content-type": media_type},
        _chunks(1024 * 1024, b'{"query": "{ __typename }"}'),
    )
    assert 400 <= answer.status < 500, answer.body[:300]  # 415; 405 also kept it unread
    assert answer.consumed == 0


async def test_a_declared_length_over_the_cap_is_refused_unread(app: Any) -> None:
    answer = await asgi_post(
        app,
        "/auth/login",
        {"content-type": "application/json", "content-length": str(10 * 1024 * 1024)},
        _chunks(10 * 1024 * 1024),
    )
    _status_and_read(answer, 413, 0)
    assert answer.consumed == 0


async def test_predict_takes_json_only_and_stops_at_its_cap(
    app: Any, tenant: TenantFixture
) -> None:
    path = "/api/v1/models/00000000-0000-0000-0000-000000000000/predict"
    headers = {"authorization": f"Bearer {tenant.token}"}
    # a body in another media type is not parsed as JSON
    other = await asgi_post(
        app, path, {**headers, "content-type": "x-application/json"}, iter([b'{"rows": []}'])
    )
    assert 400 <= other.status < 500
    assert other.consumed == 0
    # JSON over the cap, streamed
    limit = settings.PREDICT_MAX_BODY_BYTES
    big = await asgi_post(
        app,
        path,
        {**headers, "content-type": "application/json"},
        _chunks(limit + 4 * 1024 * 1024, b'{"rows": ['),
    )
    assert 400 <= big.status < 500
    assert big.consumed <= limit + CHUNK


async def test_uploads_stop_at_their_cap_whatever_length_is_declared(
    app: Any, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: an upload limit of 64 KiB, and 4 MiB sent with a false small length
    from phantom.ops import bodies

    patched = bodies.settings.model_copy(update={"DATASET_MAX_BYTES": 64 * 1024})
    monkeypatch.setattr(bodies, "settings", patched)
    boundary = "phantom-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\na,b\r\n"
    ).encode()
    answer = await asgi_post(
        app,
        "/graphql",
        {
            "authorization": f"Bearer {tenant.token}",
            "content-type": f"multipart/form-data; boundary={boundary}",
            "content-length": "1000",
        },
        _chunks(4 * 1024 * 1024, head),
    )
    _status_and_read(answer, 413, 64 * 1024 + bodies.settings.GRAPHQL_MAX_BODY_BYTES)
    assert "larger than the limit of 64.0 KiB" in answer.body.decode()


@pytest.mark.parametrize("media_type", ["multipart/mixed", "multipart/form-data-x"])
async def test_only_form_data_uploads_are_taken(
    app: Any, tenant: TenantFixture, media_type: str
) -> None:
    answer = await asgi_post(
        app,
        "/graphql",
        {"authorization": f"Bearer {tenant.token}", "content-type": f"{media_type}; boundary=b"},
        _chunks(1024 * 1024, b"--b\r\n"),
    )
    assert 400 <= answer.status < 500
    assert answer.consumed == 0


def test_every_route_that_takes_a_body_has_a_rule(app: Any) -> None:
    """A new POST route without a rule would refuse every body (fail closed): this
    test names it before a user does."""
    from starlette.routing import Route

    from phantom.ops import bodies

    posts = [
        r.path for r in app.rest.routes if isinstance(r, Route) and "POST" in (r.methods or ())
    ]
    assert posts
    bodiless = {
        "/auth/sso/{slug}/link",  # a POST for its CSRF header; it reads no body
        # POST generates a model report: the version is in the path, nothing in a body
        "/api/v1/model-versions/{version_id}/report.pdf",
        "/api/v1/model-versions/{version_id}/report.html",
    }
    for path in [*posts, "/graphql"]:
        rule = bodies.accepted(path.replace("{version_id}", "x"))
        assert (rule == bodies.NO_BODY) == (path in bodiless), path
